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

#[tokio::test]
async fn the_footer_shows_the_filing_facts_that_are_configured_and_nothing_else() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        filings: Some(server::config::FilingsConfig {
            site_code: Some("4407830001".into()),
            icp_filing: Some("粤ICP备12345678号".into()),
            police_filing: Some("粤公网安备 44078302000123号".into()),
            error_report_url: Some(
                "https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfoNew?sitecode=4407830001"
                    .into(),
            ),
        }),
        ..Default::default()
    })
    .await;
    for path in ["/", "/articles", "/inspections"] {
        let (_, html) = app.page(path).await;
        assert!(html.contains("网站标识码：4407830001"), "{path}");
        assert!(html.contains(r#"href="https://beian.miit.gov.cn/""#));
        assert!(html.contains("粤ICP备12345678号"));
        assert!(
            html.contains("https://beian.mps.gov.cn/#/query/webSearch?code=44078302000123"),
            "the police filing links to its record"
        );
        assert!(html.contains("我为政府网站找错"));
    }

    // Unset (and blank) facts are left out, the list with them.
    let bare = crate::helpers::spawn_app_with(crate::helpers::Options {
        filings: Some(server::config::FilingsConfig {
            icp_filing: Some("  ".into()),
            ..Default::default()
        }),
        ..Default::default()
    })
    .await;
    let (_, html) = bare.page("/").await;
    for absent in [
        "网站标识码",
        "beian.miit.gov.cn",
        "我为政府网站找错",
        "网站备案信息",
    ] {
        assert!(!html.contains(absent), "{absent} is shown unset");
    }
}

#[tokio::test]
async fn the_inspector_registry_page_and_open_data_carry_public_fields_only() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        shipped_content: true,
        demo: true,
        ..Default::default()
    })
    .await;
    let (status, html) = app.page("/inspections/inspectors").await;
    assert_eq!(status, 200);
    assert!(html.contains("执法检查人员名录库"));
    assert!(
        html.contains("44078320001"),
        "a certificate number is listed"
    );
    let (_, csv) = app.page("/api/v1/inspectors.csv").await;
    assert!(
        csv.starts_with("\u{feff}执法证号,姓名,单位,执法领域\n")
            || csv.starts_with("\u{feff}执法证号,姓名,单位,执法领域\r\n")
    );
    let (_, json) = app.page("/api/v1/inspectors.json").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = &json["inspectors"][0];
    let mut keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["certificate", "field", "name", "unit"]);
    // Declared conflicts name enterprises; they stay out of every public rendering.
    for body in [&html, &csv] {
        assert!(
            !body.contains("91440783C86P0Q318U;"),
            "a declared conflict is public"
        );
    }

    let (_, documents) = app.page("/api/v1/documents").await;
    let documents: serde_json::Value = serde_json::from_str(&documents).unwrap();
    let keys: Vec<&str> = documents["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["plan", "rules"]);
    assert!(
        documents["documents"][0]["html"]
            .as_str()
            .unwrap()
            .contains("<table>")
    );
    let (_, overview) = app.page("/inspections").await;
    for link in [
        "/inspections/inspectors",
        "/articles/random-inspection-plan",
        "/articles/random-inspection-rules",
    ] {
        assert!(overview.contains(&format!("href=\"{link}\"")), "{link}");
    }
}
