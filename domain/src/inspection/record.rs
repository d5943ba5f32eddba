//! The published record of a draw (open data, `aqxc-draw/1`) and its verification, shared by
//! the server, `server draw verify`, and the browser.
//!
//! At draw time only the [`Commitment`] is public: the task, its rules, the public random
//! values, and the SHA-256 digests of the registry snapshot and of the result. After the
//! inspections the officer reveals the snapshot and the assignments; anyone can then check that
//! they hash to the committed digests and that re-running the draw gives the same result.

use serde::{Deserialize, Serialize};

use super::draw::{self, Assignment, Outcome, Rules, Snapshot, sha256_json};

/// One announced public source of randomness and, once drawn, its values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSource {
    /// What it is and when it becomes known, e.g. a named lottery draw on a stated date.
    pub description: String,
    /// Empty until the draw.
    pub values: Vec<u64>,
}

/// What the site publishes when the draw is made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub format: String,
    pub draw_id: i64,
    pub title: String,
    pub check_items: Vec<String>,
    pub rules: Rules,
    pub sources: Vec<PublicSource>,
    pub snapshot_digest: String,
    pub result_digest: String,
}

impl Commitment {
    pub fn digest(&self) -> String {
        sha256_json(self)
    }

    pub fn source_values(&self) -> Vec<Vec<u64>> {
        self.sources.iter().map(|s| s.values.clone()).collect()
    }
}

/// What the reveal adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revealed {
    pub snapshot: Snapshot,
    pub assignments: Vec<Assignment>,
}

/// The open-data record of a draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    pub commitment: Commitment,
    pub commitment_digest: String,
    pub revealed: Option<Revealed>,
}

/// One check of a verification, in words for the public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub label: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The verdict and the working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub checks: Vec<Check>,
    /// The re-run draw, when it could be run.
    pub outcome: Option<Outcome>,
}

impl Report {
    pub fn all_ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }
}

/// Re-checks a record from its own contents.
pub fn verify(record: &DrawRecord) -> Report {
    let mut checks = Vec::new();
    let commitment = &record.commitment;
    let digest = commitment.digest();
    checks.push(Check {
        label: "承诺内容与公布的承诺摘要一致",
        ok: digest == record.commitment_digest,
        detail: format!("计算得 {digest}，公布的是 {}", record.commitment_digest),
    });
    let Some(revealed) = &record.revealed else {
        checks.push(Check {
            label: "抽取名单尚未公开",
            ok: false,
            detail: "检查结束、名单公开后才能复核抽取过程".into(),
        });
        return Report {
            checks,
            outcome: None,
        };
    };
    let snapshot_digest = revealed.snapshot.digest();
    checks.push(Check {
        label: "公开的名录快照与抽取前承诺的摘要一致",
        ok: snapshot_digest == commitment.snapshot_digest,
        detail: format!(
            "计算得 {snapshot_digest}，承诺的是 {}",
            commitment.snapshot_digest
        ),
    });
    let result_digest = draw::result_digest(&revealed.assignments);
    checks.push(Check {
        label: "公开的名单与抽取时承诺的结果摘要一致",
        ok: result_digest == commitment.result_digest,
        detail: format!(
            "计算得 {result_digest}，承诺的是 {}",
            commitment.result_digest
        ),
    });
    let outcome = match draw::run(
        &revealed.snapshot,
        &commitment.rules,
        &commitment.source_values(),
    ) {
        Ok(outcome) => {
            let same = outcome.assignments == revealed.assignments;
            checks.push(Check {
                label: "按 RFC 3797 重新抽取，结果与公开名单完全相同",
                ok: same,
                detail: if same {
                    format!(
                        "重新抽出 {} 家企业及其检查组，逐一相同",
                        outcome.assignments.len()
                    )
                } else {
                    first_difference(&outcome.assignments, &revealed.assignments)
                },
            });
            Some(outcome)
        }
        Err(error) => {
            checks.push(Check {
                label: "按 RFC 3797 重新抽取",
                ok: false,
                detail: format!("无法按公布的参数重新抽取：{error}"),
            });
            None
        }
    };
    Report { checks, outcome }
}

fn first_difference(rerun: &[Assignment], published: &[Assignment]) -> String {
    for (index, (a, b)) in rerun.iter().zip(published).enumerate() {
        if a != b {
            return format!(
                "第 {} 项不同：重新抽取为 {}（{}），公开的是 {}（{}）",
                index + 1,
                a.uscc,
                a.team.join("、"),
                b.uscc,
                b.team.join("、")
            );
        }
    }
    format!(
        "数量不同：重新抽取 {} 项，公开 {} 项",
        rerun.len(),
        published.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspection::{
        draw::{
            Group, Quota, Stratum,
            tests::{enterprise, inspector, rules},
        },
        registry::RiskTier,
    };

    fn record() -> DrawRecord {
        let snapshot = Snapshot {
            enterprises: (1..=20)
                .map(|n| enterprise(n, "水口镇", RiskTier::General))
                .collect(),
            inspectors: (1..=6)
                .map(|n| inspector(&format!("C{n:03}"), "长沙街道"))
                .collect(),
        }
        .canonical();
        let rules = rules(vec![Stratum {
            name: "一般风险".into(),
            group: Group::All,
            quota: Quota::Percent(20),
        }]);
        let sources = vec![PublicSource {
            description: "示例".into(),
            values: vec![3, 14, 15],
        }];
        let outcome = draw::run(&snapshot, &rules, &[vec![3, 14, 15]]).unwrap();
        let commitment = Commitment {
            format: draw::FORMAT.into(),
            draw_id: 1,
            title: "测试".into(),
            check_items: vec!["KP-YJ-01".into()],
            rules,
            sources,
            snapshot_digest: snapshot.digest(),
            result_digest: outcome.result_digest(),
        };
        DrawRecord {
            commitment_digest: commitment.digest(),
            commitment,
            revealed: Some(Revealed {
                snapshot,
                assignments: outcome.assignments,
            }),
        }
    }

    #[test]
    fn an_honest_record_verifies() {
        let report = verify(&record());
        assert!(report.all_ok(), "{:?}", report.checks);
        assert_eq!(report.outcome.unwrap().assignments.len(), 4);
    }

    #[test]
    fn a_swapped_enterprise_is_caught() {
        let mut record = record();
        let revealed = record.revealed.as_mut().unwrap();
        revealed.assignments[0].uscc = revealed.snapshot.enterprises[19].uscc.clone();
        let report = verify(&record);
        assert!(!report.all_ok());
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.label)
            .collect();
        assert_eq!(failed.len(), 2, "{failed:?}");
    }

    #[test]
    fn an_edited_snapshot_is_caught() {
        let mut record = record();
        record.revealed.as_mut().unwrap().snapshot.enterprises.pop();
        assert!(!verify(&record).checks[1].ok);
    }

    #[test]
    fn a_changed_public_value_is_caught() {
        let mut record = record();
        record.commitment.sources[0].values = vec![3, 14, 16];
        assert!(!verify(&record).checks[0].ok);
    }

    #[test]
    fn the_record_round_trips_through_json() {
        let record = record();
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(serde_json::from_str::<DrawRecord>(&json).unwrap(), record);
    }
}
