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

/// The practice worker's build version (`const BUILD = "…"`) as served.
async fn served_worker(site_files: &[(&str, &str)]) -> (reqwest::header::HeaderMap, String) {
    let app = spawn_app_with(Options {
        site_files,
        ..Default::default()
    })
    .await;
    let response = app.get("/practice-sw.js").await;
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap())
}

fn build_of(worker: &str) -> String {
    let start = worker
        .find("const BUILD = \"")
        .expect("the worker names its build")
        + 15;
    let end = start + worker[start..].find('"').unwrap();
    worker[start..end].to_string()
}

#[tokio::test]
async fn the_practice_worker_names_its_build_and_fetches_unhashed_files_from_the_network_first() {
    let (headers, worker) = served_worker(&[("pkg/aqxc.css", CSS), ("read-aloud.js", "1")]).await;
    // The browser asks for the worker itself afresh on every visit.
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");

    let build = build_of(&worker);
    assert!(
        build.len() == 12 && build.bytes().all(|b| b.is_ascii_hexdigit()),
        "{build}"
    );
    assert!(worker.contains("const CACHE = `aqxc-practice-${BUILD}`"));
    assert!(!worker.contains("aqxc-practice-v1"), "no fixed cache name");
    assert!(!worker.contains("__"), "every placeholder filled in");
    // Tests run without cargo-leptos' hash file: no name carries a hash, so nothing is served
    // from the kept copies before the network.
    assert!(worker.contains("const HASHED_PKG = false;"));
    assert!(worker.contains("isHashed(url)) {\n    event.respondWith(cacheFirst(request));"));
    assert!(worker.contains("event.respondWith(networkFirst(request, request.url));"));

    // The same files are the same build; a changed file is a new one, whose worker drops the
    // old copies.
    let (_, again) = served_worker(&[("pkg/aqxc.css", CSS), ("read-aloud.js", "1")]).await;
    assert_eq!(build_of(&again), build);
    let (_, changed) = served_worker(&[("pkg/aqxc.css", CSS), ("read-aloud.js", "2")]).await;
    assert_ne!(build_of(&changed), build);
}
