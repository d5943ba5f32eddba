//! The rules of the staff's inspection forms, as plain functions: what a new task must say,
//! whether every enterprise it could draw can get a team, the values typed at the draw, and a
//! result. The server functions in [`super::admin`] call them; the tests below reach them
//! without HTTP or a database.

use domain::{
    date::Date,
    inspections::{
        conflict::Declared,
        draw::{self, Rules},
        record::PublicSource,
        rfc3797,
    },
};

use super::{
    CheckItem, DrawStatus, ResultCategory,
    admin::DrawForm,
    store::{Frozen, NewResult, StoredDraw},
};

/// A new task's title, rules and announced sources, checked against the published check-item
/// list; or the first thing to tell the officer.
pub fn check_task(
    form: &DrawForm,
    items: &[CheckItem],
    today: Date,
) -> Result<(String, Rules, Vec<PublicSource>), String> {
    let title = form.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 100 {
        return Err("请填写任务名称（不超过 100 字）".into());
    }
    if form.check_items.is_empty() {
        return Err("请至少选择一项抽查事项（清单外不得检查）".into());
    }
    if let Some(bad) = form
        .check_items
        .iter()
        .find(|code| !items.iter().any(|i| &i.code == *code))
    {
        return Err(format!("抽查事项“{bad}”不在公布的清单中"));
    }
    let sources: Vec<PublicSource> = form
        .sources
        .iter()
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
        .map(|description| PublicSource {
            description: description.chars().take(200).collect(),
            values: Vec::new(),
        })
        .collect();
    if sources.is_empty() {
        return Err(
            "请至少公告一个公开随机数来源（例如某期彩票开奖号码及开奖日期），抽取前须先公告".into(),
        );
    }
    let rules = form.to_rules(today)?;
    Ok((title, rules, sources))
}

/// Refuses a task now, not at draw time, when a quota cannot be met or any enterprise its
/// pools hold could not get a full team.
pub fn check_teams(frozen: &Frozen, rules: &Rules) -> Result<(), String> {
    let snapshot = &frozen.snapshot;
    let declared = Declared::new(snapshot, &frozen.openings);
    let pools = draw::pools(snapshot, rules).map_err(|e| e.to_string())?;
    for pool in &pools {
        for enterprise in &pool.members {
            let eligible = draw::eligible_inspectors(snapshot, rules, &declared, enterprise).len();
            if eligible < rules.team_size as usize {
                return Err(draw::DrawError::NotEnoughInspectors {
                    enterprise: enterprise.name.clone(),
                    team_size: rules.team_size as usize,
                    eligible,
                }
                .to_string());
            }
        }
    }
    Ok(())
}

/// The announced sources with the values the officer typed.
pub fn sources_with_values(
    announced: &[PublicSource],
    values: &[String],
) -> Result<Vec<PublicSource>, String> {
    if values.len() != announced.len() {
        return Err(format!(
            "请为全部 {} 个公告的来源填写开奖号码",
            announced.len()
        ));
    }
    announced
        .iter()
        .zip(values)
        .enumerate()
        .map(|(index, (source, text))| {
            Ok(PublicSource {
                description: source.description.clone(),
                values: rfc3797::parse_source(text, index + 1).map_err(|e| e.to_string())?,
            })
        })
        .collect()
}

/// A result as typed.
pub struct ResultForm<'a> {
    pub uscc: &'a str,
    pub inspected_on: &'a str,
    pub produced_on: &'a str,
    pub category: &'a str,
    pub hazards_found: &'a str,
    pub hazards_rectified: &'a str,
    pub follow_up: &'a str,
}

/// A result form, checked against the draw and today (Beijing time, from `now`).
pub fn check_result<'a>(
    draw: &'a StoredDraw,
    form: &ResultForm<'a>,
    now: i64,
) -> Result<NewResult<'a>, String> {
    if draw.status == DrawStatus::Announced {
        return Err("还没有抽取，不能记录检查结果".into());
    }
    let Some(assignment) = draw
        .assignments
        .iter()
        .flatten()
        .find(|a| a.uscc.as_str() == form.uscc)
    else {
        return Err("这家企业不在本次抽取名单中".into());
    };
    let today = Date::beijing_of_unix(now);
    let date = |text: &str, what: &str| {
        Date::parse(text.trim())
            .map_err(|_| format!("{what}应为日期，如 2026-11-20"))
            .and_then(|d| {
                if d > today {
                    Err(format!("{what}不能晚于今天"))
                } else {
                    Ok(d)
                }
            })
    };
    let inspected_on = date(form.inspected_on, "检查日期")?;
    let produced_on = date(form.produced_on, "结果作出日期")?;
    if produced_on < inspected_on {
        return Err("结果作出日期不能早于检查日期".into());
    }
    let category = ResultCategory::parse(form.category).ok_or("请选择检查结果")?;
    let count = |text: &str, what: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=10_000).contains(n))
            .ok_or(format!("{what}应为 0 以上的整数"))
    };
    let hazards_found = count(form.hazards_found, "发现隐患数")?;
    let hazards_rectified = count(form.hazards_rectified, "已整改隐患数")?;
    if hazards_rectified > hazards_found {
        return Err("已整改隐患数不能多于发现隐患数".into());
    }
    if form.follow_up.chars().count() > 500 {
        return Err("后续处理不超过 500 字".into());
    }
    Ok(NewResult {
        draw_id: draw.id,
        uscc: assignment.uscc.as_str(),
        inspected_on,
        produced_on,
        check_items: &draw.check_items,
        category,
        hazards_found,
        hazards_rectified,
        follow_up: form.follow_up.trim(),
        recorded_by: 0,
    })
}

#[cfg(test)]
mod tests {
    use domain::inspections::{
        conflict::{self, Conflicts},
        draw::{Assignment, Snapshot, SnapshotEnterprise, SnapshotInspector},
        registry::RiskTier,
        uscc::Uscc,
    };

    use super::*;
    use crate::inspections::admin::StratumForm;

    fn code(serial: u32) -> Uscc {
        let first17 = format!("91440783{serial:09}");
        let check = Uscc::check_character_for(&first17).unwrap();
        Uscc::parse(&format!("{first17}{check}")).unwrap()
    }

    fn today() -> Date {
        Date::parse("2026-11-20").unwrap()
    }

    fn items() -> Vec<CheckItem> {
        vec![CheckItem {
            code: "KP-YJ-01".into(),
            name: "应急预案".into(),
            basis: String::new(),
            subject: String::new(),
            method: String::new(),
        }]
    }

    fn form() -> DrawForm {
        DrawForm {
            title: "第四季度抽查".into(),
            check_items: vec!["KP-YJ-01".into()],
            strata: vec![StratumForm {
                name: "全部".into(),
                group: "all".into(),
                quota_kind: "count".into(),
                quota: "1".into(),
            }],
            team_size: "2".into(),
            avoid_own_town: Some("on".into()),
            sources: vec!["双色球第 2026140 期".into(), "  ".into()],
            ..DrawForm::default()
        }
    }

    #[test]
    fn a_sound_task_keeps_only_the_sources_written_and_its_rules() {
        let (title, rules, sources) = check_task(&form(), &items(), today()).unwrap();
        assert_eq!(title, "第四季度抽查");
        assert_eq!(sources.len(), 1, "the blank source is dropped");
        assert!(sources[0].values.is_empty(), "values come only at the draw");
        assert_eq!((rules.team_size, rules.avoid_own_town), (2, true));
        assert_eq!(rules.reference_date, today());
    }

    #[test]
    fn a_task_is_refused_with_the_first_thing_to_fix() {
        type Spoil = fn(&mut DrawForm);
        let cases: [(Spoil, &str); 5] = [
            (|f| f.title = "  ".into(), "请填写任务名称"),
            (|f| f.check_items.clear(), "至少选择一项抽查事项"),
            (
                |f| f.check_items = vec!["KP-XX-99".into()],
                "“KP-XX-99”不在公布的清单中",
            ),
            (
                |f| f.sources = vec![" ".into()],
                "至少公告一个公开随机数来源",
            ),
            (|f| f.team_size = "两人".into(), "每组人数应为整数"),
        ];
        for (spoil, expected) in cases {
            let mut form = form();
            spoil(&mut form);
            let refused = check_task(&form, &items(), today()).unwrap_err();
            assert!(refused.contains(expected), "{refused}");
        }
    }

    fn frozen(inspectors: &[(&str, &str, &[u32])]) -> Frozen {
        let mut openings = Vec::new();
        let mut n = 0u8;
        let mut salt = || {
            n += 1;
            [n; 16]
        };
        let inspectors = inspectors
            .iter()
            .map(|(certificate, town, declared)| {
                let declared: Vec<Uscc> = declared.iter().map(|&s| code(s)).collect();
                let (conflicts, opened) = conflict::seal(certificate, &declared, &mut salt);
                openings.extend(opened);
                SnapshotInspector {
                    certificate: (*certificate).into(),
                    name: format!("检查员{certificate}"),
                    unit: "开平市应急管理局".into(),
                    town: (*town).into(),
                    active: true,
                    conflicts,
                }
            })
            .collect();
        let enterprises = (1..=3)
            .map(|serial| SnapshotEnterprise {
                uscc: code(serial),
                name: format!("企业{serial}"),
                town: "水口镇".into(),
                industry: "机械".into(),
                risk: RiskTier::General,
                high_risk_industry: false,
                accident_prone: false,
                directly_supervised: false,
                last_inspected: None,
                last_penalised: None,
                last_inspectors: vec![],
            })
            .collect();
        Frozen {
            snapshot: Snapshot {
                enterprises,
                inspectors,
            }
            .canonical(),
            openings,
        }
    }

    #[test]
    fn a_task_whose_enterprise_could_not_get_a_team_is_refused_at_announcement() {
        let (_, rules, _) = check_task(&form(), &items(), today()).unwrap();
        let enough = frozen(&[("A001", "月山镇", &[]), ("A002", "赤坎镇", &[])]);
        assert_eq!(check_teams(&enough, &rules), Ok(()));
        // A002 declared a conflict with enterprise 2, and A003 lives in its town: one left.
        let short = frozen(&[
            ("A001", "月山镇", &[]),
            ("A002", "赤坎镇", &[2]),
            ("A003", "水口镇", &[]),
        ]);
        let refused = check_teams(&short, &rules).unwrap_err();
        assert!(
            refused.contains("企业2") && refused.contains("只有 1 名"),
            "{refused}"
        );
        assert!(matches!(
            short.snapshot.inspectors[1].conflicts,
            Conflicts::Sealed(_)
        ));
    }

    #[test]
    fn the_draw_needs_a_value_for_every_announced_source() {
        let announced = vec![
            PublicSource {
                description: "甲".into(),
                values: vec![],
            },
            PublicSource {
                description: "乙".into(),
                values: vec![],
            },
        ];
        let typed = ["3, 11, 19".to_string(), "5".to_string()];
        let sources = sources_with_values(&announced, &typed).unwrap();
        assert_eq!(sources[0].values, vec![3, 11, 19]);
        assert_eq!(sources[1].description, "乙");
        let refused = sources_with_values(&announced, &typed[..1]).unwrap_err();
        assert!(refused.contains("全部 2 个"), "{refused}");
        let refused =
            sources_with_values(&announced, &["3, x".to_string(), "5".to_string()]).unwrap_err();
        assert!(refused.contains("不是非负整数"), "{refused}");
    }

    fn drawn() -> StoredDraw {
        let (title, rules, sources) = check_task(&form(), &items(), today()).unwrap();
        let frozen = frozen(&[("A001", "月山镇", &[]), ("A002", "赤坎镇", &[])]);
        StoredDraw {
            id: 7,
            title,
            format: draw::FORMAT.into(),
            check_items: vec!["KP-YJ-01".into()],
            rules,
            sources,
            status: DrawStatus::Drawn,
            snapshot_digest: frozen.snapshot.digest_in(draw::FORMAT),
            snapshot: frozen.snapshot,
            openings: frozen.openings,
            assignments: Some(vec![Assignment {
                uscc: code(2),
                stratum: "全部".into(),
                team: vec!["A001".into(), "A002".into()],
            }]),
            result_digest: None,
            commitment_digest: None,
            announced_at: 0,
            drawn_at: None,
            revealed_at: None,
            results_published_at: None,
        }
    }

    fn result_form<'a>(uscc: &'a str) -> ResultForm<'a> {
        ResultForm {
            uscc,
            inspected_on: "2026-11-10",
            produced_on: "2026-11-12",
            category: ResultCategory::ALL[0].as_str(),
            hazards_found: "3",
            hazards_rectified: "2",
            follow_up: " 责令限期整改 ",
        }
    }

    #[test]
    fn a_result_is_checked_against_the_draw_and_the_calendar() {
        let draw = drawn();
        let selected = code(2).to_string();
        let now = 1_795_600_000; // 2026-11-24, Beijing time
        let kept = check_result(&draw, &result_form(&selected), now).unwrap();
        assert_eq!((kept.draw_id, kept.hazards_found), (7, 3));
        assert_eq!(kept.follow_up, "责令限期整改");

        let other = code(3).to_string();
        let refused = check_result(&draw, &result_form(&other), now).unwrap_err();
        assert!(refused.contains("不在本次抽取名单中"));
        type Spoil = fn(&mut ResultForm);
        let spoilt: [(Spoil, &str); 4] = [
            (|f| f.inspected_on = "2027-01-01", "检查日期不能晚于今天"),
            (|f| f.produced_on = "2026-11-01", "不能早于检查日期"),
            (|f| f.hazards_rectified = "4", "不能多于发现隐患数"),
            (|f| f.hazards_found = "-1", "发现隐患数应为 0 以上的整数"),
        ];
        for (spoil, expected) in spoilt {
            let mut form = result_form(&selected);
            spoil(&mut form);
            let refused = check_result(&draw, &form, now).unwrap_err();
            assert!(refused.contains(expected), "{refused}");
        }
        let mut announced = drawn();
        announced.status = DrawStatus::Announced;
        assert!(check_result(&announced, &result_form(&selected), now).is_err());
    }
}
