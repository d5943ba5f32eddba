//! Properties of the draw over random registries and public values.

use std::collections::HashSet;

use domain::{
    date::Date,
    inspections::{
        conflict::{self, Conflicts, Declared},
        draw::{
            self, Group, Quota, Rules, Snapshot, SnapshotEnterprise, SnapshotInspector, Stratum,
        },
        registry::{RiskTier, TOWNS},
        uscc::Uscc,
    },
};
use proptest::prelude::*;

fn code(serial: u32) -> Uscc {
    let first17 = format!("91440783{serial:09}");
    let check = Uscc::check_character_for(&first17).unwrap();
    Uscc::parse(&format!("{first17}{check}")).unwrap()
}

fn registry() -> impl Strategy<Value = Snapshot> {
    let enterprise = (
        0..4usize,
        0..4usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    let inspector = (
        0..4usize,
        any::<bool>(),
        proptest::collection::vec(0u32..60, 0..3),
    );
    (
        proptest::collection::vec(enterprise, 1..60),
        proptest::collection::vec(inspector, 2..12),
    )
        .prop_map(|(enterprises, inspectors)| {
            Snapshot {
                enterprises: enterprises
                    .into_iter()
                    .enumerate()
                    .map(
                        |(n, (town, tier, high, prone, direct))| SnapshotEnterprise {
                            uscc: code(n as u32),
                            name: format!("企业{n}"),
                            town: TOWNS[town].into(),
                            industry: "机械".into(),
                            risk: RiskTier::ALL[tier],
                            high_risk_industry: high,
                            accident_prone: prone,
                            directly_supervised: direct,
                            last_inspected: None,
                            last_penalised: None,
                            last_inspectors: if n % 5 == 0 {
                                vec!["P0001".into()]
                            } else {
                                vec![]
                            },
                        },
                    )
                    .collect(),
                inspectors: inspectors
                    .into_iter()
                    .enumerate()
                    .map(|(n, (town, active, conflicts))| SnapshotInspector {
                        certificate: format!("P{n:04}"),
                        name: format!("检查员{n}"),
                        unit: format!("{}应急管理办公室", TOWNS[town]),
                        town: TOWNS[town].into(),
                        active: active || n < 6,
                        conflicts: Conflicts::Plain(conflicts.into_iter().map(code).collect()),
                    })
                    .collect(),
            }
            .canonical()
        })
}

fn rules(percent: u32) -> Rules {
    let stratum = |name: &str, group| Stratum {
        name: name.into(),
        group,
        quota: Quota::Percent(percent),
    };
    Rules {
        industries: vec![],
        towns: vec![],
        strata: vec![
            stratum("高危行业", Group::HighRiskIndustry),
            stratum("直接监管", Group::DirectlySupervised),
            stratum("重大风险", Group::Risk(RiskTier::Major)),
            stratum("其余", Group::All),
        ],
        exclude_months: 0,
        reference_date: Date::parse("2026-11-01").unwrap(),
        team_size: 2,
        avoid_own_town: true,
        avoid_own_unit: true,
        avoid_last_inspectors: true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn draws_are_sound(snapshot in registry(), percent in 1u32..=100, values in proptest::collection::vec(0u64..100, 1..7)) {
        let rules = rules(percent);
        let sources = vec![values.clone(), vec![2026]];
        let declared = Declared::new(&snapshot, &[]);
        let Ok(outcome) = draw::run(&snapshot, &rules, &declared, &sources) else {
            // Too few inspectors for some enterprise: refused, never half-drawn.
            return Ok(());
        };
        let pools = draw::pools(&snapshot, &rules).unwrap();

        // Never the same enterprise twice.
        let distinct: HashSet<_> = outcome.assignments.iter().map(|a| &a.uscc).collect();
        prop_assert_eq!(distinct.len(), outcome.assignments.len());

        for assignment in &outcome.assignments {
            // Never outside its stratum.
            let pool = pools.iter().find(|p| p.stratum.name == assignment.stratum).unwrap();
            prop_assert!(pool.members.iter().any(|e| e.uscc == assignment.uscc));

            // Distinct inspectors, none in conflict.
            let enterprise = snapshot.enterprises.iter().find(|e| e.uscc == assignment.uscc).unwrap();
            let members: HashSet<_> = assignment.team.iter().collect();
            prop_assert_eq!(members.len(), assignment.team.len());
            prop_assert_eq!(assignment.team.len(), 2);
            for certificate in &assignment.team {
                let inspector = snapshot.inspectors.iter().find(|i| &i.certificate == certificate).unwrap();
                prop_assert!(inspector.active);
                prop_assert!(inspector.town != enterprise.town);
                prop_assert!(!inspector.unit.starts_with(&enterprise.town));
                let Conflicts::Plain(list) = &inspector.conflicts else { unreachable!() };
                prop_assert!(!list.contains(&enterprise.uscc));
                prop_assert!(!enterprise.last_inspectors.contains(certificate));
            }
        }

        // Quotas are met exactly.
        let total: usize = pools.iter().map(|p| p.quota).sum();
        prop_assert_eq!(outcome.assignments.len(), total);

        // The same inputs always give the same draw, also after a trip through JSON (what the
        // browser receives).
        let again = draw::run(&snapshot, &rules, &declared, &sources).unwrap();
        prop_assert_eq!(&again, &outcome);
        let shipped: Snapshot = serde_json::from_str(&serde_json::to_string(&snapshot).unwrap()).unwrap();
        let shipped_rules: Rules = serde_json::from_str(&serde_json::to_string(&rules).unwrap()).unwrap();
        prop_assert_eq!(&draw::run(&shipped, &shipped_rules, &Declared::new(&shipped, &[]), &sources).unwrap(), &outcome);

        // Sealing the declarations (format 2) changes no pick, and the record's openings (only
        // those about selected enterprises) are all a re-run needs.
        let mut sealed = snapshot.clone();
        let mut openings = Vec::new();
        let mut n = 0u8;
        let mut salt = || { n = n.wrapping_add(1); [n; 16] };
        for inspector in &mut sealed.inspectors {
            let Conflicts::Plain(list) = &inspector.conflicts else { unreachable!() };
            let (conflicts, opened) = conflict::seal(&inspector.certificate, list, &mut salt);
            inspector.conflicts = conflicts;
            openings.extend(opened);
        }
        let all = Declared::new(&sealed, &openings);
        prop_assert_eq!(&draw::run(&sealed, &rules, &all, &sources).unwrap(), &outcome);
        let published = conflict::openings_for(&openings, &outcome.assignments);
        let from_record = Declared::new(&sealed, &published);
        prop_assert_eq!(draw::run(&sealed, &rules, &from_record, &sources).unwrap(), outcome);
    }
}
