use crate::helpers::{Options, spawn_app_with};

const CSS: &str = "body { color: #1a1a1a; }\n";

fn big_css() -> String {
    CSS.repeat(50)
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_served_compressed() {
    let css = big_css();
    let app = spawn_app_with(Options {
        site_files: &[("pkg/aqxc.css", &css), ("favicon.svg", "<svg/>")],
        ..Default::default()
    })
    .await;
    let response = app
        .client
        .get(app.url("/pkg/aqxc.css"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    // Tests run without cargo-leptos' hash file, so the pkg files keep their plain names and
    // must be revalidated; with hashing on they are immutable (unit-tested in the server).
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("must-revalidate")
    );
    assert!(response.headers().contains_key("etag"));
}

#[tokio::test]
async fn an_unchanged_asset_is_answered_with_304() {
    let app = spawn_app_with(Options {
        site_files: &[("favicon.svg", "<svg/>")],
        ..Default::default()
    })
    .await;
    let first = app.get("/favicon.svg").await;
    let etag = first.headers()["etag"].clone();
    let second = app
        .client
        .get(app.url("/favicon.svg"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status().as_u16(), 304);
}

#[tokio::test]
async fn clients_without_compression_get_the_plain_file() {
    let css = big_css();
    let app = spawn_app_with(Options {
        site_files: &[("pkg/aqxc.css", &css)],
        ..Default::default()
    })
    .await;
    let response = app.get("/pkg/aqxc.css").await;
    assert!(!response.headers().contains_key("content-encoding"));
    assert_eq!(response.text().await.unwrap(), css);
}
