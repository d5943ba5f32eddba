//! `app::foundation::audit`: `record` appends, `page` reads newest first.

use app::{
    foundation::audit::{self, Action, Actor, Event},
    staff::{Role, Staff},
};

use super::{NOW, fresh_db, staff_user};

fn event<'a>(actor: Actor<'a>, action: Action, target: &'a str) -> Event<'a> {
    Event {
        actor,
        action,
        target,
        detail: "",
        client_ip: "1.2.3.4",
    }
}

#[tokio::test]
async fn entries_come_back_newest_first_with_who_did_what_from_where() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let id = staff_user(pool, "wangfang", &[Role::Admin]).await;
    let staff = Staff {
        id,
        username: "wangfang".into(),
        display_name: "王芳".into(),
        roles: vec![Role::Admin],
    };
    let created = Event {
        detail: "角色：文章编辑",
        client_ip: "2001:db8::1",
        ..event(Actor::Staff(&staff), Action::AccountCreated, "chenming")
    };
    audit::record(pool, created, NOW).await.unwrap();
    let reset = event(Actor::CommandLine, Action::PasswordReset, "wangfang");
    audit::record(pool, reset, NOW + 1).await.unwrap();
    let failed = event(Actor::Anonymous("lisi"), Action::SignInFailed, "");
    audit::record(pool, failed, NOW + 2).await.unwrap();

    let entries = audit::page(pool, None, audit::PAGE_SIZE).await.unwrap();
    let seen: Vec<(i64, &str, &str, &str)> = entries
        .iter()
        .map(|e| (e.at, e.actor.as_str(), e.action.as_str(), e.target.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (NOW + 2, "（未登录）lisi", "sign_in_failed", ""),
            (NOW + 1, "（命令行）", "password_reset", "wangfang"),
            (NOW, "wangfang", "account_created", "chenming"),
        ]
    );
    let oldest = &entries[2];
    assert_eq!(oldest.detail, "角色：文章编辑");
    assert_eq!(oldest.client_ip, "2001:db8::1");
    // A staff member is kept by id as well as by name; the others have no account.
    let actor_ids: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT actor_id FROM audit_log ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(actor_ids, [Some(id), None, None]);
}

#[tokio::test]
async fn before_pages_through_older_entries_without_gaps_or_overlaps() {
    let db = fresh_db().await;
    let pool = &db.pool;
    // All in the same second: the order of recording decides.
    let targets = ["1", "2", "3", "4", "5", "6", "7"];
    for target in targets {
        let entry = event(Actor::CommandLine, Action::AccountCreated, target);
        audit::record(pool, entry, NOW).await.unwrap();
    }

    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let page = audit::page(pool, before, 3).await.unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        pages.push(page.iter().map(|e| e.target.clone()).collect::<Vec<_>>());
    }
    assert_eq!(pages, [vec!["7", "6", "5"], vec!["4", "3", "2"], vec!["1"]]);
    assert!(audit::page(pool, Some(1), 3).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_log_refuses_to_change_or_lose_an_entry() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let entry = event(Actor::Anonymous("lisi"), Action::SignInFailed, "");
    audit::record(pool, entry, NOW).await.unwrap();

    for sql in [
        "UPDATE audit_log SET actor_name = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let refused = sqlx::query(sql).execute(pool).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    let entries = audit::page(pool, None, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "（未登录）lisi");
}

#[tokio::test]
async fn a_megabyte_of_target_or_detail_is_stored_cut_short_and_marked() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let huge_name = "名".repeat(300_000);
    let huge_target = "目".repeat(300_000);
    let huge_detail = "详".repeat(300_000);
    let entry = Event {
        detail: &huge_detail,
        ..event(
            Actor::Anonymous(&huge_name),
            Action::SignInFailed,
            &huge_target,
        )
    };
    audit::record(pool, entry, NOW).await.unwrap();

    let entries = audit::page(pool, None, 10).await.unwrap();
    let stored = &entries[0];
    assert_eq!(stored.actor.chars().count(), audit::MAX_ACTOR_CHARS);
    assert_eq!(stored.target.chars().count(), audit::MAX_TARGET_CHARS);
    assert_eq!(stored.detail.chars().count(), audit::MAX_DETAIL_CHARS);
    assert!(stored.actor.starts_with("（未登录）名名"));
    assert!(stored.target.ends_with("目…"));
    assert!(stored.detail.ends_with("详…"));
}

#[tokio::test]
async fn repeats_of_one_key_within_the_window_are_one_entry_with_its_count() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let window = 900;
    let throttled = || event(Actor::Anonymous("lisi"), Action::SignInThrottled, "lisi");
    for second in 0..30 {
        audit::record_repeated(
            pool,
            throttled(),
            "account:lisi@1.2.3.4",
            window,
            NOW + second,
        )
        .await
        .unwrap();
    }
    // Another key is its own entry; the same key after its window starts a new one.
    audit::record_repeated(pool, throttled(), "address:1.2.3.4", window, NOW + 30)
        .await
        .unwrap();
    audit::record_repeated(
        pool,
        throttled(),
        "account:lisi@1.2.3.4",
        window,
        NOW + window,
    )
    .await
    .unwrap();

    let entries = audit::page(pool, None, 10).await.unwrap();
    let repeats: Vec<Option<i64>> = entries.iter().map(|e| e.repeats).collect();
    assert_eq!(repeats, [Some(1), Some(1), Some(30)]);
    assert_eq!(entries[2].at, NOW, "the entry is the first of its burst");
}
