//! The published record of a draw (open data, `aqxc-draw/3`; `/1` and `/2` still verify) and its
//! verification, shared by the server, `server draw verify`, and the browser.
//!
//! At draw time only the [`Commitment`] is public: the task, its rules, the public random
//! values, and the SHA-256 digests of the registry snapshot and of the result. After the
//! inspections the officer reveals the snapshot and the assignments; anyone can then check that
//! they hash to the committed digests and that re-running the draw gives the same result. In
//! `/2` the snapshot seals declared conflicts, and the reveal opens only those that concern a
//! selected enterprise ([`super::conflict`]).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{
    columns::SnapshotColumns,
    conflict::{self, Declared, Opening},
    draw::{self, Assignment, Outcome, Rules, Snapshot, sha256_json},
};

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
    /// `/1` and `/2`: the snapshot, one object per enterprise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
    /// `/3`: the same snapshot in columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_columns: Option<SnapshotColumns>,
    pub assignments: Vec<Assignment>,
    /// The declarations that concern a selected enterprise, opened (`/2`; absent in `/1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub openings: Vec<Opening>,
}

impl Revealed {
    /// What the reveal of a draw announced in `format` publishes.
    pub fn new(
        format: &str,
        snapshot: Snapshot,
        assignments: Vec<Assignment>,
        openings: Vec<Opening>,
    ) -> Revealed {
        let (snapshot, snapshot_columns) = if draw::in_columns(format) {
            (None, Some(SnapshotColumns::new(&snapshot)))
        } else {
            (Some(snapshot), None)
        };
        Revealed {
            snapshot,
            snapshot_columns,
            assignments,
            openings,
        }
    }

    /// The snapshot as the draw saw it, read from whichever form the record carries.
    pub fn snapshot(&self) -> Result<Cow<'_, Snapshot>, String> {
        match (&self.snapshot, &self.snapshot_columns) {
            (Some(snapshot), None) => Ok(Cow::Borrowed(snapshot)),
            (None, Some(columns)) => columns.snapshot().map(Cow::Owned),
            (Some(_), Some(_)) => Err("记录同时含有两种形式的名录快照".into()),
            (None, None) => Err("记录没有名录快照".into()),
        }
    }

    /// SHA-256 of the snapshot in the form published (what the commitment binds).
    fn published_snapshot_digest(&self) -> String {
        match (&self.snapshot, &self.snapshot_columns) {
            (_, Some(columns)) => sha256_json(columns),
            (Some(snapshot), None) => sha256_json(snapshot),
            (None, None) => String::new(),
        }
    }
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
    if !draw::FORMATS.contains(&commitment.format.as_str()) {
        checks.push(Check {
            label: "记录格式可以识别",
            ok: false,
            detail: format!(
                "记录格式为 {}，本程序认识 {}",
                commitment.format,
                draw::FORMATS.join("、")
            ),
        });
    }
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
    let snapshot = match revealed.snapshot() {
        Ok(snapshot) => snapshot,
        Err(problem) => {
            checks.push(Check {
                label: "公开的名录快照可以读取",
                ok: false,
                detail: problem,
            });
            return Report {
                checks,
                outcome: None,
            };
        }
    };
    let snapshot_digest = revealed.published_snapshot_digest();
    checks.push(Check {
        label: "公开的名录快照与抽取前承诺的摘要一致",
        ok: snapshot_digest == commitment.snapshot_digest,
        detail: format!(
            "计算得 {snapshot_digest}，承诺的是 {}",
            commitment.snapshot_digest
        ),
    });
    if !revealed.openings.is_empty() {
        let unmatched = conflict::unmatched(&snapshot, &revealed.openings);
        checks.push(Check {
            label: "公开的回避声明与快照中密封的声明一致",
            ok: unmatched.is_empty(),
            detail: match unmatched.first() {
                None => format!(
                    "公开 {} 条与被抽中企业有关的回避声明，每条都与快照中的摘要相符",
                    revealed.openings.len()
                ),
                Some(first) => format!(
                    "{} 条声明在快照中找不到对应摘要，例如执法证号 {} 对 {}",
                    unmatched.len(),
                    first.certificate,
                    first.uscc
                ),
            },
        });
    }
    let result_digest = draw::result_digest(&revealed.assignments);
    checks.push(Check {
        label: "公开的名单与抽取时承诺的结果摘要一致",
        ok: result_digest == commitment.result_digest,
        detail: format!(
            "计算得 {result_digest}，承诺的是 {}",
            commitment.result_digest
        ),
    });
    let declared = Declared::new(&snapshot, &revealed.openings);
    let outcome = match draw::run(
        &snapshot,
        &commitment.rules,
        &declared,
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
    use crate::inspections::{
        conflict::Conflicts,
        draw::{
            Group, Quota, Stratum,
            tests::{code, enterprise, inspector, rules},
        },
        registry::RiskTier,
        uscc::Uscc,
    };

    /// A record in the current format.
    fn record() -> DrawRecord {
        record_in(draw::FORMAT)
    }

    /// Twenty enterprises, six inspectors; C001 declared a conflict with every enterprise and
    /// C002 with the first five, sealed as from `/2` on.
    fn record_in(format: &str) -> DrawRecord {
        let mut salt = {
            let mut n = 0u8;
            move || {
                n = n.wrapping_add(1);
                [n; 16]
            }
        };
        let mut openings = Vec::new();
        let inspectors = (1..=6)
            .map(|n| {
                let mut inspector = inspector(&format!("C{n:03}"), "长沙街道");
                let declared: Vec<_> = match n {
                    1 => (1..=20).map(code).collect(),
                    2 => (1..=5).map(code).collect(),
                    _ => vec![],
                };
                let (conflicts, opened) =
                    conflict::seal(&inspector.certificate, &declared, &mut salt);
                inspector.conflicts = conflicts;
                openings.extend(opened);
                inspector
            })
            .collect();
        let snapshot = Snapshot {
            enterprises: (1..=20)
                .map(|n| enterprise(n, "水口镇", RiskTier::General))
                .collect(),
            inspectors,
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
        let declared = Declared::new(&snapshot, &openings);
        let outcome = draw::run(&snapshot, &rules, &declared, &[vec![3, 14, 15]]).unwrap();
        let commitment = Commitment {
            format: format.into(),
            draw_id: 1,
            title: "测试".into(),
            check_items: vec!["KP-YJ-01".into()],
            rules,
            sources,
            snapshot_digest: snapshot.digest_in(format),
            result_digest: outcome.result_digest(),
        };
        DrawRecord {
            commitment_digest: commitment.digest(),
            commitment,
            revealed: Some(Revealed::new(
                format,
                snapshot,
                outcome.assignments.clone(),
                conflict::openings_for(&openings, &outcome.assignments),
            )),
        }
    }

    fn failed(report: &Report) -> Vec<&'static str> {
        report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn the_record_opens_only_what_the_selected_enterprises_need() {
        let record = record();
        let revealed = record.revealed.as_ref().unwrap();
        // C001's declaration about each of the four selected enterprises, and C002's about
        // those among the first five; nothing about the sixteen others.
        assert!(revealed.openings.len() >= 4);
        for opening in &revealed.openings {
            assert!(revealed.assignments.iter().any(|a| a.uscc == opening.uscc));
        }
        let json = serde_json::to_string(&record).unwrap();
        assert!(!json.contains("declared_conflicts"));
        for assignment in &revealed.assignments {
            assert!(!assignment.team.contains(&"C001".to_string()));
        }
    }

    #[test]
    fn a_hidden_declaration_that_mattered_is_caught() {
        let mut record = record();
        let revealed = record.revealed.as_mut().unwrap();
        revealed.openings.retain(|o| o.certificate != "C001");
        let report = verify(&record);
        assert_eq!(
            failed(&report),
            vec!["按 RFC 3797 重新抽取，结果与公开名单完全相同"]
        );
    }

    #[test]
    fn a_declaration_made_up_after_the_draw_is_caught() {
        let mut record = record();
        let revealed = record.revealed.as_mut().unwrap();
        let mut forged = revealed.openings[0].clone();
        forged.certificate = "C003".into();
        revealed.openings.push(forged);
        assert_eq!(
            failed(&verify(&record)),
            vec!["公开的回避声明与快照中密封的声明一致"]
        );
    }

    #[test]
    fn a_record_in_columns_repeats_nothing_it_names_once() {
        let record = record();
        let json = serde_json::to_string(&record).unwrap();
        assert!(json.contains(r#""format":"aqxc-draw/3""#));
        assert!(json.contains(r#""snapshot_columns":{"words":["#), "{json}");
        assert!(!json.contains(r#""snapshot":"#));
        assert_eq!(json.matches("水口镇").count(), 1, "{json}");
        let report = verify(&serde_json::from_str(&json).unwrap());
        assert!(report.all_ok(), "{:?}", report.checks);
    }

    #[test]
    fn a_second_format_record_still_verifies() {
        let record = record_in(draw::FORMAT_V2);
        let json = serde_json::to_string(&record).unwrap();
        assert!(json.contains(r#""snapshot":{"enterprises":["#));
        assert!(!json.contains("snapshot_columns"));
        let report = verify(&serde_json::from_str(&json).unwrap());
        assert!(report.all_ok(), "{:?}", report.checks);
    }

    #[test]
    fn unreadable_columns_fail_the_verification_with_the_reason() {
        let mut record = record();
        let columns = record
            .revealed
            .as_mut()
            .unwrap()
            .snapshot_columns
            .as_mut()
            .unwrap();
        columns.enterprises.town.pop();
        let report = verify(&record);
        assert_eq!(failed(&report), vec!["公开的名录快照可以读取"]);
        assert!(report.checks.last().unwrap().detail.contains("town"));
    }

    #[test]
    fn a_first_format_record_still_verifies() {
        let mut record = record_in(draw::FORMAT_V2);
        record.commitment.format = draw::FORMAT_V1.into();
        let revealed = record.revealed.as_mut().unwrap();
        let opened = std::mem::take(&mut revealed.openings);
        let snapshot = revealed.snapshot.as_mut().unwrap();
        for inspector in &mut snapshot.inspectors {
            let plain: Vec<Uscc> = match inspector.certificate.as_str() {
                "C001" => (1..=20).map(code).collect(),
                "C002" => (1..=5).map(code).collect(),
                _ => vec![],
            };
            inspector.conflicts = Conflicts::Plain(plain);
        }
        assert!(!opened.is_empty());
        record.commitment.snapshot_digest = snapshot.digest_in(draw::FORMAT_V1);
        record.commitment_digest = record.commitment.digest();
        let json = serde_json::to_string(&record).unwrap();
        assert!(json.contains(r#""format":"aqxc-draw/1""#));
        assert!(!json.contains("openings"));
        let report = verify(&serde_json::from_str(&json).unwrap());
        assert!(report.all_ok(), "{:?}", report.checks);
    }

    #[test]
    fn an_unknown_format_is_named() {
        let mut record = record();
        record.commitment.format = "aqxc-draw/9".into();
        record.commitment_digest = record.commitment.digest();
        assert_eq!(failed(&verify(&record)), vec!["记录格式可以识别"]);
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
        revealed.assignments[0].uscc = revealed.snapshot().unwrap().enterprises[19].uscc.clone();
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
        let columns = record
            .revealed
            .as_mut()
            .unwrap()
            .snapshot_columns
            .as_mut()
            .unwrap();
        columns.enterprises.name[3].push('甲');
        assert_eq!(
            failed(&verify(&record)),
            vec!["公开的名录快照与抽取前承诺的摘要一致"]
        );

        let mut record = record_in(draw::FORMAT_V2);
        let snapshot = record.revealed.as_mut().unwrap().snapshot.as_mut().unwrap();
        snapshot.enterprises.pop();
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
