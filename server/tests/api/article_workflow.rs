use app::staff::Role;

use crate::helpers::{TestApp, location, spawn_app};

const BODY: &str =
    "## 灭火器怎么选\n\n| 类别 | 灭火器 |\n|---|---|\n| A 类 | 水基型 |\n\n燃气泄漏时先关阀门。";

/// Creates an article through the form and returns its id.
async fn create(app: &TestApp, slug: &str) -> i64 {
    let created = app
        .post_form(
            "/api/staff/article_create",
            &[
                ("title", "灭火器使用"),
                ("slug", slug),
                ("category", "安全常识"),
            ],
        )
        .await;
    let to = location(&created);
    assert!(to.ends_with("?done=created"), "{to}");
    to.trim_start_matches("/admin/articles/")
        .trim_end_matches("?done=created")
        .parse()
        .unwrap()
}

async fn save(app: &TestApp, id: i64, title: &str, body: &str) -> String {
    let id = id.to_string();
    let response = app
        .post_form(
            "/api/staff/article_save",
            &[
                ("id", &id),
                ("title", title),
                ("category", "安全常识"),
                ("tags", "消防，器材"),
                ("summary", ""),
                ("body", body),
            ],
        )
        .await;
    location(&response)
}

async fn step(app: &TestApp, id: i64, step: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let id = id.to_string();
    let mut fields = vec![("id", id.as_str()), ("step", step)];
    fields.extend_from_slice(extra);
    app.post_form("/api/staff/article_step", &fields).await
}

#[tokio::test]
async fn an_article_goes_from_draft_through_review_to_the_public_and_can_be_withdrawn() {
    let app = spawn_app().await;
    app.signed_in_as("writer", &[Role::Editor]).await;
    let reviewer = app.another_browser();
    reviewer.signed_in_as("checker", &[Role::Reviewer]).await;

    let id = create(&app, "extinguisher").await;
    assert_eq!(
        save(&app, id, "灭火器使用", BODY).await,
        format!("/admin/articles/{id}?done=saved")
    );
    let (_, editor_page) = app.page(&format!("/admin/articles/{id}")).await;
    assert!(
        editor_page.contains("<table>") && editor_page.contains("已保存内容的预览"),
        "no rendered preview"
    );
    assert_eq!(
        app.page("/articles/extinguisher").await.0,
        404,
        "a draft is public"
    );

    assert!(location(&step(&app, id, "submit", &[]).await).ends_with("done=submitted"));
    assert_eq!(
        step(&app, id, "publish", &[]).await.status().as_u16(),
        403,
        "an editor published"
    );
    assert!(
        save(&app, id, "改标题", BODY)
            .await
            .contains("error=not_editable")
    );

    assert!(
        location(&step(&reviewer, id, "return", &[("comment", "")]).await)
            .contains("error=comment_required")
    );
    assert!(
        location(
            &step(
                &reviewer,
                id,
                "return",
                &[("comment", "请补充灭火毯的用法")]
            )
            .await
        )
        .ends_with("done=draft")
    );
    let (_, returned) = app.page(&format!("/admin/articles/{id}")).await;
    assert!(returned.contains("审核意见：请补充灭火毯的用法"));

    step(&app, id, "submit", &[]).await;
    assert!(location(&step(&reviewer, id, "publish", &[]).await).ends_with("done=published"));
    let (status, public) = app.page("/articles/extinguisher").await;
    assert_eq!(status, 200);
    assert!(public.contains("<table>"));
    let (_, list) = app.page("/articles").await;
    assert!(list.contains("灭火器使用"));
    let feed = app.get("/feed.xml").await.text().await.unwrap();
    assert!(feed.contains("/articles/extinguisher"));
    let (_, found) = app.page("/search?q=%E5%85%B3%E9%98%80%E9%97%A8").await; // 关阀门
    assert!(found.contains("灭火器使用"));

    assert!(location(&step(&reviewer, id, "withdraw", &[]).await).ends_with("done=withdrawn"));
    assert_eq!(app.page("/articles/extinguisher").await.0, 404);

    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, action, _)| action)
        .collect();
    for action in [
        "article_created",
        "article_saved",
        "article_submitted",
        "article_returned",
        "article_published",
        "article_withdrawn",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} is not in the audit log"
        );
    }
}

#[tokio::test]
async fn scheduling_needs_a_future_time_and_publishes_when_it_comes() {
    let app = spawn_app().await;
    app.signed_in_as("both", &[Role::Editor, Role::Reviewer])
        .await;
    let id = create(&app, "flood-season").await;
    save(&app, id, "汛期安全", "潭江水位上涨时不要靠近河边。").await;
    step(&app, id, "submit", &[]).await;

    let past = step(&app, id, "schedule", &[("publish_at", "2020-01-01T09:00")]).await;
    assert!(location(&past).contains("error=past_time"));
    let garbled = step(&app, id, "schedule", &[("publish_at", "soon")]).await;
    assert!(location(&garbled).contains("error=bad_time"));
    let future = step(&app, id, "schedule", &[("publish_at", "2099-06-01T09:00")]).await;
    assert!(location(&future).ends_with("done=scheduled"));
    assert_eq!(
        app.page("/articles/flood-season").await.0,
        404,
        "published before its time"
    );

    // Time passes.
    sqlx::query("UPDATE articles SET published_at = 1 WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.page("/articles/flood-season").await.0, 200);
}

#[tokio::test]
async fn bad_input_is_explained_and_nothing_typed_is_lost() {
    let app = spawn_app().await;
    app.signed_in_as("writer", &[Role::Editor]).await;

    let bad_slug = app
        .post_form(
            "/api/staff/article_create",
            &[
                ("title", "燃气安全"),
                ("slug", "Gas Safety!"),
                ("category", "安全常识"),
            ],
        )
        .await;
    let to = location(&bad_slug);
    assert!(
        to.contains("error=slug") && to.contains("title=%E7%87%83%E6%B0%94"),
        "{to}"
    );
    let (_, page) = app.page(&to).await;
    assert!(page.contains("网址名只能使用小写字母") && page.contains(r#"value="燃气安全""#));

    let id = create(&app, "gas-safety").await;
    let taken = app
        .post_form(
            "/api/staff/article_create",
            &[
                ("title", "另一篇"),
                ("slug", "gas-safety"),
                ("category", "安全常识"),
            ],
        )
        .await;
    assert!(location(&taken).contains("error=slug_taken"));

    let typed = "这是一段很长的正文，</textarea><script>alert(1)</script>不能丢。";
    let to = save(&app, id, "   ", typed).await;
    assert!(to.contains("error=title&version="), "{to}");
    let (_, page) = app.page(&to).await;
    assert!(page.contains("标题不能为空"));
    assert!(
        page.contains("这是一段很长的正文"),
        "the text typed was lost"
    );
    let raw = page.find("<script>alert(1)").map(|at| {
        page[..at + 40]
            .chars()
            .rev()
            .take(120)
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
    });
    assert!(
        raw.is_none(),
        "the kept text is not escaped in the form: {raw:?}"
    );
}

#[tokio::test]
async fn every_save_is_a_version_that_can_be_viewed_and_restored() {
    let app = spawn_app().await;
    app.signed_in_as("writer", &[Role::Editor]).await;
    let id = create(&app, "cpr").await;
    save(&app, id, "心肺复苏", "第一版：按压深度 5–6 厘米。").await;
    save(&app, id, "心肺复苏", "第二版：写错了。").await;

    let (_, history) = app.page(&format!("/admin/articles/{id}/history")).await;
    let versions: Vec<i64> = history
        .match_indices(&format!("/admin/articles/{id}/history/"))
        .map(|(at, found)| {
            history[at + found.len()..]
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(versions.len(), 3, "creation and two saves");
    let first_save = versions[1];
    let (_, old) = app
        .page(&format!("/admin/articles/{id}/history/{first_save}"))
        .await;
    assert!(old.contains("第一版"));

    let restored = app
        .post_form(
            "/api/staff/article_restore",
            &[
                ("id", &id.to_string()),
                ("version", &first_save.to_string()),
            ],
        )
        .await;
    assert!(location(&restored).ends_with("done=restored"));
    let (_, editor) = app.page(&format!("/admin/articles/{id}")).await;
    assert!(editor.contains("第一版") && !editor.contains("第二版"));
}

#[tokio::test]
async fn only_editors_and_reviewers_reach_the_article_area() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    assert_eq!(app.page("/admin/articles").await.0, 403);
    assert_eq!(app.page("/admin/articles/new").await.0, 403);
    let refused = app
        .post_form(
            "/api/staff/article_create",
            &[("title", "x"), ("slug", "x"), ("category", "安全常识")],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 403);
    let anonymous = app.another_browser();
    let refused = anonymous
        .client
        .post(anonymous.url("/api/staff/articles_list"))
        .header("origin", &anonymous.origin)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
}

#[tokio::test]
async fn markup_in_titles_and_text_stays_text_in_every_page() {
    let app = spawn_app().await;
    app.signed_in_as("both", &[Role::Editor, Role::Reviewer])
        .await;
    let id = create(&app, "markup").await;
    let title = "</title><script>alert(1)</script>";
    save(&app, id, title, "</textarea><script>alert(2)</script>").await;
    step(&app, id, "submit", &[]).await;
    step(&app, id, "publish", &[]).await;
    for path in [
        format!("/admin/articles/{id}"),
        "/admin/articles".to_string(),
        "/articles/markup".to_string(),
        "/articles".to_string(),
    ] {
        let (_, html) = app.page(&path).await;
        let raw = html.find("<script>alert(").map(|at| {
            let before: String = html[..at].chars().rev().take(120).collect();
            before.chars().rev().collect::<String>()
        });
        assert!(raw.is_none(), "{path} lets markup through after: {raw:?}");
    }
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>, from: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str("image/png")
        .unwrap();
    app.client
        .post(app.url("/api/staff/uploads"))
        .header("origin", &app.origin)
        .header("referer", app.url(from))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_uploaded_image_is_checked_by_its_bytes_stored_by_hash_and_served_safely() {
    let app = spawn_app().await;
    app.signed_in_as("writer", &[Role::Editor]).await;
    let id = create(&app, "with-image").await;
    let editor = format!("/admin/articles/{id}");

    let ok = upload(&app, "../../etc/passwd.png", PNG.to_vec(), &editor).await;
    let to = location(&ok);
    assert!(
        to.starts_with(&format!("{editor}?uploaded=/uploads/")),
        "{to}"
    );
    let url = to.split("uploaded=").nth(1).unwrap().to_string();
    assert!(
        url.ends_with(".png") && !url.contains("passwd"),
        "the uploader chose the name: {url}"
    );
    let served = app.get(&url).await;
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let (_, page) = app.page(&to).await;
    assert!(
        page.contains(&format!("![图片说明]({url})")),
        "the markdown to paste is not shown"
    );

    let fake = upload(
        &app,
        "photo.png",
        b"<svg onload=alert(1)></svg>".to_vec(),
        &editor,
    )
    .await;
    assert!(location(&fake).ends_with("upload_error=not_image"));
    let (_, page) = app.page(&location(&fake)).await;
    assert!(page.contains("只能上传 PNG"));

    let mut huge = PNG.to_vec();
    huge.resize(6 * 1024 * 1024, 0);
    let too_large = upload(&app, "big.png", huge, &editor).await;
    assert_eq!(too_large.status().as_u16(), 413);

    assert_eq!(
        app.get("/uploads/..%2F..%2Fdata%2Ftest.db")
            .await
            .status()
            .as_u16(),
        404
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|(_, action, _)| action == "image_uploaded")
    );
}

#[tokio::test]
async fn only_editors_and_reviewers_may_upload() {
    let app = spawn_app().await;
    assert_eq!(
        upload(&app, "a.png", PNG.to_vec(), "/")
            .await
            .status()
            .as_u16(),
        401
    );
    app.signed_in_as("chief", &[Role::Admin]).await;
    assert_eq!(
        upload(&app, "a.png", PNG.to_vec(), "/")
            .await
            .status()
            .as_u16(),
        403
    );
    let foreign = app
        .client
        .post(app.url("/api/staff/uploads"))
        .header("origin", "https://evil.example")
        .multipart(
            reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(PNG.to_vec())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status().as_u16(),
        403,
        "a cross-site upload got through"
    );
}

#[tokio::test]
async fn autosave_keeps_the_text_as_a_version_without_changing_the_article() {
    let app = spawn_app().await;
    app.signed_in_as("writer", &[Role::Editor]).await;
    let id = create(&app, "autosaved").await;
    save(&app, id, "原标题", "原正文。").await;
    let id_text = id.to_string();
    // As the editor's island sends it: a same-origin fetch.
    let response = app
        .client
        .post(app.url("/api/staff/article_autosave"))
        .header("origin", &app.origin)
        .form(&[
            ("id", id_text.as_str()),
            ("title", "写到一半的标题"),
            ("category", "安全常识"),
            ("tags", ""),
            ("summary", ""),
            ("body", "写到一半的正文"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let (_, editor) = app.page(&format!("/admin/articles/{id}")).await;
    assert!(
        editor.contains("原正文") && !editor.contains("写到一半的正文"),
        "autosave changed the article"
    );
    let (_, history) = app.page(&format!("/admin/articles/{id}/history")).await;
    assert!(history.contains("自动保存（未生效）") && history.contains("写到一半的标题"));

    let anonymous = app.another_browser();
    let refused = anonymous
        .client
        .post(anonymous.url("/api/staff/article_autosave"))
        .header("origin", &anonymous.origin)
        .form(&[
            ("id", id_text.as_str()),
            ("title", "x"),
            ("category", "x"),
            ("tags", ""),
            ("summary", ""),
            ("body", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn editors_racing_for_one_slug_get_one_article_and_a_clear_answer_each() {
    let app = spawn_app().await;
    let editors: Vec<std::sync::Arc<TestApp>> = {
        let mut editors = Vec::new();
        for n in 0..4 {
            let editor = app.another_browser();
            editor
                .signed_in_as(&format!("editor{n}"), &[Role::Editor])
                .await;
            editors.push(std::sync::Arc::new(editor));
        }
        editors
    };
    let mut tokens = Vec::new();
    for editor in &editors {
        tokens.push(editor.csrf_token().await);
    }
    for round in 0..6 {
        let slug = format!("fire-drill-{round}");
        let racing: Vec<_> = editors
            .iter()
            .zip(&tokens)
            .map(|(editor, token)| {
                let (editor, slug, token) = (editor.clone(), slug.clone(), token.clone());
                tokio::spawn(async move {
                    let created = editor
                        .post_form_with_token(
                            "/api/staff/article_create",
                            &[
                                ("title", "消防演练"),
                                ("slug", &slug),
                                ("category", "安全常识"),
                            ],
                            &token,
                        )
                        .await;
                    (created.status().as_u16(), location(&created))
                })
            })
            .collect();
        let mut created = 0;
        for answer in racing {
            let (status, to) = answer.await.unwrap();
            assert_eq!(status, 302, "round {round}: {to}");
            if to.ends_with("?done=created") {
                created += 1;
            } else {
                assert!(to.contains("error=slug_taken"), "round {round}: {to}");
                let query = to.split_once('?').map_or("", |(_, query)| query);
                let kept = form_urlencoded::parse(query.as_bytes())
                    .any(|(key, value)| key == "title" && value == "消防演练");
                assert!(kept, "the title typed is kept: {to}");
            }
        }
        assert_eq!(created, 1, "round {round}");
    }
}
