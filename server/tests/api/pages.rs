use crate::helpers::spawn_app;

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_in_chinese() {
    let app = spawn_app().await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(r#"<html lang="zh-CN""#));
    assert!(html.contains("开平市应急管理局"));
    for section in ["最新文章", "最新抽查结果", "知识竞赛"] {
        assert!(
            html.contains(section),
            "home page lacks the section {section}"
        );
    }
}

#[tokio::test]
async fn the_home_page_says_plainly_that_nothing_is_published_yet() {
    let app = spawn_app().await;
    let (_, html) = app.page("/").await;
    assert!(html.contains("暂无已发布的文章"));
    assert!(html.contains("暂无已公开的抽查任务"));
    assert!(html.contains("目前没有正在进行的竞赛"));
}

#[tokio::test]
async fn every_page_has_a_skip_link_landmarks_and_the_navigation() {
    let app = spawn_app().await;
    for path in ["/", "/inspections", "/articles", "/contest"] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains(r##"href="#main""##),
            "{path} lacks the skip link"
        );
        assert!(html.contains(r#"<main id="main""#), "{path} lacks <main>");
        assert!(html.contains("<header"), "{path} lacks <header>");
        assert!(html.contains("<footer"), "{path} lacks <footer>");
        assert!(
            html.contains(r#"aria-label="主导航""#),
            "{path} lacks the navigation"
        );
        for label in ["首页", "双随机抽查", "安全宣传", "知识竞赛"] {
            assert!(html.contains(label), "{path} lacks the link {label}");
        }
        assert!(
            html.contains(r#"aria-current="page""#),
            "{path} marks no current section"
        );
    }
}

#[tokio::test]
async fn each_page_has_its_own_title() {
    let app = spawn_app().await;
    let (_, html) = app.page("/articles").await;
    assert!(
        html.contains("<title>安全宣传 - 开平市应急管理局"),
        "{html}"
    );
}

#[tokio::test]
async fn an_unknown_path_gets_the_404_page_with_status_404() {
    let app = spawn_app().await;
    let (status, html) = app.page("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(html.contains("页面不存在"));
    assert!(html.contains("返回首页"));
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
}

#[tokio::test]
async fn the_home_page_lists_the_latest_draws_and_the_open_contests() {
    use app::staff::Role;
    let app = spawn_app().await;
    let staff = app.another_browser();
    staff.signed_in_as("quizhome", &[Role::ContestAdmin]).await;
    sqlx::query(
        "INSERT INTO contests (title, description, opens_at, closes_at, question_count, quotas,
             time_limit_secs, pass_percent, attempts_per_day, ask_town, ask_employer, created_by,
             created_at)
         VALUES ('首页竞赛', '', 0, 4102444800, 5, '[]', 600, 60, 1, 0, 0, 1, 0)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, html) = app.page("/").await;
    assert!(html.contains("首页竞赛"), "{html}");
    assert!(html.contains("练习模式"));
}
