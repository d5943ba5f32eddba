use app::staff::Role;

use crate::helpers::{STAFF_PASSWORD, location, spawn_app};

/// Every staff page, with the roles that may see it (empty: any staff member).
const STAFF_PAGES: [(&str, &[Role]); 7] = [
    ("/admin", &[]),
    ("/admin/account", &[]),
    ("/admin/users", &[Role::Admin]),
    ("/admin/audit", &[Role::Admin]),
    ("/admin/articles", &[Role::Editor, Role::Reviewer]),
    ("/admin/inspections", &[Role::InspectorAdmin]),
    ("/admin/contests", &[Role::ContestAdmin]),
];

/// Every staff server function, with a body that would be valid for an admin.
const STAFF_FUNCTIONS: [(&str, &[(&str, &str)]); 8] = [
    ("/api/staff/accounts", &[]),
    ("/api/staff/demo_in_draw_chain", &[]),
    ("/api/staff/audit_log", &[]),
    ("/api/staff/sign_out", &[]),
    (
        "/api/staff/change_password",
        &[
            ("current_password", "x"),
            ("new_password", "y"),
            ("confirm_password", "y"),
        ],
    ),
    (
        "/api/staff/create_account",
        &[
            ("username", "intruder"),
            ("display_name", "x"),
            ("password", "long-enough-password-1"),
        ],
    ),
    (
        "/api/staff/set_roles",
        &[("account_id", "1"), ("roles[admin]", "true")],
    ),
    (
        "/api/staff/set_disabled",
        &[("account_id", "1"), ("disabled", "true")],
    ),
];

#[tokio::test]
async fn anonymous_visitors_get_401_on_every_staff_page_and_none_of_its_content() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    for (path, _) in STAFF_PAGES {
        let (status, html) = app.page(path).await;
        assert_eq!(status, 401, "{path}");
        assert!(html.contains("请先登录"), "{path}");
        assert!(!html.contains("chief"), "{path} shows account data");
    }
}

#[tokio::test]
async fn anonymous_calls_to_every_staff_server_function_are_refused_with_401() {
    let app = spawn_app().await;
    let victim = app
        .create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    for (path, fields) in STAFF_FUNCTIONS {
        let response = app.post_form(path, fields).await;
        assert_eq!(response.status().as_u16(), 401, "{path}");
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM staff_users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "an account was created anonymously");
    let (disabled,): (i64,) = sqlx::query_as("SELECT disabled FROM staff_users WHERE id = $1")
        .bind(victim)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(disabled == 0);
}

#[tokio::test]
async fn each_role_reaches_exactly_its_own_pages() {
    let app = spawn_app().await;
    for role in Role::ALL {
        let browser = app.another_browser();
        browser
            .signed_in_as(
                &format!("staff-{}", role.as_str().replace('_', "-")),
                &[role],
            )
            .await;
        for (path, allowed) in STAFF_PAGES {
            let expected = if allowed.is_empty() || allowed.contains(&role) {
                200
            } else {
                403
            };
            let (status, html) = browser.page(path).await;
            assert_eq!(status, expected, "{role} on {path}");
            if expected == 403 {
                assert!(html.contains("无权访问"), "{role} on {path}");
            }
        }
    }
}

#[tokio::test]
async fn a_person_with_several_roles_reaches_each_of_their_areas() {
    let app = spawn_app().await;
    app.signed_in_as("multi", &[Role::Editor, Role::ContestAdmin])
        .await;
    assert_eq!(app.page("/admin/articles").await.0, 200);
    assert_eq!(app.page("/admin/contests").await.0, 200);
    assert_eq!(app.page("/admin/users").await.0, 403);
}

#[tokio::test]
async fn staff_without_the_admin_role_cannot_call_admin_functions() {
    let app = spawn_app().await;
    app.signed_in_as("editor1", &[Role::Editor]).await;
    for (path, fields) in STAFF_FUNCTIONS.iter().filter(|(path, _)| {
        [
            "accounts",
            "audit_log",
            "create_account",
            "set_roles",
            "set_disabled",
        ]
        .iter()
        .any(|f| path.ends_with(f))
    }) {
        let response = app.post_form(path, fields).await;
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM staff_users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    let wrong = app
        .post_form(
            "/api/sign_in",
            &[("username", "chief"), ("password", "not-the-password")],
        )
        .await;
    let unknown = app
        .post_form(
            "/api/sign_in",
            &[("username", "nobody"), ("password", "not-the-password")],
        )
        .await;
    assert!(location(&wrong).starts_with("/login?error=invalid"));
    assert!(location(&unknown).starts_with("/login?error=invalid"));
    // The typed name comes back so it need not be typed again; the password does not.
    assert!(location(&wrong).contains("username=chief"));
    assert!(!location(&wrong).contains("not-the-password"));
}

#[tokio::test]
async fn signing_in_sets_an_http_only_lax_session_cookie_and_signing_out_ends_it() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    let response = app
        .post_form(
            "/api/sign_in",
            &[("username", "chief"), ("password", STAFF_PASSWORD)],
        )
        .await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("aqxc_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not mark the cookie Secure: {cookie}"
    );
    assert_eq!(app.page("/admin").await.0, 200);

    let out = app.post_form("/api/staff/sign_out", &[]).await;
    assert_eq!(location(&out), "/login?done=signed_out");
    assert_eq!(app.page("/admin").await.0, 401);
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM staff_sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "the session is still stored");
}

#[tokio::test]
async fn after_sign_in_the_portal_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    let back = app
        .post_form(
            "/api/sign_in",
            &[
                ("username", "chief"),
                ("password", STAFF_PASSWORD),
                ("next", "/admin/audit"),
            ],
        )
        .await;
    assert_eq!(location(&back), "/admin/audit");
    let other = app.another_browser();
    let away = other
        .post_form(
            "/api/sign_in",
            &[
                ("username", "chief"),
                ("password", STAFF_PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&away), "/admin");
}

#[tokio::test]
async fn disabling_an_account_ends_its_session_at_once() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    let editor = app.another_browser();
    let editor_id = editor.signed_in_as("editor1", &[Role::Editor]).await;
    assert_eq!(editor.page("/admin/articles").await.0, 200);

    let response = app
        .post_form(
            "/api/staff/set_disabled",
            &[("account_id", &editor_id.to_string()), ("disabled", "true")],
        )
        .await;
    assert!(
        location(&response).contains("done=disabled"),
        "{}",
        location(&response)
    );

    assert_eq!(editor.page("/admin/articles").await.0, 401);
    let again = editor
        .post_form(
            "/api/sign_in",
            &[("username", "editor1"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert!(location(&again).starts_with("/login?error=invalid"));

    app.post_form(
        "/api/staff/set_disabled",
        &[
            ("account_id", &editor_id.to_string()),
            ("disabled", "false"),
        ],
    )
    .await;
    assert_eq!(editor.sign_in("editor1", STAFF_PASSWORD).await, "/admin");
}

#[tokio::test]
async fn role_changes_take_effect_on_the_next_request() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    let staff = app.another_browser();
    let id = staff.signed_in_as("officer", &[Role::Editor]).await;
    assert_eq!(staff.page("/admin/inspections").await.0, 403);
    app.post_form(
        "/api/staff/set_roles",
        &[
            ("account_id", &id.to_string()),
            ("roles[inspector_admin]", "true"),
        ],
    )
    .await;
    assert_eq!(staff.page("/admin/inspections").await.0, 200);
    assert_eq!(staff.page("/admin/articles").await.0, 403);
}

#[tokio::test]
async fn an_admin_creates_an_account_and_bad_input_is_explained_without_losing_what_was_typed() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;

    let weak = app
        .post_form(
            "/api/staff/create_account",
            &[
                ("username", "liwei"),
                ("display_name", "李伟"),
                ("password", "short"),
                ("roles[editor]", "true"),
            ],
        )
        .await;
    let to = location(&weak);
    assert!(to.starts_with("/admin/users?error=policy"), "{to}");
    assert!(to.contains("username=liwei"), "{to}");
    let (_, html) = app.page(&to).await;
    assert!(
        html.contains("密码至少需要 12 个字符"),
        "the reason is not shown"
    );
    assert!(
        html.contains(r#"value="liwei""#),
        "the username typed was lost"
    );

    let bad_name = app
        .post_form(
            "/api/staff/create_account",
            &[
                ("username", "Li Wei"),
                ("display_name", "李伟"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert!(location(&bad_name).starts_with("/admin/users?error=username"));

    let created = app
        .post_form(
            "/api/staff/create_account",
            &[
                ("username", "liwei"),
                ("display_name", "李伟"),
                ("password", STAFF_PASSWORD),
                ("roles[editor]", "true"),
            ],
        )
        .await;
    assert!(location(&created).starts_with("/admin/users?done=created"));
    let (_, html) = app.page("/admin/users").await;
    assert!(html.contains("李伟"));

    let taken = app
        .post_form(
            "/api/staff/create_account",
            &[
                ("username", "liwei"),
                ("display_name", "另一个"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert!(location(&taken).starts_with("/admin/users?error=taken"));

    let newcomer = app.another_browser();
    assert_eq!(newcomer.sign_in("liwei", STAFF_PASSWORD).await, "/admin");
    assert_eq!(newcomer.page("/admin/articles").await.0, 200);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let me = app.signed_in_as("chief", &[Role::Admin]).await;
    let disable = app
        .post_form(
            "/api/staff/set_disabled",
            &[("account_id", &me.to_string()), ("disabled", "true")],
        )
        .await;
    assert!(location(&disable).contains("error=own_account"));
    let demote = app
        .post_form(
            "/api/staff/set_roles",
            &[("account_id", &me.to_string()), ("roles[editor]", "true")],
        )
        .await;
    assert!(location(&demote).contains("error=own_admin"));
    assert_eq!(app.page("/admin/users").await.0, 200);
}

#[tokio::test]
async fn changing_the_password_checks_the_old_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    let laptop = app.another_browser();
    laptop.sign_in("chief", STAFF_PASSWORD).await;

    let wrong = app
        .post_form(
            "/api/staff/change_password",
            &[
                ("current_password", "wrong"),
                ("new_password", "typhoon-signal-white-9"),
                ("confirm_password", "typhoon-signal-white-9"),
            ],
        )
        .await;
    assert!(location(&wrong).contains("error=wrong_current"));
    let mismatch = app
        .post_form(
            "/api/staff/change_password",
            &[
                ("current_password", STAFF_PASSWORD),
                ("new_password", "typhoon-signal-white-9"),
                ("confirm_password", "typhoon-signal-white-8"),
            ],
        )
        .await;
    assert!(location(&mismatch).contains("error=mismatch"));

    let done = app
        .post_form(
            "/api/staff/change_password",
            &[
                ("current_password", STAFF_PASSWORD),
                ("new_password", "typhoon-signal-white-9"),
                ("confirm_password", "typhoon-signal-white-9"),
            ],
        )
        .await;
    assert!(location(&done).contains("done=password_changed"));
    assert_eq!(app.page("/admin").await.0, 200, "this session goes on");
    assert_eq!(
        laptop.page("/admin").await.0,
        401,
        "the other session has ended"
    );
    assert_eq!(
        laptop.sign_in("chief", "typhoon-signal-white-9").await,
        "/admin"
    );
}

/// Adds failed sign-ins for a throttle key, as if they had just happened.
async fn add_failures(app: &crate::helpers::TestApp, key: &str, count: usize) {
    for _ in 0..count {
        sqlx::query("INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)")
            .bind(key)
            .bind(app::foundation::clock::now())
            .execute(&app.pool)
            .await
            .unwrap();
    }
}

/// The seconds to wait that a refused sign-in was told.
fn told_to_wait(to: &str) -> i64 {
    let wait = to
        .split("wait=")
        .nth(1)
        .expect("a wait")
        .split('&')
        .next()
        .unwrap();
    wait.parse().unwrap()
}

#[tokio::test]
async fn repeated_failures_slow_down_then_lock_sign_in_for_existing_and_unknown_accounts_alike() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    for name in ["chief", "nobody"] {
        for _ in 0..3 {
            let failed = app
                .post_form(
                    "/api/sign_in",
                    &[("username", name), ("password", "guess-guess-guess")],
                )
                .await;
            assert!(location(&failed).starts_with("/login?error=invalid"));
        }
        add_failures(&app, &format!("account:{name}@127.0.0.1"), 2).await;
        // Five failures: the next attempt must wait a few seconds, even with the right password.
        let refused = app
            .post_form(
                "/api/sign_in",
                &[("username", name), ("password", STAFF_PASSWORD)],
            )
            .await;
        let to = location(&refused);
        assert!(to.starts_with("/login?error=throttled"), "{name}: {to}");
        assert!((1..=4).contains(&told_to_wait(&to)), "{name}: {to}");
        let (_, html) = app.page(&to).await;
        assert!(html.contains("登录尝试过于频繁"), "{name}");
    }
    // Ten failures lock the account for the rest of the 15-minute window.
    add_failures(&app, "account:chief@127.0.0.1", 5).await;
    let other = app.another_browser();
    let locked = other
        .post_form(
            "/api/sign_in",
            &[("username", "chief"), ("password", STAFF_PASSWORD)],
        )
        .await;
    let to = location(&locked);
    assert!(told_to_wait(&to) > 800, "{to}");
    let (_, html) = other.page(&to).await;
    assert!(html.contains("15 分钟"), "the lock's length is not said");
}

#[tokio::test]
async fn many_failures_from_one_address_slow_it_down_whatever_names_are_tried() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    add_failures(&app, "address:127.0.0.1", 30).await;
    let refused = app
        .post_form(
            "/api/sign_in",
            &[("username", "chief"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert!(location(&refused).starts_with("/login?error=throttled"));
}

#[tokio::test]
async fn the_audit_log_records_each_staff_action_with_who_and_from_where() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    app.post_form(
        "/api/sign_in",
        &[("username", "ghost"), ("password", "wrong-wrong-wrong")],
    )
    .await;
    app.post_form(
        "/api/staff/create_account",
        &[
            ("username", "liwei"),
            ("display_name", "李伟"),
            ("password", STAFF_PASSWORD),
            ("roles[editor]", "true"),
        ],
    )
    .await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM staff_users WHERE username = 'liwei'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let id = id.to_string();
    app.post_form(
        "/api/staff/set_roles",
        &[("account_id", &id), ("roles[reviewer]", "true")],
    )
    .await;
    app.post_form(
        "/api/staff/set_disabled",
        &[("account_id", &id), ("disabled", "true")],
    )
    .await;
    app.post_form(
        "/api/staff/set_disabled",
        &[("account_id", &id), ("disabled", "false")],
    )
    .await;
    app.post_form(
        "/api/staff/change_password",
        &[
            ("current_password", STAFF_PASSWORD),
            ("new_password", "typhoon-signal-white-9"),
            ("confirm_password", "typhoon-signal-white-9"),
        ],
    )
    .await;

    let (_, html) = app.page("/admin/audit").await;
    for label in [
        "登录",
        "登录失败",
        "创建账号",
        "修改角色",
        "停用账号",
        "启用账号",
        "修改密码",
    ] {
        assert!(html.contains(label), "the audit page lacks {label}");
    }
    assert!(
        html.contains("127.0.0.1"),
        "the client address is not recorded"
    );
    app.post_form("/api/staff/sign_out", &[]).await;

    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, action, _)| action)
        .collect();
    assert_eq!(
        actions,
        [
            "sign_in",
            "sign_in_failed",
            "account_created",
            "roles_changed",
            "account_disabled",
            "account_enabled",
            "password_changed",
            "sign_out"
        ]
    );
}

#[tokio::test]
async fn the_audit_log_cannot_be_edited_or_deleted() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    assert!(
        sqlx::query("UPDATE audit_log SET actor_name = 'someone else'")
            .execute(&app.pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_log")
            .execute(&app.pool)
            .await
            .is_err()
    );
    assert_eq!(app.audit_actions().await.len(), 1);
}

/// A sign-in posted by a script from `address` (the portal trusts one proxy in these tests).
async fn sign_in_from(
    app: &crate::helpers::TestApp,
    address: &str,
    username: &str,
    password: &str,
) -> String {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/api/sign_in"))
        .header("origin", &app.origin)
        .header("accept", "text/html")
        .header("x-forwarded-for", address)
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    location(&response)
}

async fn count(app: &crate::helpers::TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

fn behind_one_proxy() -> crate::helpers::Options<'static> {
    crate::helpers::Options {
        trusted_proxies: 1,
        ..Default::default()
    }
}

#[tokio::test]
async fn two_hundred_concurrent_wrong_sign_ins_leave_the_site_answering_and_are_all_recorded() {
    let app = crate::helpers::spawn_app_with(behind_one_proxy()).await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    let app = std::sync::Arc::new(app);
    let burst: Vec<_> = (0..200)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let address = format!("10.1.{}.{}", n / 200, n % 200 + 1);
                sign_in_from(&app, &address, "chief", "a-wrong-guess-123").await
            })
        })
        .collect();
    // While the passwords are checked, the site keeps answering at once.
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..10 {
        let started = std::time::Instant::now();
        assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for attempt in burst {
        let to = attempt.await.unwrap();
        assert!(to.starts_with("/login?error=invalid"), "{to}");
    }
    assert!(slowest < std::time::Duration::from_secs(1), "{slowest:?}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed'"
        )
        .await,
        200
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM login_failures WHERE key LIKE 'account:chief@%'"
        )
        .await,
        200
    );
    // None of it locks the account's owner out.
    let to = sign_in_from(&app, "10.9.9.9", "chief", STAFF_PASSWORD).await;
    assert_eq!(to, "/admin");
}

#[tokio::test]
async fn a_concurrent_burst_from_one_address_is_judged_attempt_by_attempt() {
    let app = std::sync::Arc::new(crate::helpers::spawn_app_with(behind_one_proxy()).await);
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    let burst: Vec<_> = (0..20)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                sign_in_from(&app, "6.6.6.6", "chief", "a-wrong-guess-123").await
            })
        })
        .collect();
    let mut invalid = 0;
    for attempt in burst {
        if attempt.await.unwrap().starts_with("/login?error=invalid") {
            invalid += 1;
        }
    }
    // Three free failures, then every other attempt of the burst had to wait.
    assert_eq!(invalid, 3);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed'"
        )
        .await,
        3
    );
    // The seventeen refusals are one entry of the log, counted.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_throttled'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT r.count FROM audit_repeats r JOIN audit_log a ON a.id = r.audit_id
             WHERE a.action = 'sign_in_throttled'"
        )
        .await,
        17
    );
}

#[tokio::test]
async fn an_outsider_locks_an_account_only_from_their_own_address() {
    let app = crate::helpers::spawn_app_with(behind_one_proxy()).await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    add_failures(&app, "account:chief@6.6.6.6", 10).await;
    add_failures(&app, "account:chief@2001:db8:1:2::/64", 10).await;
    let locked = sign_in_from(&app, "6.6.6.6", "chief", STAFF_PASSWORD).await;
    assert!(told_to_wait(&locked) > 800, "{locked}");
    // Another address in the same IPv6 /64 is the same outsider.
    let same_64 = sign_in_from(&app, "2001:db8:1:2:abcd::99", "chief", STAFF_PASSWORD).await;
    assert!(same_64.starts_with("/login?error=throttled"), "{same_64}");
    // The owner, from their own desk, signs in.
    assert_eq!(
        sign_in_from(&app, "10.0.0.5", "chief", STAFF_PASSWORD).await,
        "/admin"
    );
}

#[tokio::test]
async fn an_address_shared_by_everyone_is_slowed_down_never_locked() {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    // Hundreds of failures from the city proxy's one address, the latest a minute ago.
    for _ in 0..200 {
        sqlx::query("INSERT INTO login_failures (key, failed_at) VALUES ('address:127.0.0.1', $1)")
            .bind(app::foundation::clock::now() - 61)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let to = location(
        &app.post_form(
            "/api/sign_in",
            &[("username", "chief"), ("password", STAFF_PASSWORD)],
        )
        .await,
    );
    assert_eq!(to, "/admin");
}

#[tokio::test]
async fn behind_a_cdn_and_a_proxy_the_client_is_the_entry_the_cdn_wrote() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        trusted_proxies: 2,
        ..Default::default()
    })
    .await;
    // The client forged the first entry; the CDN saw 1.2.3.4; nginx saw the CDN.
    let to = sign_in_from(
        &app,
        "6.6.6.6, 1.2.3.4, 10.0.0.9",
        "ghost",
        "a-wrong-guess-123",
    )
    .await;
    assert!(to.starts_with("/login?error=invalid"), "{to}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM login_failures WHERE key = 'account:ghost@1.2.3.4'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn admins_racing_for_one_username_create_one_account_and_tell_the_others() {
    let app = spawn_app().await;
    let mut admins = Vec::new();
    for n in 0..3 {
        let admin = app.another_browser();
        admin
            .signed_in_as(&format!("admin{n}"), &[Role::Admin])
            .await;
        let token = admin.csrf_token().await;
        admins.push((std::sync::Arc::new(admin), token));
    }
    for round in 0..5 {
        // The same name in three spellings: accounts are one per name whatever its case.
        let names = [
            format!("zhangwei{round}"),
            format!("ZhangWei{round}"),
            format!("ZHANGWEI{round}"),
        ];
        let racing: Vec<_> = admins
            .iter()
            .zip(names)
            .map(|((admin, token), name)| {
                let (admin, token) = (admin.clone(), token.clone());
                tokio::spawn(async move {
                    let created = admin
                        .post_form_with_token(
                            "/api/staff/create_account",
                            &[
                                ("username", &name),
                                ("display_name", "张伟"),
                                ("password", "a-long-enough-password-7"),
                            ],
                            &token,
                        )
                        .await;
                    location(&created)
                })
            })
            .collect();
        let mut created = 0;
        for answer in racing {
            let to = answer.await.unwrap();
            if to.contains("done=created") {
                created += 1;
            } else {
                assert!(to.contains("error=taken"), "round {round}: {to}");
            }
        }
        assert_eq!(created, 1, "round {round}");
        let accounts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM staff_users WHERE lower(username) = $1")
                .bind(format!("zhangwei{round}"))
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(accounts, 1, "round {round}");
    }
}

async fn enabled_admins(app: &crate::helpers::TestApp) -> i64 {
    app::staff::store::enabled_admins(&app.pool).await.unwrap()
}

/// Two admins, each signed in in a browser of their own, with their ids and form tokens.
async fn two_admins() -> (
    crate::helpers::TestApp,
    crate::helpers::TestApp,
    [String; 2],
    [String; 2],
) {
    let first = spawn_app().await;
    let second = first.another_browser();
    let chief = first.signed_in_as("chief", &[Role::Admin]).await;
    let deputy = second.signed_in_as("deputy", &[Role::Admin]).await;
    let tokens = [first.csrf_token().await, second.csrf_token().await];
    (
        first,
        second,
        [chief.to_string(), deputy.to_string()],
        tokens,
    )
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_exactly_one_admin() {
    let (first, second, [chief, deputy], [first_token, second_token]) = two_admins().await;
    let demote_deputy = [("account_id", deputy.as_str()), ("roles[editor]", "true")];
    let demote_chief = [("account_id", chief.as_str()), ("roles[editor]", "true")];
    let (a, b) = tokio::join!(
        first.post_form_with_token("/api/staff/set_roles", &demote_deputy, &first_token),
        second.post_form_with_token("/api/staff/set_roles", &demote_chief, &second_token),
    );
    assert_eq!(enabled_admins(&first).await, 1);
    // One change went through; the other was refused, by the last-admin rule or, when it came
    // second, because its sender was no longer an admin.
    let answers = [(a.status(), location(&a)), (b.status(), location(&b))];
    let done = answers
        .iter()
        .filter(|(_, to)| to.contains("done="))
        .count();
    assert_eq!(done, 1, "{answers:?}");
    // Whoever is left can still manage the accounts.
    let still_admin = [&first, &second];
    let mut reached = 0;
    for browser in still_admin {
        if browser.page("/admin/users").await.0 == 200 {
            reached += 1;
        }
    }
    assert_eq!(reached, 1);
}

#[tokio::test]
async fn two_admins_disabling_each_other_at_once_leave_exactly_one_enabled_admin() {
    let (first, second, [chief, deputy], [first_token, second_token]) = two_admins().await;
    let demote_deputy = [("account_id", deputy.as_str()), ("disabled", "true")];
    let demote_chief = [("account_id", chief.as_str()), ("disabled", "true")];
    let (a, b) = tokio::join!(
        first.post_form_with_token("/api/staff/set_disabled", &demote_deputy, &first_token),
        second.post_form_with_token("/api/staff/set_disabled", &demote_chief, &second_token),
    );
    assert_eq!(enabled_admins(&first).await, 1);
    let answers = [(a.status(), location(&a)), (b.status(), location(&b))];
    let done = answers
        .iter()
        .filter(|(_, to)| to.contains("done="))
        .count();
    assert_eq!(done, 1, "{answers:?}");
}

#[tokio::test]
async fn the_fifth_wrong_current_password_in_a_row_is_throttled_and_every_failure_is_logged() {
    let app = spawn_app().await;
    app.signed_in_as("chief", &[Role::Admin]).await;
    let token = app.csrf_token().await;
    let change = |current: &'static str| {
        let token = token.clone();
        let app = &app;
        async move {
            let response = app
                .post_form_with_token(
                    "/api/staff/change_password",
                    &[
                        ("current_password", current),
                        ("new_password", "typhoon-signal-white-9"),
                        ("confirm_password", "typhoon-signal-white-9"),
                    ],
                    &token,
                )
                .await;
            location(&response)
        }
    };
    for guess in ["guess-one", "guess-two", "guess-three", "guess-four"] {
        assert!(change(guess).await.contains("error=wrong_current"));
    }
    let fifth = change("guess-five").await;
    assert!(fifth.contains("error=throttled"), "{fifth}");
    // Even the right password waits now: the guesser cannot tell when they found it.
    let right = change(STAFF_PASSWORD).await;
    assert!(right.contains("error=throttled"), "{right}");
    let (_, html) = app.page(&right).await;
    assert!(
        html.contains("当前密码连续输错次数过多"),
        "the wait is not explained"
    );

    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, action, _)| action)
        .collect();
    let failed = actions
        .iter()
        .filter(|a| *a == "password_change_failed")
        .count();
    let throttled = actions
        .iter()
        .filter(|a| *a == "password_change_throttled")
        .count();
    assert_eq!((failed, throttled), (4, 1), "{actions:?}");
    let (_, log) = app.page("/admin/audit").await;
    assert_eq!(log.matches("修改密码失败（当前密码不正确）").count(), 4);
    assert!(log.contains("共 2 次"));
    // The password is unchanged.
    assert_eq!(
        app.another_browser().sign_in("chief", STAFF_PASSWORD).await,
        "/admin"
    );
}

#[tokio::test]
async fn eight_admins_each_demoting_the_next_at_once_always_leave_an_admin() {
    let app = spawn_app().await;
    let mut admins = Vec::new();
    for n in 0..8 {
        let browser = app.another_browser();
        let id = browser
            .signed_in_as(&format!("admin{n}"), &[Role::Admin])
            .await;
        let token = browser.csrf_token().await;
        admins.push((std::sync::Arc::new(browser), id, token));
    }
    let demotions: Vec<_> = (0..admins.len())
        .map(|n| {
            let (browser, _, token) = admins[n].clone();
            let next = admins[(n + 1) % admins.len()].1.to_string();
            tokio::spawn(async move {
                let form = [("account_id", next.as_str()), ("roles[editor]", "true")];
                browser
                    .post_form_with_token("/api/staff/set_roles", &form, &token)
                    .await
                    .status()
            })
        })
        .collect();
    for demotion in demotions {
        demotion.await.unwrap();
    }
    assert!(
        enabled_admins(&app).await >= 1,
        "nobody can manage accounts"
    );
}
