//! A stratified random draw with inspector teams, reproducible by anyone from published inputs.
//!
//! The rule, published with every draw:
//! 1. **Snapshot.** At announcement the registries are frozen into a [`Snapshot`]: enterprises
//!    sorted by 统一社会信用代码, inspectors by 执法证号 (byte order), public fields only. Its
//!    SHA-256 is published at once; the snapshot itself only at the reveal.
//! 2. **Scope and exclusions.** Enterprises outside the task's industries or towns (when listed)
//!    are left out, and so is any enterprise inspected or penalised on or after the day
//!    `exclude_months` months before the reference date.
//! 3. **Strata.** Each remaining enterprise belongs to the first stratum, in declared order, whose
//!    group it is in. A stratum's pool keeps snapshot order. A quota is a count, or a percentage
//!    rounded up.
//! 4. **Selection.** One RFC 3797 key from the public values; one counter runs through all
//!    picks: first every stratum in declared order, then the teams.
//! 5. **Teams.** For each selected enterprise in the order drawn, the eligible inspectors are the
//!    active ones, in snapshot order, minus every conflict: a declared conflict always (sealed in
//!    the snapshot, see [`super::conflict`]); where the task says so, an inspector of the enterprise's own town, of a unit named after that town,
//!    or on the team of its last inspection. `team_size` of them are drawn from that list.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    columns::SnapshotColumns,
    conflict::{Conflicts, Declared},
    registry::RiskTier,
    rfc3797::{self, Step, Stream, StreamExhausted, ValuesError},
    uscc::Uscc,
};
use crate::date::Date;

/// Version of the published record format for new draws: the snapshot in columns
/// ([`super::columns`]), declared conflicts sealed.
pub const FORMAT: &str = "aqxc-draw/3";
/// The second format: declared conflicts sealed, one object per enterprise; still verifies.
pub const FORMAT_V2: &str = "aqxc-draw/2";
/// The first format, with declared conflicts in the clear; its records still verify.
pub const FORMAT_V1: &str = "aqxc-draw/1";
/// Every format a record may be in, oldest first.
pub const FORMATS: [&str; 3] = [FORMAT_V1, FORMAT_V2, FORMAT];

/// Whether a record in `format` publishes its snapshot in columns.
pub fn in_columns(format: &str) -> bool {
    ![FORMAT_V1, FORMAT_V2].contains(&format)
}

/// An enterprise as frozen for a draw: public fields and its inspection history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotEnterprise {
    pub uscc: Uscc,
    pub name: String,
    pub town: String,
    pub industry: String,
    pub risk: RiskTier,
    pub high_risk_industry: bool,
    pub accident_prone: bool,
    pub directly_supervised: bool,
    pub last_inspected: Option<Date>,
    pub last_penalised: Option<Date>,
    /// Certificates of the team of the last inspection.
    pub last_inspectors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInspector {
    pub certificate: String,
    pub name: String,
    pub unit: String,
    pub town: String,
    pub active: bool,
    /// `declared_conflicts` (format 1) or `conflict_digests` (format 2) in the JSON.
    #[serde(flatten)]
    pub conflicts: Conflicts,
}

/// Both registries as a draw sees them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub enterprises: Vec<SnapshotEnterprise>,
    pub inspectors: Vec<SnapshotInspector>,
}

impl Snapshot {
    /// Puts both lists in canonical order.
    pub fn canonical(mut self) -> Snapshot {
        self.enterprises.sort_by(|a, b| a.uscc.cmp(&b.uscc));
        self.inspectors
            .sort_by(|a, b| a.certificate.cmp(&b.certificate));
        for inspector in &mut self.inspectors {
            inspector.conflicts.sort();
        }
        for enterprise in &mut self.enterprises {
            enterprise.last_inspectors.sort();
        }
        self
    }

    /// SHA-256 (hex) of the snapshot's JSON as a record in `format` publishes it: one object
    /// per enterprise up to `/2`, columns from `/3`.
    pub fn digest_in(&self, format: &str) -> String {
        if in_columns(format) {
            sha256_json(&SnapshotColumns::new(self))
        } else {
            sha256_json(self)
        }
    }
}

/// Which enterprises a stratum takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "tier")]
pub enum Group {
    HighRiskIndustry,
    AccidentProne,
    DirectlySupervised,
    Risk(RiskTier),
    All,
}

impl Group {
    pub fn label(self) -> String {
        match self {
            Group::HighRiskIndustry => "高危行业".into(),
            Group::AccidentProne => "事故多发行业".into(),
            Group::DirectlySupervised => "直接监管企业".into(),
            Group::Risk(tier) => tier.label().into(),
            Group::All => "其余全部".into(),
        }
    }

    fn contains(self, e: &SnapshotEnterprise) -> bool {
        match self {
            Group::HighRiskIndustry => e.high_risk_industry,
            Group::AccidentProne => e.accident_prone,
            Group::DirectlySupervised => e.directly_supervised,
            Group::Risk(tier) => e.risk == tier,
            Group::All => true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quota {
    Count(u32),
    Percent(u32),
}

impl Quota {
    fn of(self, pool: usize) -> usize {
        match self {
            Quota::Count(n) => n as usize,
            Quota::Percent(p) => (pool * p as usize).div_ceil(100),
        }
    }

    pub fn label(self) -> String {
        match self {
            Quota::Count(n) => format!("{n} 家"),
            Quota::Percent(p) => format!("{p}%"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stratum {
    pub name: String,
    pub group: Group,
    pub quota: Quota,
}

/// A task's parameters, published with its announcement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Industries in scope; empty means all.
    pub industries: Vec<String>,
    /// Towns in scope; empty means all.
    pub towns: Vec<String>,
    pub strata: Vec<Stratum>,
    /// Leave out enterprises inspected or penalised within this many months (0: none).
    pub exclude_months: u32,
    /// The day exclusions are counted back from (the announcement).
    pub reference_date: Date,
    pub team_size: u32,
    pub avoid_own_town: bool,
    pub avoid_own_unit: bool,
    pub avoid_last_inspectors: bool,
}

/// Why a draw cannot be made as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("至少要设置一个分层")]
    NoStrata,
    #[error("分层名称不能为空")]
    UnnamedStratum,
    #[error("分层“{0}”的比例应在 1% 到 100% 之间")]
    BadPercent(String),
    #[error("分层“{name}”要抽 {asked} 家，但符合条件的只有 {has} 家")]
    StratumTooSmall {
        name: String,
        asked: usize,
        has: usize,
    },
    #[error("每组检查人员至少 2 人")]
    TeamTooSmall,
    #[error(
        "每组需要 {team_size} 名检查人员，但对“{enterprise}”可派（在岗且无需回避）的只有 {eligible} 名"
    )]
    NotEnoughInspectors {
        enterprise: String,
        team_size: usize,
        eligible: usize,
    },
    #[error("这次任务一家企业也抽不到：请检查范围、排除条件和分层")]
    NothingToDraw,
    #[error(transparent)]
    Values(#[from] ValuesError),
    #[error(transparent)]
    Exhausted(#[from] StreamExhausted),
}

/// A stratum's pool after scope, exclusions and first-match assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool<'s> {
    pub stratum: &'s Stratum,
    pub members: Vec<&'s SnapshotEnterprise>,
    pub quota: usize,
}

/// Applies scope, exclusions and strata, and checks every quota against its pool.
pub fn pools<'s>(snapshot: &'s Snapshot, rules: &'s Rules) -> Result<Vec<Pool<'s>>, DrawError> {
    if rules.strata.is_empty() {
        return Err(DrawError::NoStrata);
    }
    if rules.team_size < 2 {
        return Err(DrawError::TeamTooSmall);
    }
    let cutoff = (rules.exclude_months > 0)
        .then(|| rules.reference_date.months_before(rules.exclude_months));
    let recently = |date: Option<Date>| matches!((date, cutoff), (Some(d), Some(c)) if d >= c && d <= rules.reference_date);
    let mut pools: Vec<Pool> = rules
        .strata
        .iter()
        .map(|stratum| Pool {
            stratum,
            members: Vec::new(),
            quota: 0,
        })
        .collect();
    for enterprise in &snapshot.enterprises {
        let in_scope = (rules.industries.is_empty()
            || rules.industries.contains(&enterprise.industry))
            && (rules.towns.is_empty() || rules.towns.contains(&enterprise.town));
        if !in_scope || recently(enterprise.last_inspected) || recently(enterprise.last_penalised) {
            continue;
        }
        if let Some(pool) = pools
            .iter_mut()
            .find(|pool| pool.stratum.group.contains(enterprise))
        {
            pool.members.push(enterprise);
        }
    }
    for pool in &mut pools {
        let stratum = pool.stratum;
        if stratum.name.trim().is_empty() {
            return Err(DrawError::UnnamedStratum);
        }
        if let Quota::Percent(p) = stratum.quota
            && !(1..=100).contains(&p)
        {
            return Err(DrawError::BadPercent(stratum.name.clone()));
        }
        pool.quota = stratum.quota.of(pool.members.len());
        if pool.quota > pool.members.len() {
            return Err(DrawError::StratumTooSmall {
                name: stratum.name.clone(),
                asked: pool.quota,
                has: pool.members.len(),
            });
        }
    }
    if pools.iter().all(|pool| pool.quota == 0) {
        return Err(DrawError::NothingToDraw);
    }
    Ok(pools)
}

/// The inspectors who may inspect `enterprise` under `rules`, in snapshot order.
pub fn eligible_inspectors<'s>(
    snapshot: &'s Snapshot,
    rules: &Rules,
    declared: &Declared,
    enterprise: &SnapshotEnterprise,
) -> Vec<&'s SnapshotInspector> {
    snapshot
        .inspectors
        .iter()
        .filter(|i| i.active)
        .filter(|i| !declared.contains(&i.certificate, &enterprise.uscc))
        .filter(|i| !(rules.avoid_own_town && i.town == enterprise.town))
        .filter(|i| !(rules.avoid_own_unit && i.unit.starts_with(&enterprise.town)))
        .filter(|i| {
            !(rules.avoid_last_inspectors && enterprise.last_inspectors.contains(&i.certificate))
        })
        .collect()
}

/// One selected enterprise and its team: what the draw decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub uscc: Uscc,
    pub stratum: String,
    pub team: Vec<String>,
}

/// A pick with its step, for showing the working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picked {
    /// The stratum (for an enterprise) or the enterprise (for an inspector).
    pub within: String,
    /// 统一社会信用代码 or 执法证号.
    pub item: String,
    pub step: Step,
}

/// Everything a draw did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub key: String,
    /// Pool size and quota of each stratum, in order.
    pub strata: Vec<(String, usize, usize)>,
    pub steps: Vec<Picked>,
    pub assignments: Vec<Assignment>,
}

impl Outcome {
    /// SHA-256 (hex) of the assignments' JSON: the result the commitment names.
    pub fn result_digest(&self) -> String {
        result_digest(&self.assignments)
    }
}

pub fn result_digest(assignments: &[Assignment]) -> String {
    sha256_json(&assignments)
}

/// Runs the draw. The same inputs always give the same outcome.
pub fn run(
    snapshot: &Snapshot,
    rules: &Rules,
    declared: &Declared,
    sources: &[Vec<u64>],
) -> Result<Outcome, DrawError> {
    let pools = pools(snapshot, rules)?;
    let key = rfc3797::key(sources)?;
    let mut stream = Stream::new(&key);
    let mut steps = Vec::new();
    let mut chosen: Vec<(&SnapshotEnterprise, &str)> = Vec::new();
    for pool in &pools {
        let mut members = pool.members.clone();
        for (enterprise, step) in stream.select(&mut members, pool.quota)? {
            steps.push(Picked {
                within: pool.stratum.name.clone(),
                item: enterprise.uscc.to_string(),
                step,
            });
            chosen.push((enterprise, &pool.stratum.name));
        }
    }
    let team_size = rules.team_size as usize;
    let mut assignments = Vec::with_capacity(chosen.len());
    for (enterprise, stratum) in chosen {
        let mut eligible = eligible_inspectors(snapshot, rules, declared, enterprise);
        if eligible.len() < team_size {
            return Err(DrawError::NotEnoughInspectors {
                enterprise: enterprise.name.clone(),
                team_size,
                eligible: eligible.len(),
            });
        }
        let mut team = Vec::with_capacity(team_size);
        for (inspector, step) in stream.select(&mut eligible, team_size)? {
            steps.push(Picked {
                within: enterprise.uscc.to_string(),
                item: inspector.certificate.clone(),
                step,
            });
            team.push(inspector.certificate.clone());
        }
        assignments.push(Assignment {
            uscc: enterprise.uscc.clone(),
            stratum: stratum.to_string(),
            team,
        });
    }
    Ok(Outcome {
        key,
        strata: pools
            .iter()
            .map(|p| (p.stratum.name.clone(), p.members.len(), p.quota))
            .collect(),
        steps,
        assignments,
    })
}

/// SHA-256 (lower-case hex) of a value's JSON.
pub fn sha256_json<T: Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_vec(value).expect("plain data always serializes");
    hex(&Sha256::digest(json))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A code with a valid check character from a serial number.
    pub fn code(serial: u32) -> Uscc {
        let first17 = format!("91440783{serial:09}");
        let check = Uscc::check_character_for(&first17).unwrap();
        Uscc::parse(&format!("{first17}{check}")).unwrap()
    }

    pub fn enterprise(serial: u32, town: &str, risk: RiskTier) -> SnapshotEnterprise {
        SnapshotEnterprise {
            uscc: code(serial),
            name: format!("企业{serial}"),
            town: town.into(),
            industry: "机械".into(),
            risk,
            high_risk_industry: false,
            accident_prone: false,
            directly_supervised: false,
            last_inspected: None,
            last_penalised: None,
            last_inspectors: vec![],
        }
    }

    pub fn inspector(certificate: &str, town: &str) -> SnapshotInspector {
        SnapshotInspector {
            certificate: certificate.into(),
            name: format!("检查员{certificate}"),
            unit: "开平市应急管理局安全生产执法大队".into(),
            town: town.into(),
            active: true,
            conflicts: Conflicts::Sealed(vec![]),
        }
    }

    pub fn rules(strata: Vec<Stratum>) -> Rules {
        Rules {
            industries: vec![],
            towns: vec![],
            strata,
            exclude_months: 0,
            reference_date: Date::parse("2026-11-01").unwrap(),
            team_size: 2,
            avoid_own_town: true,
            avoid_own_unit: true,
            avoid_last_inspectors: true,
        }
    }

    fn stratum(name: &str, group: Group, quota: Quota) -> Stratum {
        Stratum {
            name: name.into(),
            group,
            quota,
        }
    }

    /// Six enterprises: 1–2 high-risk industry, 3–4 major risk, 5–6 low risk.
    fn small_registry() -> Snapshot {
        let mut enterprises: Vec<_> = (1..=6)
            .map(|n| {
                let risk = if n <= 4 {
                    RiskTier::Major
                } else {
                    RiskTier::Low
                };
                enterprise(n, "水口镇", risk)
            })
            .collect();
        enterprises[0].high_risk_industry = true;
        enterprises[1].high_risk_industry = true;
        Snapshot {
            enterprises,
            inspectors: vec![
                inspector("A001", "水口镇"),
                inspector("A002", "长沙街道"),
                inspector("A003", "长沙街道"),
                inspector("A004", "月山镇"),
            ],
        }
        .canonical()
    }

    const SOURCES: [u64; 3] = [9319, 12, 45];

    fn sources() -> Vec<Vec<u64>> {
        SOURCES.iter().map(|&n| vec![n]).collect()
    }

    #[test]
    fn strata_take_each_enterprise_once_by_first_match() {
        let snapshot = small_registry();
        let rules = rules(vec![
            stratum("高危行业", Group::HighRiskIndustry, Quota::Count(1)),
            stratum("重大风险", Group::Risk(RiskTier::Major), Quota::Percent(50)),
            stratum("低风险", Group::Risk(RiskTier::Low), Quota::Count(1)),
        ]);
        let pools = pools(&snapshot, &rules).unwrap();
        let sizes: Vec<(usize, usize)> = pools.iter().map(|p| (p.members.len(), p.quota)).collect();
        // Enterprises 1–2 are major risk too, but the first stratum took them.
        assert_eq!(sizes, vec![(2, 1), (2, 1), (2, 1)]);
    }

    #[test]
    fn a_stratum_asking_for_more_than_it_has_is_refused() {
        let snapshot = small_registry();
        let rules = rules(vec![stratum(
            "低风险",
            Group::Risk(RiskTier::Low),
            Quota::Count(3),
        )]);
        assert_eq!(
            pools(&snapshot, &rules),
            Err(DrawError::StratumTooSmall {
                name: "低风险".into(),
                asked: 3,
                has: 2
            })
        );
    }

    #[test]
    fn recent_inspections_and_penalties_exclude() {
        let mut snapshot = small_registry();
        snapshot.enterprises[4].last_inspected = Some(Date::parse("2026-06-01").unwrap());
        snapshot.enterprises[5].last_penalised = Some(Date::parse("2025-01-01").unwrap());
        let mut rules = rules(vec![stratum("全部", Group::All, Quota::Percent(100))]);
        rules.exclude_months = 6;
        // 2026-06-01 is within six months of 2026-11-01; 2025-01-01 is not.
        assert_eq!(pools(&snapshot, &rules).unwrap()[0].members.len(), 5);
    }

    #[test]
    fn conflicts_are_avoided() {
        let mut snapshot = small_registry();
        snapshot.inspectors[1].conflicts = Conflicts::Plain(vec![code(1)]);
        snapshot.enterprises[0].last_inspectors = vec!["A003".into()];
        let rules = rules(vec![stratum("全部", Group::All, Quota::Count(1))]);
        let declared = Declared::new(&snapshot, &[]);
        let eligible: Vec<&str> =
            eligible_inspectors(&snapshot, &rules, &declared, &snapshot.enterprises[0])
                .iter()
                .map(|i| i.certificate.as_str())
                .collect();
        // A001 lives in the enterprise's town, A002 declared a conflict, A003 inspected it last.
        assert_eq!(eligible, vec!["A004"]);
    }

    #[test]
    fn a_team_larger_than_the_eligible_inspectors_is_refused() {
        let snapshot = small_registry();
        let mut rules = rules(vec![stratum("全部", Group::All, Quota::Count(1))]);
        rules.team_size = 4;
        assert!(matches!(
            run(&snapshot, &rules, &Declared::default(), &sources()),
            Err(DrawError::NotEnoughInspectors {
                team_size: 4,
                eligible: 3,
                ..
            })
        ));
    }

    #[test]
    fn the_draw_follows_rfc_3797_over_the_stratum_pool() {
        let snapshot = small_registry();
        let rules = rules(vec![stratum("全部", Group::All, Quota::Count(2))]);
        let outcome = run(&snapshot, &rules, &Declared::default(), &sources()).unwrap();
        let positions = rfc3797::select_positions(&sources(), 6, 2).unwrap();
        let expected: Vec<Uscc> = positions
            .iter()
            .map(|p| snapshot.enterprises[p - 1].uscc.clone())
            .collect();
        let got: Vec<Uscc> = outcome.assignments.iter().map(|a| a.uscc.clone()).collect();
        assert_eq!(got, expected);
        assert_eq!(outcome.steps.len(), 2 + 2 * 2);
        assert_eq!(outcome.key, "9319./12./45./");
    }
}
