//! The random inspection draws over HTTP: an officer imports the registries, announces,
//! draws, records results, reveals and publishes; the public sees only the commitment until
//! the reveal, then the list and results, and can check everything; private data never shows.

use app::staff::Role;
use domain::inspections::{record::DrawRecord, uscc::Uscc};

use crate::helpers::{Options, TestApp, location, spawn_app_with};

const CHECK_ITEMS: &str = include_str!("../../../content/inspections/check-items.toml");
const CALENDAR: &str = include_str!("../../../content/calendar/holidays.toml");
const LEGAL_REP: &str = "私密法人甲";
const PHONE: &str = "13900001111";

fn code(serial: u32) -> String {
    let first17 = format!("91440783{serial:09}");
    format!("{first17}{}", Uscc::check_character_for(&first17).unwrap())
}

/// Twelve enterprises: 1–4 in a high-risk industry, the rest general risk, across two towns.
fn enterprises_csv() -> String {
    let mut csv = String::from(
        "统一社会信用代码,名称,镇街,地址,行业,风险等级,高危行业,事故多发行业,直接监管,法定代表人,联系电话\n",
    );
    for n in 1..=12 {
        let (industry, high) = if n <= 4 {
            ("危险化学品", "是")
        } else {
            ("机械", "否")
        };
        let town = if n % 2 == 0 { "水口镇" } else { "月山镇" };
        csv.push_str(&format!(
            "{},开平市测试企业{n:02}有限公司,{town},{town}工业路{n}号,{industry},一般风险,{high},否,否,{LEGAL_REP},{PHONE}\n",
            code(n)
        ));
    }
    csv
}

fn inspectors_csv() -> String {
    let mut csv = String::from("执法证号,姓名,单位,执法领域,镇街,在岗,回避企业\n");
    for (n, town) in [
        "长沙街道",
        "三埠街道",
        "赤坎镇",
        "水口镇",
        "月山镇",
        "百合镇",
    ]
    .iter()
    .enumerate()
    {
        csv.push_str(&format!(
            "4407832000{n},检查员{n},开平市应急管理局安全生产执法大队,工贸,{town},是,\n"
        ));
    }
    csv
}

async fn spawn() -> TestApp {
    spawn_app_with(Options {
        content_files: &[
            ("inspections/check-items.toml", CHECK_ITEMS),
            ("calendar/holidays.toml", CALENDAR),
        ],
        ..Options::default()
    })
    .await
}

/// Signs in an officer, loads both registries, announces draw 1 (one enterprise, teams of two)
/// and draws it with the public values `first` and `4`.
async fn drawn(app: &TestApp, title: &str, first: &str) {
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    import(app, "enterprises", enterprises_csv()).await;
    import(app, "inspectors", inspectors_csv()).await;
    post(
        app,
        "/api/staff/draw_announce",
        &draw_fields(title, "1", "2"),
    )
    .await;
    let values = [
        ("id".to_string(), "1".to_string()),
        ("values[0]".to_string(), first.to_string()),
        ("values[1]".to_string(), "4".to_string()),
    ];
    post(app, "/api/staff/draw_run", &values).await;
}

/// Uploads a registry file as the staff form does; returns the page the officer lands on.
async fn import(app: &TestApp, kind: &str, csv: String) -> String {
    let token = app.csrf_token().await;
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name(format!("{kind}.csv"));
    let response = app
        .client
        .post(app.url(&format!("/admin/inspections/import/{kind}")))
        .header("x-csrf-token", token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("import sent");
    let to = location(&response);
    let status = response.status();
    assert!(
        to.starts_with("/admin/inspections?import="),
        "{status}: {}",
        response.text().await.unwrap_or_default()
    );
    app.page(&to).await.1
}

fn draw_fields(title: &str, count: &str, team: &str) -> Vec<(String, String)> {
    [
        ("form[title]", title),
        ("form[check_items][]", "KP-YJ-01"),
        ("form[strata][0][name]", "高危行业"),
        ("form[strata][0][group]", "high_risk_industry"),
        ("form[strata][0][quota_kind]", "count"),
        ("form[strata][0][quota]", count),
        ("form[strata][1][name]", "其他"),
        ("form[strata][1][group]", "all"),
        ("form[strata][1][quota_kind]", "percent"),
        ("form[strata][1][quota]", "25"),
        ("form[exclude_months]", "6"),
        ("form[team_size]", team),
        ("form[avoid_own_town]", "on"),
        (
            "form[sources][0]",
            "中国福利彩票双色球第 2026140 期开奖号码",
        ),
        ("form[sources][1]", "体育彩票大乐透第 26140 期开奖号码"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post(app: &TestApp, path: &str, fields: &[(String, String)]) -> String {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    location(&app.post_form(path, &borrowed).await)
}

/// Every public response of the inspection pages and open data, as text.
async fn public_texts(app: &TestApp, id: i64) -> Vec<(String, String)> {
    let visitor = app.another_browser();
    let mut texts = Vec::new();
    for path in [
        "/inspections".to_string(),
        format!("/inspections/draws/{id}"),
        format!("/inspections/search?q={}", code(2)),
        "/inspections/search?q=测试企业".to_string(),
        "/inspections/statistics".to_string(),
        "/inspections/log".to_string(),
        "/api/v1/draws".to_string(),
        format!("/api/v1/draws/{id}"),
        "/api/v1/results.csv".to_string(),
        "/api/v1/results.json".to_string(),
        "/api/v1/log".to_string(),
    ] {
        let (_, body) = visitor.page(&path).await;
        texts.push((path, body));
    }
    texts
}

#[tokio::test]
async fn a_draw_goes_from_announcement_to_published_results_and_anyone_can_verify_it() {
    let app = spawn().await;
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;

    let page = import(&app, "enterprises", enterprises_csv()).await;
    assert!(page.contains("已导入：新增 12 条"), "{page}");
    let page = import(&app, "inspectors", inspectors_csv()).await;
    assert!(page.contains("新增 6 条"), "{page}");

    let to = post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("2026 年第四季度危化企业抽查", "2", "2"),
    )
    .await;
    assert_eq!(to, "/admin/inspections/draws/1?done=announced");

    // Announced: the public sees the task and the snapshot digest, no list.
    let visitor = app.another_browser();
    let (status, html) = visitor.page("/inspections/draws/1").await;
    assert_eq!(status, 200);
    assert!(html.contains("2026 年第四季度危化企业抽查"));
    assert!(html.contains("尚未揭晓"));
    assert!(!html.contains("测试企业"));

    // A second draw attempt with a value in the wrong format is refused and keeps what was typed.
    let to = post(
        &app,
        "/api/staff/draw_run",
        &[
            ("id".into(), "1".into()),
            ("values[0]".into(), "3, 11, x".into()),
            ("values[1]".into(), "5 8".into()),
        ],
    )
    .await;
    assert!(to.contains("error="), "{to}");
    let (_, html) = app.page(&to).await;
    assert!(html.contains("不是非负整数"), "{html}");
    assert!(
        html.contains(r#"value="3, 11, x""#),
        "what was typed is lost"
    );

    let to = post(
        &app,
        "/api/staff/draw_run",
        &[
            ("id".into(), "1".into()),
            ("values[0]".into(), "3, 11, 19, 25, 30, 32, 7".into()),
            ("values[1]".into(), "5 8 14 22 30 2 9".into()),
        ],
    )
    .await;
    assert_eq!(to, "/admin/inspections/draws/1?done=drawn");

    // Drawing again is refused; the result stays as it was.
    let to = post(
        &app,
        "/api/staff/draw_run",
        &[
            ("id".into(), "1".into()),
            ("values[0]".into(), "1".into()),
            ("values[1]".into(), "2".into()),
        ],
    )
    .await;
    assert!(to.contains("error="), "{to}");

    // Drawn: only the commitment is public.
    let record: DrawRecord = visitor.get("/api/v1/draws/1").await.json().await.unwrap();
    assert!(record.revealed.is_none());
    assert_eq!(
        record.commitment.sources[0].values,
        vec![3, 11, 19, 25, 30, 32, 7]
    );
    let (_, html) = visitor.page("/inspections/draws/1").await;
    assert!(
        !html.contains("测试企业"),
        "the list leaked before the reveal"
    );

    // The officer sees the list and records a result for the first selected enterprise.
    let (_, staff_page) = app.page("/admin/inspections/draws/1").await;
    let first = staff_page
        .split("id=\"result-")
        .nth(1)
        .map(|rest| rest[..18].to_string())
        .expect("a selected enterprise");
    let to = post(
        &app,
        "/api/staff/result_save",
        &[
            ("result[draw_id]".into(), "1".into()),
            ("result[uscc]".into(), first.clone()),
            ("result[inspected_on]".into(), "2026-11-20".into()),
            ("result[produced_on]".into(), "2026-11-20".into()),
            ("result[category]".into(), "corrected".into()),
            ("result[hazards_found]".into(), "3".into()),
            ("result[hazards_rectified]".into(), "2".into()),
            ("result[follow_up]".into(), "责令限期整改，12 月复查".into()),
        ],
    )
    .await;
    assert!(
        to.starts_with("/admin/inspections/draws/1?done=result"),
        "{to}"
    );
    let (_, staff_page) = app.page("/admin/inspections/draws/1").await;
    assert!(
        staff_page.contains("公开期限 2026-12-18"),
        "20 working days from 2026-11-20"
    );

    // A result for an enterprise outside the draw is refused.
    let outsider = (1..=12)
        .map(code)
        .find(|c| !staff_page.contains(c.as_str()))
        .unwrap();
    let to = post(
        &app,
        "/api/staff/result_save",
        &[
            ("result[draw_id]".into(), "1".into()),
            ("result[uscc]".into(), outsider),
            ("result[inspected_on]".into(), "2026-11-20".into()),
            ("result[produced_on]".into(), "2026-11-20".into()),
            ("result[category]".into(), "no_problem".into()),
            ("result[hazards_found]".into(), "0".into()),
            ("result[hazards_rectified]".into(), "0".into()),
        ],
    )
    .await;
    assert!(to.contains("error="), "{to}");

    assert_eq!(
        post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await,
        "/admin/inspections/draws/1?done=revealed"
    );
    assert_eq!(
        post(
            &app,
            "/api/staff/results_publish",
            &[("id".into(), "1".into())]
        )
        .await,
        "/admin/inspections/draws/1?done=published"
    );

    // Revealed: the list, the teams and the result are public, and the record verifies.
    let record: DrawRecord = visitor.get("/api/v1/draws/1").await.json().await.unwrap();
    let report = domain::inspections::record::verify(&record);
    assert!(report.all_ok(), "{:?}", report.checks);
    let selected = record.revealed.as_ref().unwrap().assignments.len();
    assert_eq!(selected, 2 + 2, "2 high-risk + 25% of the other 8");
    let (_, html) = visitor.page("/inspections/draws/1").await;
    assert!(html.contains("测试企业"));
    assert!(html.contains("发现问题已责令改正"));
    let (_, csv) = visitor.page("/api/v1/results.csv").await;
    assert!(csv.contains(&first) && csv.contains("责令限期整改"));
    let (_, found) = visitor
        .page(&format!("/inspections/search?q={first}"))
        .await;
    assert!(
        found.contains("找到 1 家企业") && found.contains("发现问题已责令改正"),
        "{found}"
    );

    // The log holds the four events and is intact.
    let (_, log) = visitor.page("/api/v1/log").await;
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(log["intact"], true);
    let kinds: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["announced", "drawn", "revealed", "results_published"]
    );

    // Private fields appear in no public response.
    for (path, text) in public_texts(&app, 1).await {
        assert!(
            !text.contains(LEGAL_REP) && !text.contains(PHONE),
            "{path} shows private data"
        );
    }

    // The staff export has them (officers only).
    let (_, export) = app.page("/admin/inspections/export/enterprises.csv").await;
    assert!(export.contains(LEGAL_REP));
    assert_eq!(
        visitor
            .get("/admin/inspections/export/enterprises.csv")
            .await
            .status(),
        401
    );

    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, a, _)| a)
        .collect();
    for action in [
        "enterprises_imported",
        "draw_announced",
        "draw_drawn",
        "result_recorded",
        "draw_revealed",
        "results_published",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} not audited");
    }
}

#[tokio::test]
async fn a_bad_registry_file_is_reported_row_by_row_and_nothing_is_imported() {
    let app = spawn().await;
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    let mut csv = enterprises_csv();
    csv.push_str(&format!(
        "{},重复企业,水口镇,,机械,低风险,否,否,否,,\n",
        code(3)
    ));
    csv.push_str("91440783000000001X,坏代码企业,水口镇,,机械,低风险,否,否,否,,\n");
    csv.push_str(&format!(
        "{},未知镇企业,东城镇,,机械,低风险,否,否,否,,\n",
        code(40)
    ));
    csv.push_str(&format!(
        "{},未知行业企业,水口镇,,造船,低风险,否,否,否,,\n",
        code(41)
    ));
    let page = import(&app, "enterprises", csv).await;
    assert!(page.contains("有 4 处问题，没有导入任何一条"), "{page}");
    for line in ["第 14 行", "第 15 行", "第 16 行", "第 17 行"] {
        assert!(page.contains(line), "{line} missing");
    }
    assert!(
        page.contains("重复")
            && page.contains("校验位")
            && page.contains("东城镇")
            && page.contains("造船")
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enterprises")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn impossible_draws_are_refused_with_the_reason_and_the_form_kept() {
    let app = spawn().await;
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    import(&app, "enterprises", enterprises_csv()).await;
    import(&app, "inspectors", inspectors_csv()).await;

    // A stratum asking for more than it has.
    let to = post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("过多", "5", "2"),
    )
    .await;
    assert!(
        to.starts_with("/admin/inspections/draws/new?error="),
        "{to}"
    );
    let (_, html) = app.page(&to).await;
    assert!(html.contains("要抽 5 家，但符合条件的只有 4 家"), "{html}");
    assert!(html.contains(r#"value="过多""#), "the form came back empty");

    // A team larger than the eligible inspectors (six, minus the one in the enterprise's town).
    let to = post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("人数过多", "1", "6"),
    )
    .await;
    let (_, html) = app.page(&to).await;
    assert!(html.contains("每组需要 6 名检查人员"), "{html}");

    // A team of one.
    let to = post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("一人", "1", "1"),
    )
    .await;
    let (_, html) = app.page(&to).await;
    assert!(html.contains("每组检查人员至少 2 人"), "{html}");

    let draws: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM draws")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(draws, 0);

    // Revealing or publishing what was never drawn is refused.
    post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("正常", "1", "2"),
    )
    .await;
    let to = post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await;
    assert!(to.ends_with("error=not_drawn"), "{to}");
    let to = post(
        &app,
        "/api/staff/results_publish",
        &[("id".into(), "1".into())],
    )
    .await;
    assert!(to.ends_with("error=not_revealed"), "{to}");
    let (_, record) = app.page("/api/v1/draws/1").await;
    assert!(record.contains("尚未抽签"));
}

#[tokio::test]
async fn only_inspection_officers_may_run_draws() {
    let app = spawn().await;
    app.signed_in_as("writer", &[Role::Editor]).await;
    let response = app
        .post_form("/api/staff/draw_announce", &[("form[title]", "x")])
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(app.get("/admin/inspections").await.status(), 403);
    let visitor = app.another_browser();
    assert_eq!(
        visitor.get("/admin/inspections/draws/new").await.status(),
        401
    );
}

#[tokio::test]
async fn an_edited_log_entry_shows_on_the_public_log() {
    let app = spawn().await;
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    import(&app, "enterprises", enterprises_csv()).await;
    import(&app, "inspectors", inspectors_csv()).await;
    post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("日志测试", "1", "2"),
    )
    .await;
    post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("日志测试二", "1", "2"),
    )
    .await;
    let (_, html) = app.page("/inspections/log").await;
    assert!(html.contains("日志完整：2 条记录"), "{html}");

    // The log is append-only in the database…
    let update = sqlx::query("UPDATE draw_log SET payload = '{}' WHERE seq = 1")
        .execute(&app.pool)
        .await;
    assert!(update.is_err());
    // …and whoever gets past that (here by dropping the guard) is seen at once.
    let drop_guard = if crate::database::on_postgres() {
        "DROP TRIGGER draw_log_no_update ON draw_log"
    } else {
        "DROP TRIGGER draw_log_no_update"
    };
    sqlx::query(drop_guard).execute(&app.pool).await.unwrap();
    sqlx::query("UPDATE draw_log SET payload = '{\"redrawn\":true}' WHERE seq = 1")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, html) = app.page("/inspections/log").await;
    assert!(html.contains("日志已被改动：第 1 条记录"), "{html}");
}

/// The command line: the bare RFC 3797 selection reproduces the RFC's own example, an import
/// with a bad row imports nothing, and a downloaded record verifies offline (and a tampered one
/// does not).
#[tokio::test]
async fn the_command_line_selects_imports_and_verifies() {
    use std::process::Command;
    let server = env!("CARGO_BIN_EXE_server");

    let output = Command::new(server)
        .args(["draw", "rfc3797", "--pool", "25", "--pick", "10"])
        .args([
            "--values",
            "9319",
            "--values",
            "2,5,12,8,10",
            "--values",
            "9,18,26,34,41,45",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "17 7 2 16 25 23 8 24 19 13"
    );

    let output = Command::new(server)
        .args([
            "draw", "rfc3797", "--pool", "3", "--pick", "2", "--values", "1,x",
        ])
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("不是非负整数"));

    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("cli.db").display());
    let bad = dir.path().join("bad.csv");
    let bad_row = format!("{},坏企业,东城镇,,机械,低风险,否,否,否,,\n", code(50));
    std::fs::write(&bad, format!("{}{bad_row}", enterprises_csv())).unwrap();
    let output = Command::new(server)
        .args(["import", "--database-url", &database, "enterprises"])
        .arg(&bad)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("第 14 行") && stderr.contains("nothing was imported"),
        "{stderr}"
    );
    let good = dir.path().join("good.csv");
    std::fs::write(&good, enterprises_csv()).unwrap();
    let output = Command::new(server)
        .args(["import", "--database-url", &database, "enterprises"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("12 new"));

    // A record from a real draw, saved as a visitor would download it.
    let app = spawn().await;
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    import(&app, "enterprises", enterprises_csv()).await;
    import(&app, "inspectors", inspectors_csv()).await;
    post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("离线复核", "1", "2"),
    )
    .await;
    let values = [
        ("id".to_string(), "1".to_string()),
        ("values[0]".to_string(), "8 16 23".to_string()),
        ("values[1]".to_string(), "4".to_string()),
    ];
    post(&app, "/api/staff/draw_run", &values).await;
    post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await;
    let (_, json) = app.page("/api/v1/draws/1").await;
    let file = dir.path().join("draw.json");
    std::fs::write(&file, &json).unwrap();
    let output = Command::new(server)
        .args(["draw", "verify"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("verified: draw 1 matches its commitment"),
        "{stdout}"
    );

    // Swap one selected enterprise for another in the downloaded list: verification fails.
    let mut record: DrawRecord = serde_json::from_str(&json).unwrap();
    let revealed = record.revealed.as_mut().unwrap();
    let unpicked = revealed
        .snapshot()
        .unwrap()
        .enterprises
        .iter()
        .find(|e| revealed.assignments.iter().all(|a| a.uscc != e.uscc))
        .unwrap()
        .uscc
        .clone();
    revealed.assignments[0].uscc = unpicked;
    std::fs::write(&file, serde_json::to_string(&record).unwrap()).unwrap();
    let output = Command::new(server)
        .args(["draw", "verify"])
        .arg(&file)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("FAIL"));
}

#[tokio::test]
async fn a_list_changed_after_the_draw_cannot_be_revealed() {
    let app = spawn().await;
    drawn(&app, "篡改测试", "1 2 3").await;

    // Someone with database access swaps the first selected enterprise for another one.
    let stored: String = sqlx::query_scalar("SELECT assignments FROM draws WHERE id = 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut assignments: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let chosen = assignments[0]["uscc"].as_str().unwrap().to_string();
    let other = (1..=12).map(code).find(|c| *c != chosen).unwrap();
    assignments[0]["uscc"] = serde_json::Value::String(other);
    sqlx::query("UPDATE draws SET assignments = $1 WHERE id = 1")
        .bind(assignments.to_string())
        .execute(&app.pool)
        .await
        .unwrap();

    let to = post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await;
    assert!(to.ends_with("error=mismatch"), "{to}");
    let (_, page) = app.page(&to).await;
    assert!(page.contains("名单与抽签时的承诺不一致"), "{page}");
    let status: String = sqlx::query_scalar("SELECT status FROM draws WHERE id = 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "drawn", "nothing was revealed");
}

#[tokio::test]
async fn a_revealed_draw_is_decoded_and_serialized_once_not_per_request() {
    let app = spawn().await;
    drawn(&app, "缓存", "8 16 23").await;
    post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await;
    let visitor = app.another_browser();
    let (_, first) = visitor.page("/api/v1/draws/1").await;
    let (_, page) = visitor.page("/inspections/draws/1?r=1").await;
    // The stored snapshot is emptied behind the server's back: the record and the page, asked
    // for again under new addresses, are the ones already built for this version of the draw.
    sqlx::query("UPDATE draws SET snapshot = '{\"enterprises\":[],\"inspectors\":[]}'")
        .execute(&app.pool)
        .await
        .unwrap();
    for r in 2..4 {
        let (status, again) = visitor.page(&format!("/api/v1/draws/1?r={r}")).await;
        assert_eq!((status, &again), (200, &first));
        let (_, again) = visitor.page(&format!("/inspections/draws/1?r={r}")).await;
        assert_eq!(again.matches("<tr").count(), page.matches("<tr").count());
    }
}

/// The inspector registry of [`inspectors_csv`], with declared conflicts: inspector 0 with every
/// enterprise, inspector 1 with enterprise 1 only.
fn inspectors_with_conflicts_csv() -> String {
    let all: Vec<String> = (1..=12).map(code).collect();
    let mut lines: Vec<String> = inspectors_csv().lines().map(str::to_owned).collect();
    lines[1] = format!("{}{}", lines[1], all.join(";"));
    lines[2] = format!("{}{}", lines[2], code(1));
    lines.join("\n") + "\n"
}

#[tokio::test]
async fn the_revealed_record_proves_conflict_avoidance_without_publishing_the_relationships() {
    use std::process::Command;
    let app = spawn().await;
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    import(&app, "enterprises", enterprises_csv()).await;
    import(&app, "inspectors", inspectors_with_conflicts_csv()).await;
    post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("回避声明保密", "2", "2"),
    )
    .await;
    let values = [
        ("id".to_string(), "1".to_string()),
        ("values[0]".to_string(), "3 11 19".to_string()),
        ("values[1]".to_string(), "5".to_string()),
    ];
    assert_eq!(
        post(&app, "/api/staff/draw_run", &values).await,
        "/admin/inspections/draws/1?done=drawn"
    );
    post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await;

    // The public record: no declaration in the clear, each inspector's sealed as digests, and
    // opened only where a selected enterprise is concerned.
    let visitor = app.another_browser();
    let (_, json) = visitor.page("/api/v1/draws/1").await;
    assert!(json.contains(r#""format":"aqxc-draw/3""#), "{json}");
    assert!(json.contains(r#""snapshot_columns":{"words":["#), "{json}");
    assert!(!json.contains("declared_conflicts"));
    let record: DrawRecord = serde_json::from_str(&json).unwrap();
    let revealed = record.revealed.as_ref().unwrap();
    let snapshot = revealed.snapshot().unwrap();
    let selected: Vec<&Uscc> = revealed.assignments.iter().map(|a| &a.uscc).collect();
    let sealed = |certificate: &str| match &snapshot
        .inspectors
        .iter()
        .find(|i| i.certificate == certificate)
        .unwrap()
        .conflicts
    {
        domain::inspections::conflict::Conflicts::Sealed(digests) => digests.len(),
        plain => panic!("declarations in the clear: {plain:?}"),
    };
    assert_eq!(sealed("44078320000"), 12);
    assert_eq!(sealed("44078320001"), 1);
    assert!(
        revealed
            .openings
            .iter()
            .all(|o| selected.contains(&&o.uscc))
    );
    let about_selected =
        selected.len() + usize::from(selected.contains(&&Uscc::parse(&code(1)).unwrap()));
    assert_eq!(revealed.openings.len(), about_selected);
    // And the draw honoured them: the inspector related to every enterprise is on no team.
    assert!(
        revealed
            .assignments
            .iter()
            .all(|a| !a.team.contains(&"44078320000".to_string()))
    );
    assert!(domain::inspections::record::verify(&record).all_ok());
    for (path, text) in public_texts(&app, 1).await {
        assert!(!text.contains("declared_conflicts"), "{path}");
        assert!(
            !text.contains("salt") || path == "/api/v1/draws/1",
            "{path}"
        );
    }

    // An auditor gets every declaration opened, from staff only, and the log says who.
    let to_file = visitor
        .get("/admin/inspections/draws/1/declarations.json")
        .await;
    assert_eq!(to_file.status().as_u16(), 401);
    let response = app
        .get("/admin/inspections/draws/1/declarations.json")
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["cache-control"].to_str().unwrap(),
        "private, no-store"
    );
    let declarations = response.text().await.unwrap();
    let file: domain::inspections::conflict::AuditorFile =
        serde_json::from_str(&declarations).unwrap();
    assert_eq!(file.openings.len(), 13);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|(who, action, target)| who == "officer"
                && action == "declarations_exported"
                && target == "draw:1")
    );

    // `server draw verify --declarations` checks every one against the sealed snapshot.
    let dir = tempfile::tempdir().unwrap();
    let (record_file, declarations_file) =
        (dir.path().join("draw.json"), dir.path().join("d.json"));
    std::fs::write(&record_file, &json).unwrap();
    std::fs::write(&declarations_file, &declarations).unwrap();
    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["draw", "verify"])
            .arg(&record_file)
            .arg("--declarations")
            .arg(&declarations_file)
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap()
    };
    let output = verify();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("OK   declarations: 13 opened"), "{stdout}");
    // A declaration withheld from the auditor is counted.
    let mut short = file.clone();
    short.openings.pop();
    std::fs::write(&declarations_file, serde_json::to_string(&short).unwrap()).unwrap();
    let output = verify();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(stdout.contains("1 sealed digests not opened"), "{stdout}");
}

#[tokio::test]
async fn a_draw_announced_before_declarations_were_sealed_still_reveals_and_verifies() {
    use domain::inspections::{conflict::Conflicts, draw::Snapshot, record::Commitment};
    let app = spawn().await;
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    import(&app, "enterprises", enterprises_csv()).await;
    import(&app, "inspectors", inspectors_with_conflicts_csv()).await;
    post(
        &app,
        "/api/staff/draw_announce",
        &draw_fields("旧格式", "1", "2"),
    )
    .await;

    // Rewrite the announced draw as a first-format draw was stored: declarations in the clear,
    // no openings (what migration 0009 gives every older draw).
    let snapshot: String = sqlx::query_scalar("SELECT snapshot FROM draws WHERE id = 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut snapshot: Snapshot = serde_json::from_str(&snapshot).unwrap();
    for inspector in &mut snapshot.inspectors {
        inspector.conflicts = Conflicts::Plain(match inspector.certificate.as_str() {
            "44078320000" => (1..=12).map(|n| Uscc::parse(&code(n)).unwrap()).collect(),
            "44078320001" => vec![Uscc::parse(&code(1)).unwrap()],
            _ => vec![],
        });
    }
    sqlx::query(
        "UPDATE draws SET format = 'aqxc-draw/1', snapshot = $1, snapshot_digest = $2,
             conflict_openings = '[]' WHERE id = 1",
    )
    .bind(serde_json::to_string(&snapshot).unwrap())
    .bind(snapshot.digest_in("aqxc-draw/1"))
    .execute(&app.pool)
    .await
    .unwrap();
    let values = [
        ("id".to_string(), "1".to_string()),
        ("values[0]".to_string(), "7 7 7".to_string()),
        ("values[1]".to_string(), "1".to_string()),
    ];
    assert_eq!(
        post(&app, "/api/staff/draw_run", &values).await,
        "/admin/inspections/draws/1?done=drawn"
    );
    assert_eq!(
        post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await,
        "/admin/inspections/draws/1?done=revealed"
    );
    let record: DrawRecord = app.get("/api/v1/draws/1").await.json().await.unwrap();
    let commitment: &Commitment = &record.commitment;
    assert_eq!(commitment.format, "aqxc-draw/1");
    assert!(record.revealed.as_ref().unwrap().openings.is_empty());
    assert!(
        record
            .revealed
            .as_ref()
            .unwrap()
            .assignments
            .iter()
            .all(|a| !a.team.contains(&"44078320000".to_string()))
    );
    let report = domain::inspections::record::verify(&record);
    assert!(report.all_ok(), "{:?}", report.checks);
}

/// Announces, draws and reveals `count` draws (ids 1 to `count`) on the test registries.
async fn revealed_draws(app: &TestApp, count: i64) {
    app.signed_in_as("officer", &[Role::InspectorAdmin]).await;
    import(app, "enterprises", enterprises_csv()).await;
    import(app, "inspectors", inspectors_csv()).await;
    for id in 1..=count {
        let id_field = ("id".to_string(), id.to_string());
        let title = format!("第{id}批");
        post(
            app,
            "/api/staff/draw_announce",
            &draw_fields(&title, "1", "2"),
        )
        .await;
        let values = [
            id_field.clone(),
            ("values[0]".to_string(), format!("{id} 16 23")),
            ("values[1]".to_string(), "4".to_string()),
        ];
        post(app, "/api/staff/draw_run", &values).await;
        let to = post(app, "/api/staff/draw_reveal", &[id_field]).await;
        assert!(to.ends_with("done=revealed"), "draw {id}: {to}");
    }
}

#[tokio::test]
async fn cycling_through_five_revealed_draws_decodes_each_of_them_once() {
    let app = spawn().await;
    revealed_draws(&app, 5).await;
    let visitor = app.another_browser();
    let names_on = |page: &str| page.matches("开平市测试企业").count();
    let mut first = Vec::new();
    for id in 1..=5 {
        let (_, page) = visitor.page(&format!("/inspections/draws/{id}?r=0")).await;
        assert!(names_on(&page) > 0, "draw {id} lists its enterprises");
        first.push(names_on(&page));
    }
    let decoded = app.memos.draws.stats().stored;
    // Every snapshot is emptied behind the server's back: a draw decoded again would list
    // no names.
    sqlx::query("UPDATE draws SET snapshot = '{\"enterprises\":[],\"inspectors\":[]}'")
        .execute(&app.pool)
        .await
        .unwrap();
    for round in 1..=3 {
        for id in 1..=5 {
            let (_, page) = visitor
                .page(&format!("/inspections/draws/{id}?r={round}"))
                .await;
            assert_eq!(names_on(&page), first[id - 1], "draw {id}, round {round}");
        }
    }
    assert_eq!(
        app.memos.draws.stats().stored,
        decoded,
        "nothing decoded again"
    );
}

/// The body of a response, decoded from its `Content-Encoding`.
async fn decoded_body(response: reqwest::Response) -> (Option<String>, Vec<u8>) {
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.bytes().await.unwrap();
    let mut out = Vec::new();
    match encoding.as_deref() {
        Some("br") => brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap(),
        Some("gzip") => {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut out)
                .map(|_| ())
                .unwrap()
        }
        _ => out = body.to_vec(),
    }
    (encoding, out)
}

#[tokio::test]
async fn an_open_data_record_asked_for_again_in_every_encoding_is_compressed_only_once() {
    let app = spawn().await;
    revealed_draws(&app, 1).await;
    let visitor = app.another_browser();
    let mut bodies = Vec::new();
    for (r, accept) in ["br, gzip", "gzip", "identity", "gzip, deflate, br", "br"]
        .iter()
        .enumerate()
    {
        let response = visitor
            .client
            .get(visitor.url(&format!("/api/v1/draws/1?r={r}")))
            .header("accept-encoding", *accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        bodies.push(decoded_body(response).await);
    }
    let encodings: Vec<Option<&str>> = bodies.iter().map(|(e, _)| e.as_deref()).collect();
    assert_eq!(
        encodings,
        [Some("br"), Some("gzip"), None, Some("br"), Some("br")]
    );
    let record: DrawRecord = serde_json::from_slice(&bodies[0].1).unwrap();
    assert!(domain::inspections::record::verify(&record).all_ok());
    assert!(bodies.iter().all(|(_, body)| body == &bodies[0].1));
    let records = app.memos.records.stats();
    assert_eq!(
        (records.stored, records.hits),
        (1, 4),
        "prepared once, then sent as it is"
    );
}

/// One more enterprise, with a name of its own, and a code outside the test series.
fn another_enterprise_csv() -> String {
    format!(
        "统一社会信用代码,名称,镇街,地址,行业,风险等级,高危行业,事故多发行业,直接监管,法定代表人,联系电话\n\
         {},开平市翠山湖化工有限公司,水口镇,水口镇翠山湖路1号,危险化学品,一般风险,是,否,否,{LEGAL_REP},{PHONE}\n",
        code(500)
    )
}

/// The enterprises a public search finds (their names on the results page), in page order.
async fn found(app: &TestApp, query: &str) -> Vec<String> {
    let (status, page) = app
        .another_browser()
        .page(&format!("/inspections/search?q={}", urlencoding(query)))
        .await;
    assert_eq!(status, 200, "{query}");
    let mut names: Vec<String> = Vec::new();
    for n in 1..=12 {
        let name = format!("开平市测试企业{n:02}有限公司");
        if page.contains(&name) {
            names.push(name);
        }
    }
    if page.contains("开平市翠山湖化工有限公司") {
        names.push("开平市翠山湖化工有限公司".to_string());
    }
    names
}

fn urlencoding(query: &str) -> String {
    query
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn enterprise_search_finds_names_by_two_or_three_characters_and_codes_by_their_start() {
    let app = spawn().await;
    drawn(&app, "搜索", "8 16 23").await;
    import(&app, "enterprises", another_enterprise_csv()).await;
    let shan_hu = vec!["开平市翠山湖化工有限公司".to_string()];
    assert_eq!(found(&app, "翠山").await, shan_hu, "two characters");
    assert_eq!(
        found(&app, "山湖化").await,
        shan_hu,
        "three, inside the name"
    );
    assert_eq!(
        found(&app, "测试企业07").await,
        ["开平市测试企业07有限公司"]
    );
    assert_eq!(found(&app, "试企").await.len(), 12);
    assert_eq!(found(&app, "%").await, Vec::<String>::new(), "no wildcard");
    assert_eq!(
        found(&app, "测_").await,
        Vec::<String>::new(),
        "no wildcard"
    );
    // A code by its start, in either case, and whole.
    let seven = code(7);
    assert_eq!(
        found(&app, &seven[..17]).await,
        ["开平市测试企业07有限公司"]
    );
    assert_eq!(found(&app, &seven).await, ["开平市测试企业07有限公司"]);
    let five_hundred = code(500).to_lowercase();
    assert_eq!(found(&app, &five_hundred).await, shan_hu);
    assert_eq!(found(&app, &five_hundred[..15]).await, shan_hu);
    // Renamed: found by its new name only.
    let renamed = another_enterprise_csv().replace("翠山湖化工", "金鸡化工");
    import(&app, "enterprises", renamed).await;
    assert_eq!(found(&app, "翠山湖").await, Vec::<String>::new());
    let (_, page) = app
        .another_browser()
        .page(&format!(
            "/inspections/search?q={}",
            urlencoding("金鸡化工")
        ))
        .await;
    assert!(page.contains("开平市金鸡化工有限公司"), "{page}");
}

/// The result form of one enterprise of draw 1, with a correction reason if given.
fn result_fields(
    uscc: &str,
    category: &str,
    found: &str,
    reason: Option<&str>,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("result[draw_id]", "1"),
        ("result[uscc]", uscc),
        ("result[inspected_on]", "2026-11-20"),
        ("result[produced_on]", "2026-11-20"),
        ("result[category]", category),
        ("result[hazards_found]", found),
        ("result[hazards_rectified]", found),
        ("result[follow_up]", "责令限期整改"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Some(reason) = reason {
        fields.push(("result[correction_reason]".into(), reason.into()));
    }
    fields
}

async fn chain_kinds(app: &TestApp) -> (bool, Vec<String>) {
    let (_, log) = app.another_browser().page("/api/v1/log").await;
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let kinds = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    (log["intact"] == true, kinds)
}

#[tokio::test]
async fn a_published_result_changed_by_staff_is_a_public_chained_correction_keeping_the_earlier_result()
 {
    let app = spawn().await;
    drawn(&app, "更正", "8 16 23").await;
    let (_, staff_page) = app.page("/admin/inspections/draws/1").await;
    let first = staff_page
        .split("id=\"result-")
        .nth(1)
        .map(|rest| rest[..18].to_string())
        .expect("a selected enterprise");
    let to = post(
        &app,
        "/api/staff/result_save",
        &result_fields(&first, "corrected", "3", None),
    )
    .await;
    assert!(to.contains("done=result"), "{to}");
    post(&app, "/api/staff/draw_reveal", &[("id".into(), "1".into())]).await;
    let to = post(
        &app,
        "/api/staff/results_publish",
        &[("id".into(), "1".into())],
    )
    .await;
    assert!(to.ends_with("done=published"), "{to}");
    let (_, before) = chain_kinds(&app).await;

    // Without a reason the change is refused and nothing moves.
    let to = post(
        &app,
        "/api/staff/result_save",
        &result_fields(&first, "no_problem", "0", None),
    )
    .await;
    assert!(to.contains("error=") && to.contains(&first), "{to}");
    let to = post(
        &app,
        "/api/staff/result_save",
        &result_fields(&first, "no_problem", "0", Some("   ")),
    )
    .await;
    assert!(to.contains("error="), "{to}");
    let visitor = app.another_browser();
    let (_, page) = visitor.page("/inspections/draws/1?r=1").await;
    assert!(page.contains("发现问题已责令改正") && !page.contains("已更正"));
    assert_eq!(chain_kinds(&app).await, (true, before.clone()));

    // With one it is a correction: public, chained, and the earlier result kept.
    let reason = "检查组复核现场记录，原录入有误";
    let to = post(
        &app,
        "/api/staff/result_save",
        &result_fields(&first, "no_problem", "0", Some(reason)),
    )
    .await;
    assert!(to.contains("done=corrected"), "{to}");
    let (_, page) = visitor.page("/inspections/draws/1?r=2").await;
    assert!(
        page.contains("2026-11-20：未发现问题；发现隐患 0 处"),
        "{page}"
    );
    assert!(page.contains("已更正") && page.contains(reason), "{page}");
    assert!(
        page.contains("原结果：2026-11-20：发现问题已责令改正；发现隐患 3 处，已整改 3 处"),
        "{page}"
    );
    let (intact, after) = chain_kinds(&app).await;
    assert!(intact, "the chain verifies");
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after.last().map(String::as_str), Some("result_corrected"));
    let (_, log_page) = visitor.page("/inspections/log?r=2").await;
    assert!(log_page.contains("更正结果"));
    let (_, results) = visitor.page("/api/v1/results.json?r=2").await;
    assert!(results.contains("no_problem") && !results.contains("\"corrected\""));
    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, a, _)| a)
        .collect();
    assert!(actions.iter().any(|a| a == "result_corrected"));
}
