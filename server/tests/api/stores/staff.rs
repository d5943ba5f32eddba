//! `app::staff::store`, `session` and `throttle`: accounts, roles, sessions, sign-in claims.

use app::foundation::db::Pool;
use app::staff::{
    Role,
    session::{self, SessionPolicy},
    store::{self, StoreError},
    throttle::{self, Verdict},
};

use super::{NOW, fresh_db, staff_user};

fn policy() -> SessionPolicy {
    SessionPolicy {
        idle_secs: 1800,
        absolute_secs: 12 * 3600,
        secure_cookies: false,
        cookie_path: "/".into(),
    }
}

async fn count(pool: &Pool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn an_account_comes_back_with_its_roles_in_canonical_order() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let id = staff_user(pool, "wangfang", &[Role::Admin, Role::Editor]).await;
    staff_user(pool, "chenming", &[]).await;

    let account = store::find(pool, id).await.unwrap().expect("found by id");
    assert_eq!(account.username, "wangfang");
    assert_eq!(account.roles, [Role::Editor, Role::Admin]);
    assert!(!account.disabled);
    assert_eq!(account.last_login_at, None);
    let by_name = store::find_by_username(pool, " wangfang ").await.unwrap();
    assert_eq!(by_name, Some(account));
    assert!(store::find(pool, id + 100).await.unwrap().is_none());

    let credentials = store::credentials(pool, "wangfang").await.unwrap().unwrap();
    assert_eq!((credentials.id, credentials.disabled), (id, false));
    assert_eq!(credentials.password_hash, "hash-of-a-password");

    // Enabled accounts first, then by name; an account without roles has an empty list.
    // (Another admin first: the last one cannot be disabled.)
    staff_user(pool, "zhaolei", &[Role::Admin]).await;
    store::set_disabled(pool, id, true).await.unwrap();
    let listed: Vec<(String, Vec<Role>)> = store::list(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.username, a.roles))
        .collect();
    assert_eq!(
        listed,
        [
            ("chenming".to_string(), vec![]),
            ("zhaolei".to_string(), vec![Role::Admin]),
            ("wangfang".to_string(), vec![Role::Editor, Role::Admin]),
        ]
    );
}

#[tokio::test]
async fn a_username_is_taken_whatever_its_case_and_signs_in_whatever_its_case() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let id = staff_user(pool, "wangfang", &[Role::Editor]).await;
    for taken in ["wangfang", "WangFang"] {
        let again = store::NewAccount {
            username: taken,
            display_name: "另一个人",
            password_hash: "x",
            roles: &[Role::Admin],
        };
        let refused = store::create(pool, again, NOW).await;
        assert!(
            matches!(refused, Err(StoreError::UsernameTaken)),
            "{taken}: {refused:?}"
        );
    }
    // The refused accounts left nothing behind, not even their roles.
    assert_eq!(count(pool, "SELECT COUNT(*) FROM staff_users").await, 1);
    assert_eq!(store::enabled_admins(pool).await.unwrap(), 0);
    let credentials = store::credentials(pool, "WANGFANG").await.unwrap();
    assert_eq!(credentials.map(|c| c.id), Some(id));
}

#[tokio::test]
async fn set_roles_replaces_every_role_of_an_existing_account() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let id = staff_user(pool, "wangfang", &[Role::Editor, Role::Reviewer]).await;

    store::set_roles(pool, id, &[Role::ContestAdmin, Role::Admin])
        .await
        .unwrap();
    let roles = store::find(pool, id).await.unwrap().unwrap().roles;
    assert_eq!(roles, [Role::ContestAdmin, Role::Admin]);
    assert_eq!(store::enabled_admins(pool).await.unwrap(), 1);

    // With another admin there, the last role can go.
    staff_user(pool, "chenming", &[Role::Admin]).await;
    store::set_roles(pool, id, &[]).await.unwrap();
    assert!(
        store::find(pool, id)
            .await
            .unwrap()
            .unwrap()
            .roles
            .is_empty()
    );

    let unknown = store::set_roles(pool, id + 100, &[Role::Editor]).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
}

#[tokio::test]
async fn the_last_enabled_admin_can_be_neither_demoted_nor_disabled() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let admin = staff_user(pool, "wangfang", &[Role::Admin]).await;
    let former = staff_user(pool, "chenming", &[Role::Admin]).await;
    store::set_disabled(pool, former, true).await.unwrap();

    let demoted = store::set_roles(pool, admin, &[Role::Editor]).await;
    assert!(matches!(demoted, Err(StoreError::LastAdmin)), "{demoted:?}");
    let disabled = store::set_disabled(pool, admin, true).await;
    assert!(
        matches!(disabled, Err(StoreError::LastAdmin)),
        "{disabled:?}"
    );
    assert_eq!(store::enabled_admins(pool).await.unwrap(), 1);
    // A disabled admin's roles may change; keeping the role is always allowed.
    store::set_roles(pool, former, &[Role::Editor])
        .await
        .unwrap();
    store::set_roles(pool, admin, &[Role::Editor, Role::Admin])
        .await
        .unwrap();
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_removes_it_from_the_admins() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let admin = staff_user(pool, "admin", &[Role::Admin]).await;
    let other = staff_user(pool, "other", &[Role::Admin]).await;
    let token = session::start(pool, admin, "1.2.3.4", NOW, &policy())
        .await
        .unwrap();
    let kept = session::start(pool, other, "1.2.3.4", NOW, &policy())
        .await
        .unwrap();
    assert_eq!(store::enabled_admins(pool).await.unwrap(), 2);

    store::set_disabled(pool, admin, true).await.unwrap();
    assert_eq!(store::enabled_admins(pool).await.unwrap(), 1);
    assert!(
        store::credentials(pool, "admin")
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    assert!(store::find(pool, admin).await.unwrap().unwrap().disabled);
    assert!(
        session::resolve(pool, &token, NOW + 1, &policy())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        session::resolve(pool, &kept, NOW + 1, &policy())
            .await
            .unwrap()
            .is_some(),
        "another account's session is untouched"
    );
    assert_eq!(count(pool, "SELECT COUNT(*) FROM staff_sessions").await, 1);

    // Enabling again does not bring the ended session back.
    store::set_disabled(pool, admin, false).await.unwrap();
    assert_eq!(store::enabled_admins(pool).await.unwrap(), 2);
    assert!(
        session::resolve(pool, &token, NOW + 2, &policy())
            .await
            .unwrap()
            .is_none()
    );
    let unknown = store::set_disabled(pool, other + 1, true).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
}

#[tokio::test]
async fn a_new_password_hash_replaces_the_old_and_sign_ins_are_recorded() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let id = staff_user(pool, "wangfang", &[]).await;

    store::set_password(pool, id, "new-hash", NOW + 60)
        .await
        .unwrap();
    assert_eq!(
        store::password_hash(pool, id).await.unwrap().as_deref(),
        Some("new-hash")
    );
    let changed_at: i64 =
        sqlx::query_scalar("SELECT password_changed_at FROM staff_users WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(changed_at, NOW + 60);
    assert_eq!(store::password_hash(pool, id + 1).await.unwrap(), None);
    let unknown = store::set_password(pool, id + 1, "x", NOW).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");

    store::record_login(pool, id, NOW + 120).await.unwrap();
    let account = store::find(pool, id).await.unwrap().unwrap();
    assert_eq!(account.last_login_at, Some(NOW + 120));
}

#[tokio::test]
async fn a_session_lives_until_it_ends_idles_out_or_reaches_its_limit() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let policy = policy();
    let id = staff_user(pool, "wangfang", &[Role::Reviewer, Role::Editor]).await;

    let token = session::start(pool, id, "1.2.3.4", NOW, &policy)
        .await
        .unwrap();
    let staff = session::resolve(pool, &token, NOW + 10, &policy)
        .await
        .unwrap()
        .expect("a fresh session resolves");
    assert_eq!((staff.id, staff.username.as_str()), (id, "wangfang"));
    assert_eq!(staff.roles, [Role::Editor, Role::Reviewer]);
    assert!(
        session::resolve(pool, "not-a-token", NOW, &policy)
            .await
            .unwrap()
            .is_none()
    );

    // Idle: unused for idle_secs ends it. Used within, it goes on.
    let idle = session::start(pool, id, "1.2.3.4", NOW, &policy)
        .await
        .unwrap();
    let at_idle = NOW + policy.idle_secs;
    assert!(
        session::resolve(pool, &idle, at_idle, &policy)
            .await
            .unwrap()
            .is_none()
    );

    // Used every 25 minutes, a session still ends at its absolute limit.
    let mut at = NOW;
    while at + 1500 < NOW + policy.absolute_secs {
        at += 1500;
        assert!(
            session::resolve(pool, &token, at, &policy)
                .await
                .unwrap()
                .is_some(),
            "alive at +{}s",
            at - NOW
        );
    }
    let at_limit = NOW + policy.absolute_secs;
    assert!(
        session::resolve(pool, &token, at_limit, &policy)
            .await
            .unwrap()
            .is_none()
    );

    // Signing out ends it at once.
    let other = session::start(pool, id, "1.2.3.4", NOW, &policy)
        .await
        .unwrap();
    session::end(pool, &other).await.unwrap();
    assert!(
        session::resolve(pool, &other, NOW + 1, &policy)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_session_is_marked_as_used_at_most_once_a_minute() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let policy = policy();
    let id = staff_user(pool, "wangfang", &[]).await;
    let last_seen = || async {
        sqlx::query_scalar::<_, i64>("SELECT last_seen_at FROM staff_sessions")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let token = session::start(pool, id, "1.2.3.4", NOW, &policy)
        .await
        .unwrap();

    session::resolve(pool, &token, NOW + 59, &policy)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last_seen().await, NOW);
    session::resolve(pool, &token, NOW + 60, &policy)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last_seen().await, NOW + 60);
}

#[tokio::test]
async fn ending_all_sessions_of_an_account_keeps_the_one_asked_and_others_accounts() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let mine = staff_user(pool, "wangfang", &[]).await;
    let theirs = staff_user(pool, "chenming", &[]).await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(
            session::start(pool, mine, "1.2.3.4", NOW, &policy())
                .await
                .unwrap(),
        );
    }
    let their_token = session::start(pool, theirs, "5.6.7.8", NOW, &policy())
        .await
        .unwrap();
    let alive = |token: String| async move {
        session::resolve(pool, &token, NOW + 1, &policy())
            .await
            .unwrap()
            .is_some()
    };

    session::end_all_for(pool, mine, Some(&tokens[0]))
        .await
        .unwrap();
    assert!(alive(tokens[0].clone()).await);
    assert!(!alive(tokens[1].clone()).await);
    assert!(!alive(tokens[2].clone()).await);
    assert!(alive(their_token.clone()).await);

    session::end_all_for(pool, mine, None).await.unwrap();
    assert!(!alive(tokens[0].clone()).await);
    assert!(alive(their_token).await);
}

#[tokio::test]
async fn expired_sessions_are_purged_and_live_ones_kept() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let policy = policy();
    let id = staff_user(pool, "wangfang", &[]).await;
    session::start(pool, id, "1.2.3.4", NOW, &policy)
        .await
        .unwrap();
    let later = NOW + policy.idle_secs;
    let live = session::start(pool, id, "1.2.3.4", later - 10, &policy)
        .await
        .unwrap();

    assert_eq!(
        session::purge_expired(pool, later, &policy).await.unwrap(),
        1
    );
    assert!(
        session::resolve(pool, &live, later, &policy)
            .await
            .unwrap()
            .is_some()
    );
    // Only the hash of a token is stored.
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM staff_sessions")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_ne!(stored, live);
}

#[tokio::test]
async fn sign_in_claims_wait_after_the_free_failures_and_a_success_forgets_the_account() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let claim = |name: &'static str, at: i64| async move {
        throttle::claim(pool, name, "1.2.3.4", at).await.unwrap()
    };
    for _ in 0..throttle::ACCOUNT.free_failures {
        claim("wangfang", NOW).await.expect("free failures");
    }
    let refused = claim("WangFang ", NOW).await.unwrap_err();
    assert_eq!(refused.verdict, Verdict::Wait(1));
    assert_eq!(refused.key, "account:wangfang@1.2.3.4");
    // A refused attempt leaves no record: waiting out the delay is enough.
    let rows = count(pool, "SELECT COUNT(*) FROM login_failures").await;
    assert_eq!(rows, 2 * i64::from(throttle::ACCOUNT.free_failures));
    let allowed = claim("wangfang", NOW + 1).await.expect("after the wait");
    assert_eq!(
        claim("wangfang", NOW + 1).await.unwrap_err().verdict,
        Verdict::Wait(2)
    );

    // Another name from the same address is judged on its own.
    claim("chenming", NOW + 1).await.expect("another account");

    throttle::succeeded(pool, allowed, "wangfang", "1.2.3.4")
        .await
        .unwrap();
    claim("wangfang", NOW + 1)
        .await
        .expect("failures forgotten");
    let account_rows = count(
        pool,
        "SELECT COUNT(*) FROM login_failures WHERE key LIKE 'account:wangfang@%'",
    )
    .await;
    assert_eq!(account_rows, 1, "only the claim made since");
    let address_rows = count(
        pool,
        "SELECT COUNT(*) FROM login_failures WHERE key LIKE 'address:%'",
    )
    .await;
    assert_eq!(address_rows, 5, "the address keeps its failures");
}

#[tokio::test]
async fn an_account_locked_from_one_address_stays_open_from_another_until_the_window_ends() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let lock = throttle::ACCOUNT.lock_after.unwrap();
    // Spaced a minute apart, no attempt ever has to wait; the failures still add up.
    let mut at = NOW;
    for _ in 0..lock {
        throttle::claim(pool, "wangfang", "1.2.3.4", at)
            .await
            .unwrap()
            .expect("spaced failures are allowed");
        at += 61;
    }
    let last = at - 61;
    let refused = throttle::claim(pool, "wangfang", "1.2.3.4", at)
        .await
        .unwrap();
    assert_eq!(
        refused.unwrap_err().verdict,
        Verdict::Locked(last + throttle::WINDOW_SECS - at)
    );
    throttle::claim(pool, "wangfang", "5.6.7.8", at)
        .await
        .unwrap()
        .expect("the owner at their own desk");

    // Failures older than the window are forgotten.
    let after = last + throttle::WINDOW_SECS;
    throttle::claim(pool, "wangfang", "1.2.3.4", after)
        .await
        .unwrap()
        .expect("the window has passed");
}
