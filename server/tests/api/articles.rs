use std::path::Path;

use app::articles::import::import_folder;

use crate::helpers::{Options, TestApp, location, spawn_app_with};

/// An article file with the given slug, date, category and body.
fn article(slug: &str, date: &str, category: &str, title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nslug = \"{slug}\"\ndate = \"{date}\"\ncategory = \"{category}\"\n\
         tags = [\"燃气\", \"家庭安全\"]\nsummary = \"{title}的要点。\"\nauthor = \"宣传股\"\n+++\n\n{body}\n"
    )
}

const GAS_BODY: &str = "## 一、闻到异味\n\n闻到燃气味时，先关闭燃气总阀，再打开门窗通风。\n\n## 二、不要做的事\n\n不开关电器，不用明火。\n\n### 电话\n\n到室外拨打燃气公司电话。\n\n<script>alert('x')</script><img src=x onerror=alert(1)>\n";

async fn app_with_articles(files: &[(&str, &str)]) -> TestApp {
    spawn_app_with(Options {
        content_files: files,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn the_shipped_demo_articles_all_import_without_a_problem() {
    let app = app_with_articles(&[]).await;
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/articles");
    let report = import_folder(&app.pool, &folder, app::foundation::clock::now())
        .await
        .unwrap();
    assert_eq!(report.problems, Vec::<String>::new());
    assert!(report.inserted >= 12, "{report:?}");
    let (_, html) = app.page("/articles").await;
    assert!(html.contains("家庭火灾预防与逃生指南") || html.contains("第 1 / "));
}

#[tokio::test]
async fn importing_the_same_files_twice_changes_nothing_and_an_edited_file_updates_its_article() {
    let gas = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏怎么办",
        GAS_BODY,
    );
    let app = app_with_articles(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gas.md"), &gas).unwrap();

    let first = import_folder(&app.pool, dir.path(), 1).await.unwrap();
    assert_eq!((first.inserted, first.updated, first.unchanged), (1, 0, 0));
    let again = import_folder(&app.pool, dir.path(), 2).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 1));
    let (updated_at,): (i64,) = sqlx::query_as("SELECT updated_at FROM articles")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(updated_at, 1, "an unchanged file touched its article");

    std::fs::write(
        dir.path().join("gas.md"),
        gas.replace("燃气泄漏怎么办", "燃气泄漏应急处置"),
    )
    .unwrap();
    let edited = import_folder(&app.pool, dir.path(), 3).await.unwrap();
    assert_eq!((edited.inserted, edited.updated), (0, 1));
    let (title,): (String,) = sqlx::query_as("SELECT title FROM articles")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(title, "燃气泄漏应急处置");
}

#[tokio::test]
async fn a_malformed_file_is_reported_with_its_path_and_line_and_the_rest_still_import() {
    let app = app_with_articles(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a-good.md"),
        article("gas-leak", "2026-03-30", "安全常识", "燃气", GAS_BODY),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b-bad-category.md"),
        article("other", "2026-03-30", "杂谈", "x", "正文"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c-same-slug.md"),
        article("gas-leak", "2026-04-01", "安全常识", "y", "正文"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("d-bad-slug.md"),
        article("Bad Slug!", "2026-04-01", "安全常识", "z", "正文"),
    )
    .unwrap();
    let report = import_folder(&app.pool, dir.path(), 1).await.unwrap();
    assert_eq!(report.inserted, 1);
    assert_eq!(report.problems.len(), 3, "{:#?}", report.problems);
    assert!(
        report.problems[0].contains("b-bad-category.md:5:"),
        "{}",
        report.problems[0]
    );
    assert!(
        report.problems[1].contains("c-same-slug.md")
            && report.problems[1].contains("already used")
    );
    assert!(report.problems[2].contains("d-bad-slug.md:3:") && report.problems[2].contains("slug"));
}

#[tokio::test]
async fn the_server_starts_and_publishes_despite_a_bad_file() {
    let good = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏怎么办",
        GAS_BODY,
    );
    let app = app_with_articles(&[
        ("articles/gas.md", &good),
        ("articles/broken.md", "no front matter"),
    ])
    .await;
    let (status, html) = app.page("/articles").await;
    assert_eq!(status, 200);
    assert!(html.contains("燃气泄漏怎么办"));
}

#[tokio::test]
async fn an_article_page_shows_its_date_category_reading_time_contents_and_safe_body() {
    let gas = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏怎么办",
        GAS_BODY,
    );
    let fire = article("fire", "2026-02-23", "安全常识", "家庭防火", "正文。");
    let flood = article("flood", "2026-04-08", "应急科普", "防汛防台", "正文。");
    let app = app_with_articles(&[
        ("articles/gas.md", &gas),
        ("articles/fire.md", &fire),
        ("articles/flood.md", &flood),
    ])
    .await;
    let (status, html) = app.page("/articles/gas-leak").await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>燃气泄漏怎么办 - "));
    assert!(html.contains(r#"<meta name="description" content="燃气泄漏怎么办的要点。""#));
    assert!(html.contains(r#"property="og:title""#));
    assert!(html.contains("2026-03-30") && html.contains("安全常识") && html.contains("分钟读完"));
    assert!(
        html.contains(r##"href="#sec-1""##) && html.contains("目录"),
        "no table of contents"
    );
    assert!(html.contains(r#"<h2 id="sec-1">一、闻到异味</h2>"#));
    assert!(
        !html.contains("alert('x')") && !html.contains("onerror"),
        "the body is not sanitized"
    );
    // Neighbours in publication order.
    assert!(
        html.contains(r#"href="/articles/fire" rel="prev""#),
        "no previous link"
    );
    assert!(
        html.contains(r#"href="/articles/flood" rel="next""#),
        "no next link"
    );
    assert_eq!(app.page("/articles/no-such-article").await.0, 404);
}

#[tokio::test]
async fn lists_filter_by_category_and_tag_and_page_through_ten_at_a_time() {
    let mut files = Vec::new();
    for day in 1..=12 {
        files.push((
            format!("articles/a{day}.md"),
            article(
                &format!("a{day}"),
                &format!("2026-05-{day:02}"),
                "应急科普",
                &format!("科普第{day}篇"),
                "正文。",
            ),
        ));
    }
    files.push((
        "articles/law.md".into(),
        article("law", "2026-01-12", "法律法规", "安全生产法要点", "正文。"),
    ));
    files.push((
        "articles/draft.md".into(),
        article(
            "draft",
            "2026-01-13",
            "法律法规",
            "尚未发布的稿件",
            "正文。",
        )
        .replace("author = ", "status = \"draft\"\nauthor = "),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let app = app_with_articles(&refs).await;

    let (_, first) = app.page("/articles").await;
    assert!(
        first.contains("科普第12篇") && !first.contains("科普第2篇<"),
        "newest first, ten a page"
    );
    assert!(first.contains("第 1 / 2 页"));
    let (_, second) = app.page("/articles?page=2").await;
    assert!(second.contains("科普第2篇") && second.contains("安全生产法要点"));
    assert!(
        !first.contains("尚未发布的稿件") && !second.contains("尚未发布的稿件"),
        "a draft is public"
    );

    let (status, laws) = app.page("/articles/category/laws").await;
    assert_eq!(status, 200);
    assert!(laws.contains("安全生产法要点") && !laws.contains("科普第"));
    assert_eq!(app.page("/articles/category/gossip").await.0, 404);

    let (_, tagged) = app.page("/articles?tag=%E7%87%83%E6%B0%94").await;
    assert!(tagged.contains("标签：燃气"));
    assert_eq!(app.page("/articles/draft").await.0, 404);
}

#[tokio::test]
async fn search_finds_chinese_words_inside_sentences_and_marks_them() {
    let gas = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏怎么办",
        GAS_BODY,
    );
    let fire = article(
        "fire",
        "2026-02-23",
        "安全常识",
        "家庭防火",
        "干粉灭火器适用于多数初起火灾。",
    );
    let app = app_with_articles(&[("articles/gas.md", &gas), ("articles/fire.md", &fire)]).await;

    // Three characters and more go through the trigram index.
    let (_, html) = app.page("/search?q=%E7%81%AD%E7%81%AB%E5%99%A8").await; // 灭火器
    assert!(html.contains("找到 1 篇文章"), "{html}");
    assert!(html.contains("干粉<mark>灭火器</mark>适用于"));
    // Two-character words (most Chinese words) are found too.
    let (_, html) = app.page("/search?q=%E9%98%80").await; // 阀
    assert!(html.contains("燃气泄漏怎么办") && html.contains("<mark>阀</mark>"));
    let (_, html) = app.page("/search?q=%E9%80%9A%E9%A3%8E").await; // 通风
    assert!(html.contains("找到 1 篇文章"));
    let (_, html) = app.page("/search?q=%3Cscript%3E").await;
    assert!(html.contains("没有找到相关文章") && !html.contains("<script>alert"));
}

#[tokio::test]
async fn feeds_and_the_sitemap_are_valid_xml_listing_the_articles() {
    let gas = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏 & 应急",
        GAS_BODY,
    );
    let flood = article("flood", "2026-04-08", "应急科普", "防汛防台", "正文。");
    let app = spawn_app_with(Options {
        content_files: &[("articles/gas.md", &gas), ("articles/flood.md", &flood)],
        public_origin: Some("https://www.kaiping.gov.cn"),
        ..Default::default()
    })
    .await;
    let origin = "https://www.kaiping.gov.cn";

    let response = app.get("/feed.xml").await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let xml = response.text().await.unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the site feed is well-formed XML");
    let items: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    assert_eq!(items.len(), 2);
    let first_title = items[0]
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(first_title, "防汛防台");
    assert!(xml.contains(&format!("<link>{origin}/articles/gas-leak</link>")));

    let category = app
        .get("/articles/category/science/feed.xml")
        .await
        .text()
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&category).expect("a category feed is well-formed XML");
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("item")).count(),
        1
    );

    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("the sitemap is well-formed XML");
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some(&format!("{origin}/articles/flood")))
    );

    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Disallow: /admin") && robots.contains("Sitemap: "));
}

#[tokio::test]
async fn the_home_page_shows_the_latest_articles() {
    let gas = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏怎么办",
        GAS_BODY,
    );
    let app = app_with_articles(&[("articles/gas.md", &gas)]).await;
    let (_, html) = app.page("/").await;
    assert!(html.contains(r#"href="/articles/gas-leak""#));
    assert!(!html.contains("暂无已发布的文章"));
}

/// The same database served again after a restart, with these content files.
async fn restarted_with(app: &TestApp, files: &[(&str, &str)]) -> TestApp {
    let uploads = app.data_dir().join("uploads");
    spawn_app_with(Options {
        content_files: files,
        existing_data: Some((&app.database_url, &uploads)),
        ..Default::default()
    })
    .await
}

async fn article_id(app: &TestApp, slug: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM articles WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    id.to_string()
}

async fn status_and_body(app: &TestApp, slug: &str) -> (String, String) {
    sqlx::query_as("SELECT status, body_md FROM articles WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_withdrawn_article_stays_withdrawn_when_its_file_changes_and_the_server_restarts() {
    let gas = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏怎么办",
        GAS_BODY,
    );
    let app = app_with_articles(&[("articles/gas.md", &gas)]).await;
    assert_eq!(app.page("/articles/gas-leak").await.0, 200);
    app.signed_in_as("checker", &[app::staff::Role::Reviewer])
        .await;
    let id = article_id(&app, "gas-leak").await;
    let withdrawn = app
        .post_form(
            "/api/staff/article_step",
            &[("id", id.as_str()), ("step", "withdraw")],
        )
        .await;
    assert!(location(&withdrawn).ends_with("done=withdrawn"));

    let changed = format!("{gas}\n文件里新增的一行。\n");
    let restarted = restarted_with(&app, &[("articles/gas.md", &changed)]).await;
    let visitor = restarted.another_browser();
    assert_eq!(visitor.page("/articles/gas-leak?r=1").await.0, 404);
    let (_, list) = visitor.page("/articles?r=1").await;
    assert!(!list.contains("燃气泄漏怎么办"), "listed again");
    let (status, body) = status_and_body(&restarted, "gas-leak").await;
    assert_eq!(status, "withdrawn");
    assert!(
        !body.contains("新增的一行"),
        "the file overwrote the article"
    );
}

#[tokio::test]
async fn a_staff_edit_survives_a_restart_with_a_changed_file_and_an_untouched_article_follows_its_file()
 {
    let gas = article(
        "gas-leak",
        "2026-03-30",
        "安全常识",
        "燃气泄漏怎么办",
        GAS_BODY,
    );
    let flood = article(
        "flood",
        "2026-04-01",
        "应急科普",
        "防汛清单",
        "备好手电筒。",
    );
    let files = [
        ("articles/gas.md", gas.as_str()),
        ("articles/flood.md", &flood),
    ];
    let app = app_with_articles(&files).await;
    app.signed_in_as("checker", &[app::staff::Role::Reviewer])
        .await;
    let id = article_id(&app, "gas-leak").await;
    let saved = app
        .post_form(
            "/api/staff/article_save",
            &[
                ("id", id.as_str()),
                ("title", "燃气泄漏怎么办（局里修订）"),
                ("category", "安全常识"),
                ("tags", "燃气"),
                ("summary", ""),
                ("body", "局里修订后的正文。"),
            ],
        )
        .await;
    assert!(
        location(&saved).ends_with("done=saved"),
        "{}",
        location(&saved)
    );

    let gas_changed = gas.replace("燃气泄漏怎么办", "燃气泄漏（文件新版）");
    let flood_changed = flood.replace("防汛清单", "防汛备汛清单");
    let files = [
        ("articles/gas.md", gas_changed.as_str()),
        ("articles/flood.md", &flood_changed),
    ];
    let restarted = restarted_with(&app, &files).await;
    let visitor = restarted.another_browser();
    let (status, page) = visitor.page("/articles/gas-leak?r=1").await;
    assert_eq!(status, 200);
    assert!(page.contains("局里修订后的正文") && !page.contains("文件新版"));
    let (_, page) = visitor.page("/articles/flood?r=1").await;
    assert!(
        page.contains("防汛备汛清单"),
        "the untouched article follows its file"
    );
}
