//! The registry snapshot as `aqxc-draw/3` publishes it: the same facts, each repeated value once.
//!
//! In `/1` and `/2` every enterprise is an object that repeats every field name, its town,
//! industry and risk grade, and empty history fields: 25 MB for 100,000 enterprises. Here the
//! enterprises are columns; towns, industries and risk grades are written once in `words` and
//! referred to by their index; the flags are lists of the rows that have them, and the few
//! enterprises with an inspection history carry it in a list of their own. Inspectors, a few
//! hundred, stay one object each. The conversion is exact in both directions, and a `/3`
//! commitment's snapshot digest is the SHA-256 of this form's JSON.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{
    draw::{Snapshot, SnapshotEnterprise, SnapshotInspector},
    registry::RiskTier,
    uscc::Uscc,
};
use crate::date::Date;

/// Both registries, the enterprises in columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotColumns {
    /// Every town, industry and risk grade named in the columns, once, in byte order.
    pub words: Vec<String>,
    pub enterprises: EnterpriseColumns,
    pub inspectors: Vec<SnapshotInspector>,
}

/// The enterprises in snapshot order: row `i` of every column is the same enterprise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseColumns {
    pub uscc: Vec<Uscc>,
    pub name: Vec<String>,
    /// Indices into `words`.
    pub town: Vec<u32>,
    pub industry: Vec<u32>,
    pub risk: Vec<u32>,
    /// The rows with each flag set, ascending.
    pub high_risk_industry: Vec<u32>,
    pub accident_prone: Vec<u32>,
    pub directly_supervised: Vec<u32>,
    /// The rows with a last inspection, a last penalty or a last team, ascending.
    pub history: Vec<History>,
}

/// One enterprise's inspection history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub row: u32,
    pub last_inspected: Option<Date>,
    pub last_penalised: Option<Date>,
    pub last_inspectors: Vec<String>,
}

impl SnapshotColumns {
    /// The columns of a snapshot (already in canonical order).
    pub fn new(snapshot: &Snapshot) -> SnapshotColumns {
        let all = &snapshot.enterprises;
        let words: Vec<String> = all
            .iter()
            .flat_map(|e| [e.town.as_str(), e.industry.as_str(), e.risk.as_str()])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let index: BTreeMap<&str, u32> = words
            .iter()
            .enumerate()
            .map(|(n, w)| (w.as_str(), row_number(n)))
            .collect();
        let rows_where = |flag: fn(&SnapshotEnterprise) -> bool| -> Vec<u32> {
            (0..all.len())
                .filter(|&n| flag(&all[n]))
                .map(row_number)
                .collect()
        };
        let enterprises = EnterpriseColumns {
            uscc: all.iter().map(|e| e.uscc.clone()).collect(),
            name: all.iter().map(|e| e.name.clone()).collect(),
            town: all.iter().map(|e| index[e.town.as_str()]).collect(),
            industry: all.iter().map(|e| index[e.industry.as_str()]).collect(),
            risk: all.iter().map(|e| index[e.risk.as_str()]).collect(),
            high_risk_industry: rows_where(|e| e.high_risk_industry),
            accident_prone: rows_where(|e| e.accident_prone),
            directly_supervised: rows_where(|e| e.directly_supervised),
            history: all
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.last_inspected.is_some()
                        || e.last_penalised.is_some()
                        || !e.last_inspectors.is_empty()
                })
                .map(|(n, e)| History {
                    row: row_number(n),
                    last_inspected: e.last_inspected,
                    last_penalised: e.last_penalised,
                    last_inspectors: e.last_inspectors.clone(),
                })
                .collect(),
        };
        SnapshotColumns {
            words,
            enterprises,
            inspectors: snapshot.inspectors.clone(),
        }
    }

    /// The snapshot these columns describe, or what makes them unreadable (in words for the
    /// public: the verifier shows it).
    pub fn snapshot(&self) -> Result<Snapshot, String> {
        let columns = &self.enterprises;
        let rows = columns.uscc.len();
        let lengths = [
            ("name", columns.name.len()),
            ("town", columns.town.len()),
            ("industry", columns.industry.len()),
            ("risk", columns.risk.len()),
        ];
        if let Some((column, length)) = lengths.iter().find(|(_, length)| *length != rows) {
            return Err(format!(
                "企业列 {column} 有 {length} 行，统一社会信用代码列有 {rows} 行"
            ));
        }
        let word = |column: &str, row: usize, at: u32| -> Result<&str, String> {
            self.words
                .get(at as usize)
                .map(String::as_str)
                .ok_or_else(|| format!("第 {} 家企业的 {column} 指向不存在的词 {at}", row + 1))
        };
        let mut enterprises = Vec::with_capacity(rows);
        for row in 0..rows {
            let risk = word("risk", row, columns.risk[row])?;
            enterprises.push(SnapshotEnterprise {
                uscc: columns.uscc[row].clone(),
                name: columns.name[row].clone(),
                town: word("town", row, columns.town[row])?.to_owned(),
                industry: word("industry", row, columns.industry[row])?.to_owned(),
                risk: RiskTier::parse(risk)
                    .ok_or_else(|| format!("第 {} 家企业的风险等级 {risk} 无法识别", row + 1))?,
                high_risk_industry: false,
                accident_prone: false,
                directly_supervised: false,
                last_inspected: None,
                last_penalised: None,
                last_inspectors: Vec::new(),
            });
        }
        for &row in &columns.high_risk_industry {
            at(&mut enterprises, "high_risk_industry", row)?.high_risk_industry = true;
        }
        for &row in &columns.accident_prone {
            at(&mut enterprises, "accident_prone", row)?.accident_prone = true;
        }
        for &row in &columns.directly_supervised {
            at(&mut enterprises, "directly_supervised", row)?.directly_supervised = true;
        }
        for history in &columns.history {
            let enterprise = at(&mut enterprises, "history", history.row)?;
            enterprise.last_inspected = history.last_inspected;
            enterprise.last_penalised = history.last_penalised;
            enterprise.last_inspectors = history.last_inspectors.clone();
        }
        Ok(Snapshot {
            enterprises,
            inspectors: self.inspectors.clone(),
        })
    }
}

/// The enterprise a column's row number names.
fn at<'a>(
    enterprises: &'a mut [SnapshotEnterprise],
    column: &str,
    row: u32,
) -> Result<&'a mut SnapshotEnterprise, String> {
    let count = enterprises.len();
    enterprises
        .get_mut(row as usize)
        .ok_or_else(|| format!("{column} 列出的第 {row} 行超出企业数 {count}"))
}

/// Rows and word indices are `u32` in the JSON: a registry of four billion rows is not a city's.
fn row_number(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 rows")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspections::draw::tests::{code, enterprise, inspector};

    fn snapshot() -> Snapshot {
        let mut enterprises: Vec<_> = (1..=30)
            .map(|n| {
                let town = ["水口镇", "长沙街道", "月山镇"][n as usize % 3];
                let risk = RiskTier::ALL[n as usize % 4];
                let mut e = enterprise(n, town, risk);
                e.high_risk_industry = n % 5 == 0;
                e.accident_prone = n % 7 == 0;
                e.directly_supervised = n == 1;
                if n % 6 == 0 {
                    e.last_inspected = Some(Date::parse("2025-03-01").unwrap());
                    e.last_inspectors = vec!["C001".into(), "C002".into()];
                }
                if n == 12 {
                    e.last_penalised = Some(Date::parse("2025-04-02").unwrap());
                }
                e
            })
            .collect();
        enterprises[3].industry = "危险化学品".into();
        Snapshot {
            enterprises,
            inspectors: vec![inspector("C001", "水口镇"), inspector("C002", "月山镇")],
        }
        .canonical()
    }

    #[test]
    fn the_columns_give_back_the_same_snapshot() {
        let snapshot = snapshot();
        let columns = SnapshotColumns::new(&snapshot);
        assert_eq!(columns.snapshot().unwrap(), snapshot);
        let json = serde_json::to_string(&columns).unwrap();
        let read: SnapshotColumns = serde_json::from_str(&json).unwrap();
        assert_eq!(read.snapshot().unwrap(), snapshot);
    }

    #[test]
    fn each_repeated_value_is_written_once() {
        let snapshot = snapshot();
        let columns = SnapshotColumns::new(&snapshot);
        let json = serde_json::to_string(&columns).unwrap();
        let enterprises = serde_json::to_string(&columns.enterprises).unwrap();
        assert!(!enterprises.contains("水口镇"), "{enterprises}");
        assert!(
            !json
                .contains("\"last_inspected\":null,\"last_penalised\":null,\"last_inspectors\":[]")
        );
        let full = serde_json::to_string(&snapshot).unwrap();
        assert!(
            json.len() * 2 < full.len(),
            "{} vs {}",
            json.len(),
            full.len()
        );
        assert_eq!(code(1), columns.enterprises.uscc[0]);
    }

    #[test]
    fn unreadable_columns_are_named_not_guessed() {
        let mut columns = SnapshotColumns::new(&snapshot());
        columns.enterprises.town.pop();
        assert!(columns.snapshot().unwrap_err().contains("town"));

        let mut columns = SnapshotColumns::new(&snapshot());
        columns.enterprises.risk[0] = 999;
        assert!(columns.snapshot().unwrap_err().contains("不存在的词 999"));

        let mut columns = SnapshotColumns::new(&snapshot());
        columns.enterprises.accident_prone.push(30);
        assert!(columns.snapshot().unwrap_err().contains("超出企业数 30"));

        let mut columns = SnapshotColumns::new(&snapshot());
        let town = columns.enterprises.town[0];
        columns.enterprises.risk[0] = town;
        assert!(columns.snapshot().unwrap_err().contains("风险等级"));
    }
}
