//! Times a stratified draw with team assignment, and its verification, over a synthetic
//! registry (default 100,000 enterprises and 500 inspectors), natively. Run by
//! `bench/draw.sh`; on its own:
//!
//! ```sh
//! cargo run --release -p domain --example draw_bench [enterprises] [inspectors] [record.json] [format]
//! ```
//!
//! With a third argument it also writes the draw's open-data record there, for the browser run;
//! the fourth picks the record format (`aqxc-draw/3` by default, `aqxc-draw/2` to compare).

use std::time::Instant;

use domain::{
    date::Date,
    inspections::{
        conflict::{Conflicts, Declared},
        draw::{
            self, Group, Quota, Rules, Snapshot, SnapshotEnterprise, SnapshotInspector, Stratum,
        },
        record::{self, Commitment, DrawRecord, PublicSource, Revealed},
        registry::{RiskTier, TOWNS},
        uscc::Uscc,
    },
};

fn main() {
    let mut args = std::env::args().skip(1);
    let enterprises: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let inspectors: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let record_path = args.next();
    let format = args.next().unwrap_or_else(|| draw::FORMAT.to_owned());
    let snapshot = synthetic(enterprises, inspectors);
    let rules = rules();
    let sources = vec![vec![3, 11, 19, 25, 30, 32, 7], vec![5, 8, 14, 22, 30, 2, 9]];

    let started = Instant::now();
    let declared = Declared::default();
    let outcome = draw::run(&snapshot, &rules, &declared, &sources).expect("the draw runs");
    let draw_ms = started.elapsed().as_secs_f64() * 1000.0;

    let commitment = Commitment {
        format: format.clone(),
        draw_id: 1,
        title: "bench".into(),
        check_items: vec!["KP-YJ-01".into()],
        rules: rules.clone(),
        sources: sources
            .iter()
            .map(|values| PublicSource {
                description: "bench".into(),
                values: values.clone(),
            })
            .collect(),
        snapshot_digest: snapshot.digest_in(&format),
        result_digest: outcome.result_digest(),
    };
    let record = DrawRecord {
        commitment_digest: commitment.digest(),
        commitment,
        revealed: Some(Revealed::new(
            &format,
            snapshot,
            outcome.assignments.clone(),
            vec![],
        )),
    };
    let started = Instant::now();
    let report = record::verify(&record);
    let verify_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(report.all_ok(), "{:?}", report.checks);
    let json = serde_json::to_string(&record).expect("serializes");
    if let Some(path) = record_path {
        std::fs::write(&path, &json).expect("the record is written");
    }

    println!(
        "format={format} enterprises={enterprises} inspectors={inspectors} selected={} picks={} draw_ms={draw_ms:.1} verify_ms={verify_ms:.1} record_bytes={}",
        outcome.assignments.len(),
        outcome.steps.len(),
        json.len()
    );
}

fn synthetic(enterprises: u32, inspectors: u32) -> Snapshot {
    let industries = ["危险化学品", "机械", "轻工", "纺织", "建材"];
    Snapshot {
        enterprises: (0..enterprises)
            .map(|n| {
                let first17 = format!("91440783{n:09}");
                let check = Uscc::check_character_for(&first17).expect("valid characters");
                SnapshotEnterprise {
                    uscc: Uscc::parse(&format!("{first17}{check}")).expect("valid code"),
                    name: format!("企业{n}"),
                    town: TOWNS[(n % 15) as usize].into(),
                    industry: industries[(n % 5) as usize].into(),
                    risk: RiskTier::ALL[[0, 1, 1, 2, 2, 2, 2, 3, 3, 3][(n % 10) as usize]],
                    high_risk_industry: n % 20 == 0,
                    accident_prone: n % 13 == 0,
                    directly_supervised: n % 31 == 0,
                    last_inspected: None,
                    last_penalised: None,
                    last_inspectors: vec![],
                }
            })
            .collect(),
        inspectors: (0..inspectors)
            .map(|n| SnapshotInspector {
                certificate: format!("4407832{n:04}"),
                name: format!("检查员{n}"),
                unit: "开平市应急管理局安全生产执法大队".into(),
                town: TOWNS[(n % 15) as usize].into(),
                active: true,
                conflicts: Conflicts::Sealed(vec![]),
            })
            .collect(),
    }
    .canonical()
}

fn rules() -> Rules {
    let stratum = |name: &str, group, percent| Stratum {
        name: name.into(),
        group,
        quota: Quota::Percent(percent),
    };
    Rules {
        industries: vec![],
        towns: vec![],
        strata: vec![
            stratum("高危行业", Group::HighRiskIndustry, 30),
            stratum("事故多发行业", Group::AccidentProne, 20),
            stratum("直接监管", Group::DirectlySupervised, 20),
            stratum("重大风险", Group::Risk(RiskTier::Major), 10),
            stratum("较大风险", Group::Risk(RiskTier::Significant), 5),
            stratum("一般风险", Group::Risk(RiskTier::General), 2),
            stratum("低风险", Group::Risk(RiskTier::Low), 1),
        ],
        exclude_months: 6,
        reference_date: Date::parse("2026-11-27").expect("a date"),
        team_size: 2,
        avoid_own_town: true,
        avoid_own_unit: true,
        avoid_last_inspectors: true,
    }
}
