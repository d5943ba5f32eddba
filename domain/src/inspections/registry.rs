//! The two registries (监管对象名录库 and 执法人员名录库) as the CSV files staff import and
//! export. The file format is documented in `content/registries/README.md`. A file is checked
//! whole: every bad row is reported with its line and reason, and the caller imports nothing
//! unless there are none.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::uscc::Uscc;

/// The 15 towns and streets (镇街) of 开平市.
pub const TOWNS: [&str; 15] = [
    "长沙街道",
    "三埠街道",
    "月山镇",
    "水口镇",
    "沙塘镇",
    "苍城镇",
    "龙胜镇",
    "大沙镇",
    "马冈镇",
    "塘口镇",
    "赤坎镇",
    "百合镇",
    "蚬冈镇",
    "金鸡镇",
    "赤水镇",
];

/// The industries of work-safety supervision the registry uses.
pub const INDUSTRIES: [&str; 10] = [
    "危险化学品",
    "烟花爆竹",
    "非煤矿山",
    "冶金",
    "有色金属",
    "建材",
    "机械",
    "轻工",
    "纺织",
    "商贸仓储",
];

/// Risk grade (安全风险等级), from the four-colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    /// 重大风险 (red)
    Major,
    /// 较大风险 (orange)
    Significant,
    /// 一般风险 (yellow)
    General,
    /// 低风险 (blue)
    Low,
}

impl RiskTier {
    pub const ALL: [RiskTier; 4] = [
        RiskTier::Major,
        RiskTier::Significant,
        RiskTier::General,
        RiskTier::Low,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RiskTier::Major => "重大风险",
            RiskTier::Significant => "较大风险",
            RiskTier::General => "一般风险",
            RiskTier::Low => "低风险",
        }
    }

    pub fn from_label(label: &str) -> Option<RiskTier> {
        RiskTier::ALL.into_iter().find(|tier| tier.label() == label)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RiskTier::Major => "major",
            RiskTier::Significant => "significant",
            RiskTier::General => "general",
            RiskTier::Low => "low",
        }
    }

    pub fn parse(value: &str) -> Option<RiskTier> {
        RiskTier::ALL
            .into_iter()
            .find(|tier| tier.as_str() == value)
    }
}

/// An enterprise as the registry holds it, private fields included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    pub uscc: Uscc,
    pub name: String,
    pub town: String,
    pub address: String,
    pub industry: String,
    pub risk: RiskTier,
    /// 高危行业
    pub high_risk_industry: bool,
    /// 事故多发行业
    pub accident_prone: bool,
    /// 直接监管
    pub directly_supervised: bool,
    /// Private: never on a public page, feed or export.
    pub legal_representative: String,
    /// Private: never on a public page, feed or export.
    pub phone: String,
}

/// A law-enforcement officer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspector {
    /// 执法证号
    pub certificate: String,
    pub name: String,
    pub unit: String,
    /// 执法领域
    pub field: String,
    pub town: String,
    pub active: bool,
    /// Enterprises this inspector has declared a conflict of interest with (回避).
    pub declared_conflicts: Vec<Uscc>,
}

pub const ENTERPRISE_HEADER: [&str; 11] = [
    "统一社会信用代码",
    "名称",
    "镇街",
    "地址",
    "行业",
    "风险等级",
    "高危行业",
    "事故多发行业",
    "直接监管",
    "法定代表人",
    "联系电话",
];

pub const INSPECTOR_HEADER: [&str; 7] = [
    "执法证号",
    "姓名",
    "单位",
    "执法领域",
    "镇街",
    "在岗",
    "回避企业",
];

/// One bad row (or the header, line 1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("第 {line} 行：{reason}")]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

/// Parses an enterprise CSV file, or lists every bad row.
pub fn parse_enterprises(text: &str) -> Result<Vec<Enterprise>, Vec<RowError>> {
    let mut seen = HashSet::new();
    parse_rows(text, &ENTERPRISE_HEADER, |row| {
        let uscc = Uscc::parse(row.get(0)).map_err(|e| e.to_string())?;
        if !seen.insert(uscc.clone()) {
            return Err(format!("统一社会信用代码 {uscc} 在文件中重复出现"));
        }
        let name = row.required(1, "名称", 100)?;
        let town = known(row.get(2), &TOWNS, "镇街")?;
        let industry = known(row.get(4), &INDUSTRIES, "行业")?;
        let risk = RiskTier::from_label(row.get(5)).ok_or_else(|| {
            format!(
                "风险等级“{}”无效，应为：重大风险、较大风险、一般风险、低风险",
                row.get(5)
            )
        })?;
        Ok(Enterprise {
            uscc,
            name,
            town,
            address: row.optional(3, "地址", 200)?,
            industry,
            risk,
            high_risk_industry: row.flag(6, "高危行业")?,
            accident_prone: row.flag(7, "事故多发行业")?,
            directly_supervised: row.flag(8, "直接监管")?,
            legal_representative: row.optional(9, "法定代表人", 50)?,
            phone: phone(row.get(10))?,
        })
    })
}

/// Parses an inspector CSV file, or lists every bad row.
pub fn parse_inspectors(text: &str) -> Result<Vec<Inspector>, Vec<RowError>> {
    let mut seen = HashSet::new();
    parse_rows(text, &INSPECTOR_HEADER, |row| {
        let certificate = row.get(0).to_string();
        if certificate.len() < 6
            || certificate.len() > 20
            || !certificate.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(format!(
                "执法证号“{certificate}”无效：应为 6 到 20 位数字或字母"
            ));
        }
        if !seen.insert(certificate.clone()) {
            return Err(format!("执法证号 {certificate} 在文件中重复出现"));
        }
        let declared_conflicts = row
            .get(6)
            .split([';', '；'])
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(|code| Uscc::parse(code).map_err(|e| format!("回避企业 {code}：{e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Inspector {
            certificate,
            name: row.required(1, "姓名", 50)?,
            unit: row.required(2, "单位", 100)?,
            field: row.required(3, "执法领域", 50)?,
            town: known(row.get(4), &TOWNS, "镇街")?,
            active: row.flag(5, "在岗")?,
            declared_conflicts,
        })
    })
}

/// Writes enterprises as CSV, private columns included (staff export only).
pub fn enterprises_csv(enterprises: &[Enterprise]) -> String {
    let mut out = csv_line(&ENTERPRISE_HEADER.map(String::from));
    for e in enterprises {
        out.push_str(&csv_line(&[
            e.uscc.to_string(),
            e.name.clone(),
            e.town.clone(),
            e.address.clone(),
            e.industry.clone(),
            e.risk.label().to_string(),
            yes_no(e.high_risk_industry),
            yes_no(e.accident_prone),
            yes_no(e.directly_supervised),
            e.legal_representative.clone(),
            e.phone.clone(),
        ]));
    }
    out
}

/// Writes inspectors as CSV.
pub fn inspectors_csv(inspectors: &[Inspector]) -> String {
    let mut out = csv_line(&INSPECTOR_HEADER.map(String::from));
    for i in inspectors {
        let conflicts: Vec<&str> = i.declared_conflicts.iter().map(Uscc::as_str).collect();
        out.push_str(&csv_line(&[
            i.certificate.clone(),
            i.name.clone(),
            i.unit.clone(),
            i.field.clone(),
            i.town.clone(),
            yes_no(i.active),
            conflicts.join(";"),
        ]));
    }
    out
}

/// One CSV line, quoting fields that need it. A field that a spreadsheet would run as a formula
/// (leading `=`, `+`, `-`, `@`) is prefixed with `'`.
pub fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|field| {
            let field = if field.starts_with(['=', '+', '-', '@']) {
                format!("'{field}")
            } else {
                field.clone()
            };
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn yes_no(value: bool) -> String {
    if value { "是" } else { "否" }.to_string()
}

struct Row<'r> {
    record: &'r csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, index: usize) -> &str {
        self.record.get(index).unwrap_or("").trim()
    }

    fn required(&self, index: usize, column: &str, max_chars: usize) -> Result<String, String> {
        let value = self.optional(index, column, max_chars)?;
        if value.is_empty() {
            return Err(format!("“{column}”不能为空"));
        }
        Ok(value)
    }

    fn optional(&self, index: usize, column: &str, max_chars: usize) -> Result<String, String> {
        let value = self.get(index);
        if value.chars().count() > max_chars {
            return Err(format!("“{column}”太长，最多 {max_chars} 个字"));
        }
        if value.chars().any(char::is_control) {
            return Err(format!("“{column}”含有控制字符"));
        }
        Ok(value.to_string())
    }

    fn flag(&self, index: usize, column: &str) -> Result<bool, String> {
        match self.get(index) {
            "是" => Ok(true),
            "否" | "" => Ok(false),
            other => Err(format!("“{column}”应填“是”或“否”，这里是“{other}”")),
        }
    }
}

fn known(value: &str, list: &[&str], column: &str) -> Result<String, String> {
    if list.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(format!(
            "未知的{column}“{value}”，应为：{}",
            list.join("、")
        ))
    }
}

fn phone(value: &str) -> Result<String, String> {
    // A leading digit also keeps the export free of cells a spreadsheet reads as a formula.
    let ok = value.is_empty()
        || (value.len() <= 20
            && value.starts_with(|c: char| c.is_ascii_digit())
            && value.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
    if ok {
        Ok(value.to_string())
    } else {
        Err(format!(
            "联系电话“{value}”无效：只能包含数字和“-”，并以数字开头"
        ))
    }
}

fn parse_rows<T>(
    text: &str,
    header: &[&str],
    mut parse: impl FnMut(&Row) -> Result<T, String>,
) -> Result<Vec<T>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut errors = Vec::new();
    match records.next() {
        Some(Ok(first)) if first.iter().map(str::trim).eq(header.iter().copied()) => {}
        _ => {
            return Err(vec![RowError {
                line: 1,
                reason: format!("第一行应为表头：{}", header.join(",")),
            }]);
        }
    }
    let mut rows = Vec::new();
    for record in records {
        match record {
            Err(error) => errors.push(RowError {
                line: error.position().map_or(0, |p| p.line()),
                reason: "不是有效的 CSV（请检查引号和编码，文件应为 UTF-8）".into(),
            }),
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.iter().all(|field| field.trim().is_empty()) {
                    continue;
                }
                if record.len() != header.len() {
                    errors.push(RowError {
                        line,
                        reason: format!("应有 {} 列，这里有 {} 列", header.len(), record.len()),
                    });
                    continue;
                }
                match parse(&Row { record: &record }) {
                    Ok(row) => rows.push(row),
                    Err(reason) => errors.push(RowError { line, reason }),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "统一社会信用代码,名称,镇街,地址,行业,风险等级,高危行业,事故多发行业,直接监管,法定代表人,联系电话\n";

    #[test]
    fn a_good_file_round_trips_through_export() {
        let text = format!(
            "{HEADER}91350100M000100Y43,开平市示例化工有限公司,水口镇,水口镇东堤路1号,危险化学品,重大风险,是,否,是,张三,13800000000\n"
        );
        let parsed = parse_enterprises(&text).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].risk, RiskTier::Major);
        assert!(parsed[0].high_risk_industry && parsed[0].directly_supervised);
        let exported = enterprises_csv(&parsed);
        assert_eq!(parse_enterprises(&exported).unwrap(), parsed);
    }

    #[test]
    fn every_bad_row_is_reported_by_line() {
        let [a, b, c] = [1, 2, 3].map(|n| crate::inspections::draw::tests::code(n).to_string());
        let text = format!(
            "{HEADER}\
             91350100M000100Y44,甲公司,水口镇,,机械,低风险,否,否,否,,\n\
             {a},乙公司,东城镇,,机械,低风险,否,否,否,,\n\
             {b},丙公司,水口镇,,造船,低风险,否,否,否,,\n\
             {c},丁公司,水口镇,,机械,低风险,否,否,否,,\n\
             {c},丁公司,水口镇,,机械,低风险,否,否,否,,\n"
        );
        let errors = parse_enterprises(&text).unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 6]);
        assert!(errors[0].reason.contains("校验位"), "{}", errors[0]);
        assert!(
            errors[1].reason.contains("未知的镇街“东城镇”"),
            "{}",
            errors[1]
        );
        assert!(
            errors[2].reason.contains("未知的行业“造船”"),
            "{}",
            errors[2]
        );
        assert!(errors[3].reason.contains("重复"), "{}", errors[3]);
    }

    #[test]
    fn a_wrong_header_is_refused() {
        let errors = parse_enterprises("code,name\n1,2\n").unwrap_err();
        assert_eq!(errors[0].line, 1);
    }

    #[test]
    fn inspectors_parse_with_declared_conflicts() {
        let text = "执法证号,姓名,单位,执法领域,镇街,在岗,回避企业\n\
                    44078320001,李四,开平市应急管理局安全生产执法大队,工贸,长沙街道,是,91350100M000100Y43\n\
                    44078320002,王五,水口镇应急管理办公室,综合,水口镇,否,\n";
        let parsed = parse_inspectors(text).unwrap();
        assert_eq!(parsed[0].declared_conflicts.len(), 1);
        assert!(!parsed[1].active);
        let exported = inspectors_csv(&parsed);
        assert_eq!(parse_inspectors(&exported).unwrap(), parsed);
    }

    #[test]
    fn spreadsheet_formulas_are_defused_in_exports() {
        assert_eq!(
            csv_line(&["=1+1".into(), "a,b".into()]),
            "'=1+1,\"a,b\"\r\n"
        );
    }

    /// Found by the `registry_csv` fuzz target: "-123" was accepted, exported as "'-123" (a
    /// defused formula) and then refused on re-import.
    #[test]
    fn a_phone_number_starts_with_a_digit() {
        assert_eq!(phone("0750-2222222").as_deref(), Ok("0750-2222222"));
        assert_eq!(phone("").as_deref(), Ok(""));
        for bad in ["-123", "-", "--", "+86-750"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }
}
