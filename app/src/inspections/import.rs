//! What the inspection pages load from `content/` at start-up: the published check-item list
//! (the file is the list: it replaces what is stored) and the holiday calendar. The demo
//! registries come with the rest of the demo world (`crate::demo`).

use std::path::Path;

use crate::foundation::db::Pool;
use domain::inspections::calendar::Calendar;
use serde::Deserialize;

use super::{CheckItem, store};

#[derive(Deserialize)]
struct CheckItemFile {
    items: Vec<CheckItemEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckItemEntry {
    code: String,
    name: String,
    basis: String,
    subject: String,
    method: String,
}

/// Parses `check-items.toml`; every item needs every field, codes are unique.
pub fn parse_check_items(text: &str) -> Result<Vec<CheckItem>, String> {
    let file: CheckItemFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut items: Vec<CheckItem> = Vec::with_capacity(file.items.len());
    for entry in file.items {
        if [
            &entry.code,
            &entry.name,
            &entry.basis,
            &entry.subject,
            &entry.method,
        ]
        .iter()
        .any(|field| field.trim().is_empty())
        {
            return Err(format!("check item `{}` has an empty field", entry.code));
        }
        if items.iter().any(|i| i.code == entry.code) {
            return Err(format!("check item code `{}` appears twice", entry.code));
        }
        items.push(CheckItem {
            code: entry.code,
            name: entry.name,
            basis: entry.basis,
            subject: entry.subject,
            method: entry.method,
        });
    }
    Ok(items)
}

/// Loads everything; a bad file is logged and skipped, never stops the start.
pub async fn import_content(pool: &Pool, content_dir: &Path) -> Calendar {
    let items_path = content_dir.join("inspections/check-items.toml");
    match std::fs::read_to_string(&items_path)
        .map_err(|e| e.to_string())
        .and_then(|text| parse_check_items(&text))
    {
        Ok(items) => match store::replace_check_items(pool, &items).await {
            Ok(()) => tracing::info!(count = items.len(), "check items loaded"),
            Err(error) => tracing::error!(%error, "storing the check items failed"),
        },
        Err(error) => tracing::warn!("{}: {error}", items_path.display()),
    }

    let calendar_path = content_dir.join("calendar/holidays.toml");
    match std::fs::read_to_string(&calendar_path)
        .map_err(|e| e.to_string())
        .and_then(|text| Calendar::from_toml(&text))
    {
        Ok(calendar) => calendar,
        Err(error) => {
            tracing::warn!(
                "{}: {error}; deadlines count weekends only",
                calendar_path.display()
            );
            Calendar::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::inspections::registry;

    #[test]
    fn the_shipped_check_items_parse() {
        let text = include_str!("../../../content/inspections/check-items.toml");
        let items = parse_check_items(text).unwrap();
        assert!(items.len() >= 10);
    }

    #[test]
    fn the_shipped_registries_and_calendar_parse() {
        let enterprises = registry::parse_enterprises(include_str!(
            "../../../content/registries/enterprises.csv"
        ))
        .unwrap();
        assert!(enterprises.len() >= 300);
        let inspectors =
            registry::parse_inspectors(include_str!("../../../content/registries/inspectors.csv"))
                .unwrap();
        assert!(inspectors.len() >= 30);
        Calendar::from_toml(include_str!("../../../content/calendar/holidays.toml")).unwrap();
    }

    #[test]
    fn a_duplicate_code_is_refused() {
        let text = "[[items]]\ncode='A'\nname='n'\nbasis='b'\nsubject='s'\nmethod='m'\n\
                    [[items]]\ncode='A'\nname='n'\nbasis='b'\nsubject='s'\nmethod='m'\n";
        assert!(parse_check_items(text).unwrap_err().contains("twice"));
    }
}
