//! `app::inspections::store`: the registries, the frozen snapshot, a draw from announcement to
//! published results, the hash-chained log, and the public queries.

use app::foundation::db::Pool;
use app::{
    inspections::{
        CheckItem, DrawStatus, ResultCategory,
        store::{self, NewDraw, NewResult, StoredDraw},
    },
    memo::Memos,
    staff::Role,
};
use domain::{
    date::Date,
    inspections::{
        chain,
        conflict::{self, Conflicts},
        draw::{self, Assignment, Group, Quota, Rules, Stratum},
        record::{self, PublicSource},
        registry::{Enterprise, Inspector, RiskTier},
        uscc::Uscc,
    },
};

use super::{NOW, fresh_db, staff_user};

const LEGAL_REP: &str = "私密法人甲";
const PHONE: &str = "13900001111";

fn code(serial: u32) -> Uscc {
    let first17 = format!("91440783{serial:09}");
    let check = Uscc::check_character_for(&first17).unwrap();
    Uscc::parse(&format!("{first17}{check}")).unwrap()
}

fn enterprise(serial: u32, town: &str) -> Enterprise {
    Enterprise {
        uscc: code(serial),
        name: format!("开平企业{serial}"),
        town: town.into(),
        address: format!("{town}工业路{serial}号"),
        industry: "机械".into(),
        risk: RiskTier::General,
        high_risk_industry: false,
        accident_prone: false,
        directly_supervised: serial == 1,
        legal_representative: LEGAL_REP.into(),
        phone: PHONE.into(),
    }
}

fn inspector(certificate: &str, town: &str, conflicts: &[u32]) -> Inspector {
    Inspector {
        certificate: certificate.into(),
        name: format!("检查员{certificate}"),
        unit: "开平市应急管理局安全生产执法大队".into(),
        field: "安全生产".into(),
        town: town.into(),
        active: true,
        declared_conflicts: conflicts.iter().map(|&n| code(n)).collect(),
    }
}

fn check_item(code: &str) -> CheckItem {
    CheckItem {
        code: code.into(),
        name: format!("检查事项{code}"),
        basis: "《中华人民共和国安全生产法》".into(),
        subject: "生产经营单位".into(),
        method: "现场检查".into(),
    }
}

/// Six enterprises; three inspectors, the third with a declared conflict with enterprise 1.
async fn registries(pool: &Pool) {
    store::replace_check_items(pool, &[check_item("A01")])
        .await
        .unwrap();
    let enterprises: Vec<Enterprise> = (1..=6)
        .map(|n| {
            enterprise(
                n,
                if n % 2 == 0 {
                    "三埠街道"
                } else {
                    "长沙街道"
                },
            )
        })
        .collect();
    store::import_enterprises(pool, &enterprises, NOW)
        .await
        .unwrap();
    let inspectors = [
        inspector("44070001", "长沙街道", &[]),
        inspector("44070002", "三埠街道", &[]),
        inspector("44070003", "月山镇", &[1]),
    ];
    store::import_inspectors(pool, &inspectors, NOW)
        .await
        .unwrap();
}

fn rules(count: u32) -> Rules {
    Rules {
        industries: vec![],
        towns: vec![],
        strata: vec![Stratum {
            name: "全部企业".into(),
            group: Group::All,
            quota: Quota::Count(count),
        }],
        exclude_months: 0,
        reference_date: Date::beijing_of_unix(NOW),
        team_size: 2,
        avoid_own_town: false,
        avoid_own_unit: false,
        avoid_last_inspectors: false,
    }
}

/// Announces a draw of `count` enterprises from the registries as they are now.
async fn announce(pool: &Pool, by: i64, count: u32, at: i64) -> StoredDraw {
    let frozen = store::snapshot(pool).await.unwrap();
    let sources = [PublicSource {
        description: "某期体育彩票开奖号码".into(),
        values: vec![],
    }];
    let new = NewDraw {
        title: "2027年第一批双随机抽查",
        check_items: &["A01".to_string()],
        rules: &rules(count),
        sources: &sources,
        frozen: &frozen,
        created_by: by,
    };
    let id = store::announce(pool, new, at).await.unwrap();
    store::find_draw(pool, id).await.unwrap().unwrap()
}

/// The sources with their values and the draw they give, as the officer's form computes them.
fn run(draw: &StoredDraw) -> (Vec<PublicSource>, Vec<Assignment>) {
    let sources: Vec<PublicSource> = draw
        .sources
        .iter()
        .map(|s| PublicSource {
            description: s.description.clone(),
            values: vec![3, 14, 15, 92, 65],
        })
        .collect();
    let values: Vec<Vec<u64>> = sources.iter().map(|s| s.values.clone()).collect();
    let outcome = draw::run(&draw.snapshot, &draw.rules, &draw.declared(), &values).unwrap();
    (sources, outcome.assignments)
}

/// Announced, drawn and revealed; the draw as stored after.
async fn revealed(pool: &Pool, by: i64, count: u32) -> StoredDraw {
    let announced = announce(pool, by, count, NOW).await;
    let (sources, assignments) = run(&announced);
    assert!(
        store::record_drawn(pool, &announced, &sources, &assignments, NOW + 10)
            .await
            .unwrap()
    );
    let drawn = store::find_draw(pool, announced.id).await.unwrap().unwrap();
    assert!(
        store::record_revealed(pool, &drawn, NOW + 20)
            .await
            .unwrap()
    );
    store::find_draw(pool, announced.id).await.unwrap().unwrap()
}

fn result<'a>(draw_id: i64, uscc: &'a str, category: ResultCategory, by: i64) -> NewResult<'a> {
    NewResult {
        draw_id,
        uscc,
        inspected_on: Date::parse("2027-01-20").unwrap(),
        produced_on: Date::parse("2027-01-21").unwrap(),
        check_items: &[],
        category,
        hazards_found: 3,
        hazards_rectified: 2,
        follow_up: "限期整改",
        recorded_by: by,
    }
}

fn kinds(log: &[chain::ChainEntry]) -> Vec<&str> {
    log.iter().map(|e| e.kind.as_str()).collect()
}

#[tokio::test]
async fn the_check_item_list_is_replaced_whole_and_kept_in_its_order() {
    let db = fresh_db().await;
    let pool = &db.pool;
    store::replace_check_items(pool, &[check_item("B02"), check_item("A01")])
        .await
        .unwrap();
    let codes = |items: Vec<CheckItem>| items.into_iter().map(|i| i.code).collect::<Vec<_>>();
    assert_eq!(
        codes(store::check_items(pool).await.unwrap()),
        ["B02", "A01"]
    );
    store::replace_check_items(pool, &[check_item("C03")])
        .await
        .unwrap();
    let items = store::check_items(pool).await.unwrap();
    assert_eq!(items, [check_item("C03")]);
}

#[tokio::test]
async fn imports_count_new_and_changed_rows_and_keep_the_latest_values() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let first: Vec<Enterprise> = (1..=3).map(|n| enterprise(n, "长沙街道")).collect();
    let count = store::import_enterprises(pool, &first, NOW).await.unwrap();
    assert_eq!((count.inserted, count.updated), (3, 0));
    let mut changed = enterprise(2, "水口镇");
    changed.phone = "13700002222".into();
    changed.risk = RiskTier::Major;
    let second = [
        enterprise(4, "长沙街道"),
        changed.clone(),
        enterprise(3, "长沙街道"),
    ];
    let count = store::import_enterprises(pool, &second, NOW + 1)
        .await
        .unwrap();
    assert_eq!((count.inserted, count.updated), (1, 2));
    let all = store::all_enterprises(pool).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.uscc.clone()).collect::<Vec<_>>(),
        (1..=4).map(code).collect::<Vec<_>>()
    );
    assert_eq!(
        all[1], changed,
        "private fields are kept for the staff export"
    );

    let inspectors = [
        inspector("44070002", "长沙街道", &[1, 3]),
        inspector("44070001", "三埠街道", &[]),
    ];
    let count = store::import_inspectors(pool, &inspectors, NOW)
        .await
        .unwrap();
    assert_eq!((count.inserted, count.updated), (2, 0));
    let mut retired = inspector("44070002", "长沙街道", &[2]);
    retired.active = false;
    let count = store::import_inspectors(pool, &[retired.clone()], NOW + 1)
        .await
        .unwrap();
    assert_eq!((count.inserted, count.updated), (0, 1));
    let all = store::all_inspectors(pool).await.unwrap();
    assert_eq!(all, [inspectors[1].clone(), retired]);

    assert_eq!(store::registry_counts(pool).await.unwrap(), (4, 2, 1));
}

#[tokio::test]
async fn the_snapshot_holds_public_fields_only_and_seals_each_declared_conflict() {
    let db = fresh_db().await;
    let pool = &db.pool;
    registries(pool).await;
    // Imported in another order than the codes' own.
    store::import_enterprises(
        pool,
        &[enterprise(9, "赤坎镇"), enterprise(7, "赤坎镇")],
        NOW,
    )
    .await
    .unwrap();
    store::import_inspectors(pool, &[inspector("44070000", "赤坎镇", &[7, 9])], NOW)
        .await
        .unwrap();

    let frozen = store::snapshot(pool).await.unwrap();
    let snapshot = &frozen.snapshot;
    assert_eq!(
        snapshot,
        &snapshot.clone().canonical(),
        "in canonical order"
    );
    assert_eq!(snapshot.enterprises.len(), 8);
    assert_eq!(snapshot.inspectors.len(), 4);
    let json = serde_json::to_string(snapshot).unwrap();
    assert!(!json.contains(LEGAL_REP) && !json.contains(PHONE), "{json}");
    let first = &snapshot.enterprises[0];
    assert_eq!(
        (first.uscc.clone(), first.name.as_str()),
        (code(1), "开平企业1")
    );
    assert!(first.directly_supervised);
    assert_eq!((first.last_inspected, first.last_penalised), (None, None));

    // Each declaration is a digest in the snapshot, and its opening is kept aside.
    let sealed = &snapshot.inspectors[0];
    assert_eq!(sealed.certificate, "44070000");
    let Conflicts::Sealed(digests) = &sealed.conflicts else {
        panic!("declarations in the clear: {:?}", sealed.conflicts)
    };
    assert_eq!(digests.len(), 2);
    let inspector_json = serde_json::to_string(sealed).unwrap();
    assert!(
        !inspector_json.contains(code(7).as_str()),
        "{inspector_json}"
    );
    assert!(snapshot.inspectors[1].conflicts.is_empty());
    assert_eq!(frozen.openings.len(), 3);
    let mut sorted = frozen.openings.clone();
    sorted.sort();
    assert_eq!(frozen.openings, sorted);
    assert!(conflict::unmatched(snapshot, &frozen.openings).is_empty());
    let declared = conflict::Declared::new(snapshot, &frozen.openings);
    assert!(declared.contains("44070000", &code(9)));
    assert!(declared.contains("44070003", &code(1)));
    assert!(!declared.contains("44070001", &code(1)));

    // Fresh salt every time: the same registries never give the same digests twice.
    let again = store::snapshot(pool).await.unwrap();
    assert_ne!(
        again.snapshot.digest_in(draw::FORMAT),
        snapshot.digest_in(draw::FORMAT)
    );
}

#[tokio::test]
async fn a_draw_is_drawn_once_revealed_once_and_its_record_verifies() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let officer = staff_user(pool, "officer", &[Role::InspectorAdmin]).await;
    registries(pool).await;

    let announced = announce(pool, officer, 3, NOW).await;
    assert_eq!(announced.status, DrawStatus::Announced);
    assert_eq!(announced.format, draw::FORMAT);
    assert_eq!(
        announced.snapshot_digest,
        announced.snapshot.digest_in(draw::FORMAT)
    );
    assert_eq!(announced.openings.len(), 1);
    assert_eq!(
        (announced.assignments.clone(), announced.commitment()),
        (None, None)
    );
    let too_soon = store::record_revealed(pool, &announced, NOW + 1)
        .await
        .unwrap();
    assert!(!too_soon, "not drawn yet");
    let listed = store::list_draws(pool).await.unwrap();
    assert_eq!((listed.len(), listed[0].selected), (1, None));

    let (sources, assignments) = run(&announced);
    assert_eq!(assignments.len(), 3);
    assert!(
        store::record_drawn(pool, &announced, &sources, &assignments, NOW + 10)
            .await
            .unwrap()
    );
    // A second draw, even from other values, changes nothing.
    let mut other = sources.clone();
    other[0].values = vec![1, 2, 3];
    assert!(
        !store::record_drawn(pool, &announced, &other, &[], NOW + 11)
            .await
            .unwrap()
    );

    let drawn = store::find_draw(pool, announced.id).await.unwrap().unwrap();
    assert_eq!(drawn.status, DrawStatus::Drawn);
    assert_eq!((drawn.drawn_at, drawn.revealed_at), (Some(NOW + 10), None));
    assert_eq!(drawn.sources, sources);
    assert_eq!(drawn.assignments.as_deref(), Some(&assignments[..]));
    assert_eq!(drawn.result_digest, Some(draw::result_digest(&assignments)));
    assert_eq!(
        drawn.commitment_digest,
        drawn.commitment().map(|c| c.digest())
    );
    assert!(
        drawn.record().unwrap().revealed.is_none(),
        "nothing revealed before the reveal"
    );
    assert_eq!(store::list_draws(pool).await.unwrap()[0].selected, Some(3));

    assert!(
        store::record_revealed(pool, &drawn, NOW + 20)
            .await
            .unwrap()
    );
    assert!(
        !store::record_revealed(pool, &drawn, NOW + 21)
            .await
            .unwrap()
    );
    let revealed = store::find_draw(pool, announced.id).await.unwrap().unwrap();
    assert_eq!(
        (revealed.status, revealed.revealed_at),
        (DrawStatus::Revealed, Some(NOW + 20))
    );
    let report = record::verify(&revealed.record().unwrap());
    assert!(report.all_ok(), "{:?}", report.checks);

    let log = store::log(pool).await.unwrap();
    assert_eq!(kinds(&log), ["announced", "drawn", "revealed"]);
    assert!(log.iter().all(|e| e.draw_id == announced.id));
    assert_eq!(chain::verify_chain(&log), Ok(()));
}

#[tokio::test]
async fn results_are_public_only_once_published_for_a_revealed_draw() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let officer = staff_user(pool, "officer", &[Role::InspectorAdmin]).await;
    registries(pool).await;
    let draw = revealed(pool, officer, 2).await;
    let selected: Vec<String> = draw
        .assignments
        .clone()
        .unwrap()
        .iter()
        .map(|a| a.uscc.to_string())
        .collect();

    store::save_result(
        pool,
        result(draw.id, &selected[0], ResultCategory::Corrected, officer),
        NOW + 30,
    )
    .await
    .unwrap();
    // Saving again corrects the same result.
    let corrected = NewResult {
        hazards_found: 4,
        hazards_rectified: 4,
        ..result(draw.id, &selected[0], ResultCategory::NoProblem, officer)
    };
    store::save_result(pool, corrected, NOW + 31).await.unwrap();
    let recorded = store::draw_results(pool, draw.id).await.unwrap();
    assert_eq!(recorded.len(), 1);
    let (staff_view, produced_on) = &recorded[0];
    assert_eq!(
        (staff_view.category, staff_view.hazards_found),
        (ResultCategory::NoProblem, 4)
    );
    assert_eq!(produced_on, "2027-01-21");
    let snapshot_name = draw
        .snapshot
        .enterprises
        .iter()
        .find(|e| e.uscc.as_str() == selected[0])
        .map(|e| e.name.clone());
    assert_eq!(Some(staff_view.enterprise.clone()), snapshot_name);
    assert!(
        store::published_results(pool).await.unwrap().is_empty(),
        "not published yet"
    );
    assert_eq!(store::statistics(pool).await.unwrap().results, 0);

    // A draw not yet revealed has nothing to publish.
    let pending = announce(pool, officer, 2, NOW + 40).await;
    assert_eq!(
        store::record_results_published(pool, pending.id, NOW + 41)
            .await
            .unwrap(),
        None
    );

    assert_eq!(
        store::record_results_published(pool, draw.id, NOW + 50)
            .await
            .unwrap(),
        Some(1)
    );
    let public = store::published_results(pool).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(
        (public[0].uscc.as_str(), public[0].draw_id),
        (selected[0].as_str(), draw.id)
    );
    assert_eq!(public[0].follow_up, "限期整改");
    let stats = store::statistics(pool).await.unwrap();
    assert_eq!(
        (stats.results, stats.hazards_found, stats.hazards_rectified),
        (1, 4, 4)
    );
    let key = store::draw_key(pool, draw.id).await.unwrap().unwrap();
    assert_eq!(key, (draw.id, "revealed".to_string(), Some(NOW + 50)));

    let log = store::log(pool).await.unwrap();
    assert_eq!(
        kinds(&log),
        [
            "announced",
            "drawn",
            "revealed",
            "announced",
            "results_published"
        ]
    );
    assert_eq!(chain::verify_chain(&log), Ok(()));
}

#[tokio::test]
async fn the_snapshot_remembers_each_enterprise_s_last_inspection_team_and_case() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let officer = staff_user(pool, "officer", &[Role::InspectorAdmin]).await;
    registries(pool).await;
    let draw = revealed(pool, officer, 2).await;
    let assignments = draw.assignments.clone().unwrap();
    let (case, checked) = (&assignments[0], &assignments[1]);
    for (a, category) in [
        (case, ResultCategory::CaseFiled),
        (checked, ResultCategory::NoProblem),
    ] {
        store::save_result(
            pool,
            result(draw.id, a.uscc.as_str(), category, officer),
            NOW + 30,
        )
        .await
        .unwrap();
    }

    let snapshot = store::snapshot(pool).await.unwrap().snapshot;
    let find = |uscc: &Uscc| {
        snapshot
            .enterprises
            .iter()
            .find(|e| &e.uscc == uscc)
            .unwrap()
    };
    let inspected = Date::parse("2027-01-20").unwrap();
    let mut team = case.team.clone();
    team.sort();
    let filed = find(&case.uscc);
    assert_eq!(
        (filed.last_inspected, filed.last_penalised),
        (Some(inspected), Some(inspected))
    );
    assert_eq!(filed.last_inspectors, team);
    let fine = find(&checked.uscc);
    assert_eq!(
        (fine.last_inspected, fine.last_penalised),
        (Some(inspected), None)
    );
    let untouched = snapshot
        .enterprises
        .iter()
        .filter(|e| e.last_inspected.is_none() && e.last_inspectors.is_empty())
        .count();
    assert_eq!(untouched, 4);
}

#[tokio::test]
async fn public_queries_never_carry_the_private_columns() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let officer = staff_user(pool, "officer", &[Role::InspectorAdmin]).await;
    registries(pool).await;
    let draw = revealed(pool, officer, 6).await;
    let uscc = code(1).to_string();
    store::save_result(
        pool,
        result(draw.id, &uscc, ResultCategory::CaseFiled, officer),
        NOW + 30,
    )
    .await
    .unwrap();
    store::record_results_published(pool, draw.id, NOW + 40)
        .await
        .unwrap();

    let by_name = store::search_enterprises(pool, "企业1").await.unwrap();
    assert_eq!(
        by_name.iter().map(|h| h.uscc.as_str()).collect::<Vec<_>>(),
        [uscc.as_str()]
    );
    assert_eq!(by_name[0].results.len(), 1);
    let by_code = store::search_enterprises(pool, &uscc.to_lowercase())
        .await
        .unwrap();
    assert_eq!(by_code, by_name);
    let all = store::search_enterprises(pool, "开平企业").await.unwrap();
    assert_eq!(all.len(), 6);
    let memos = Memos::default();
    let detail = store::public_detail(pool, &memos, draw.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.selected.as_ref().map(Vec::len), Some(6));
    assert_eq!(detail.check_items, [check_item("A01")]);
    let stored: Vec<String> = sqlx::query_scalar("SELECT snapshot FROM draws")
        .fetch_all(pool)
        .await
        .unwrap();

    let public = [
        serde_json::to_string(&all).unwrap(),
        serde_json::to_string(&detail).unwrap(),
        serde_json::to_string(&store::published_results(pool).await.unwrap()).unwrap(),
        serde_json::to_string(&store::statistics(pool).await.unwrap()).unwrap(),
        serde_json::to_string(&store::log(pool).await.unwrap()).unwrap(),
        serde_json::to_string(&draw.record().unwrap()).unwrap(),
        stored.concat(),
    ];
    for (n, text) in public.iter().enumerate() {
        assert!(
            !text.contains(LEGAL_REP) && !text.contains(PHONE),
            "#{n}: {text}"
        );
    }
}

#[tokio::test]
async fn the_draw_log_is_one_chain_across_draws_and_append_only() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let officer = staff_user(pool, "officer", &[Role::InspectorAdmin]).await;
    registries(pool).await;
    let first = announce(pool, officer, 1, NOW).await;
    let second = announce(pool, officer, 1, NOW + 5).await;
    let (sources, assignments) = run(&second);
    store::record_drawn(pool, &second, &sources, &assignments, NOW + 10)
        .await
        .unwrap();
    let (sources, assignments) = run(&first);
    store::record_drawn(pool, &first, &sources, &assignments, NOW + 15)
        .await
        .unwrap();

    let listed: Vec<i64> = store::list_draws(pool)
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(listed, [second.id, first.id], "newest first");
    let log = store::log(pool).await.unwrap();
    let events: Vec<(i64, i64, &str)> = log
        .iter()
        .map(|e| (e.seq, e.draw_id, e.kind.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            (1, first.id, "announced"),
            (2, second.id, "announced"),
            (3, second.id, "drawn"),
            (4, first.id, "drawn"),
        ]
    );
    assert_eq!(log[0].prev_hash, chain::GENESIS);
    assert_eq!(chain::verify_chain(&log), Ok(()));

    for sql in [
        "UPDATE draw_log SET payload = '{}' WHERE seq = 2",
        "DELETE FROM draw_log WHERE seq = 4",
    ] {
        assert!(
            sqlx::query(sql).execute(pool).await.is_err(),
            "{sql} was allowed"
        );
    }
    assert_eq!(store::log(pool).await.unwrap(), log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn draw_events_racing_on_every_connection_append_one_unbroken_chain() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let officer = staff_user(pool, "officer", &[Role::InspectorAdmin]).await;
    registries(pool).await;
    let mut expected = 0;
    for round in 0..6 {
        // Four announcements at once (the pool has four connections), then their draws.
        let at = NOW + round * 100;
        let (a, b, c, d) = tokio::join!(
            announce(pool, officer, 1, at),
            announce(pool, officer, 1, at + 1),
            announce(pool, officer, 1, at + 2),
            announce(pool, officer, 1, at + 3),
        );
        let drawn = [&a, &b, &c, &d].map(|draw| {
            let (sources, assignments) = run(draw);
            let (pool, draw) = (pool.clone(), draw.clone());
            tokio::spawn(async move {
                store::record_drawn(&pool, &draw, &sources, &assignments, at + 50)
                    .await
                    .unwrap()
            })
        });
        for recorded in drawn {
            assert!(recorded.await.unwrap(), "round {round}");
        }
        expected += 8;
        let log = store::log(pool).await.unwrap();
        let seqs: Vec<i64> = log.iter().map(|entry| entry.seq).collect();
        assert_eq!(seqs, (1..=expected).collect::<Vec<_>>(), "round {round}");
        assert_eq!(chain::verify_chain(&log), Ok(()), "round {round}");
    }
}

#[tokio::test]
async fn enterprise_search_is_answered_by_indexes_on_every_backend_not_a_scan_of_the_registry() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let enterprises: Vec<Enterprise> = (1..=300).map(|n| enterprise(n, "水口镇")).collect();
    store::import_enterprises(pool, &enterprises, NOW)
        .await
        .unwrap();
    if crate::database::on_postgres() {
        sqlx::query("ANALYZE enterprises")
            .execute(pool)
            .await
            .unwrap();
    }
    let found = store::search_enterprises(pool, "企业123").await.unwrap();
    assert_eq!(found.len(), 1, "企业123 and not 企业1230…: there are 300");
    for query in ["企业123", "91440783000000"] {
        let plan = store::explain_search(pool, query).await.unwrap().join("\n");
        if crate::database::on_postgres() {
            assert!(
                plan.contains("enterprises_name_trgm") && plan.contains("enterprises_uscc_bytes"),
                "{query}: {plan}"
            );
            assert!(!plan.contains("Seq Scan on enterprises"), "{query}: {plan}");
        } else {
            assert!(
                plan.contains("enterprises_fts VIRTUAL TABLE INDEX"),
                "{query}: {plan}"
            );
            assert!(
                !plan.contains("SCAN enterprises\n") && !plan.ends_with("SCAN enterprises"),
                "{query}: {plan}"
            );
        }
    }
}
