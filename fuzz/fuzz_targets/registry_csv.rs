//! `domain::inspections::registry::parse_enterprises` and `parse_inspectors` on any text (staff
//! import both registries as CSV), each followed, when the text is accepted, by an export of
//! what was read:
//!
//! - the export never holds a field a spreadsheet would run as a formula;
//! - importing the export gives back the same records. This holds unless a value begins with
//!   `=`, `+`, `-` or `@`: the export defuses those with a leading `'`, which the import keeps
//!   (on purpose, see `csv_line`), so those records are left out of the comparison.

#![no_main]

use domain::inspections::registry::{
    ENTERPRISE_HEADER, Enterprise, INSPECTOR_HEADER, Inspector, RowError, enterprises_csv,
    inspectors_csv, parse_enterprises, parse_inspectors,
};
use libfuzzer_sys::fuzz_target;

const FORMULA: [char; 4] = ['=', '+', '-', '@'];

fn formula_like(fields: &[&str]) -> bool {
    fields.iter().any(|field| field.starts_with(FORMULA))
}

/// Every record of an export has the header's columns, and no field starts a formula.
fn check_export(exported: &str, columns: usize, records: usize) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(exported.as_bytes());
    let mut count = 0;
    for record in reader.records() {
        let record = record.expect("the export is valid CSV");
        assert_eq!(record.len(), columns, "{exported:?}");
        assert!(
            !formula_like(&record.iter().collect::<Vec<_>>()),
            "formula in {record:?}"
        );
        count += 1;
    }
    assert_eq!(count, records + 1, "header and one line per record");
}

fn check_errors(errors: &[RowError]) {
    assert!(!errors.is_empty());
    for error in errors {
        assert!(error.line >= 1, "{error}");
    }
}

fn enterprises(text: &str) {
    let parsed = match parse_enterprises(text) {
        Ok(parsed) => parsed,
        Err(errors) => return check_errors(&errors),
    };
    let exported = enterprises_csv(&parsed);
    check_export(&exported, ENTERPRISE_HEADER.len(), parsed.len());
    let defused =
        |e: &Enterprise| formula_like(&[&e.name, &e.address, &e.legal_representative, &e.phone]);
    if !parsed.iter().any(defused) {
        assert_eq!(parse_enterprises(&exported), Ok(parsed), "{exported:?}");
    }
}

fn inspectors(text: &str) {
    let parsed = match parse_inspectors(text) {
        Ok(parsed) => parsed,
        Err(errors) => return check_errors(&errors),
    };
    let exported = inspectors_csv(&parsed);
    check_export(&exported, INSPECTOR_HEADER.len(), parsed.len());
    let defused = |i: &Inspector| formula_like(&[&i.name, &i.unit, &i.field]);
    if !parsed.iter().any(defused) {
        assert_eq!(parse_inspectors(&exported), Ok(parsed), "{exported:?}");
    }
}

fuzz_target!(|text: &str| {
    enterprises(text);
    inspectors(text);
});
