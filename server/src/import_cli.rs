//! `server import enterprises|inspectors FILE.csv`: the staff area's import from the command
//! line. All or nothing: every bad row is printed with its line, and then nothing is imported.

use anyhow::{Context, bail};
use app::foundation::db::Pool;
use clap::ValueEnum;

use app::{
    foundation::audit::{self, Actor, Event},
    foundation::clock,
    inspections::store,
};
use domain::inspections::registry;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Registry {
    Enterprises,
    Inspectors,
}

pub async fn run(pool: &Pool, registry: Registry, file: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading {} (it must be UTF-8 CSV)", file.display()))?;
    let now = clock::now();
    let (count, action) = match registry {
        Registry::Enterprises => match registry::parse_enterprises(&text) {
            Ok(rows) => (
                store::import_enterprises(pool, &rows, now).await?,
                app::foundation::audit::Action::EnterprisesImported,
            ),
            Err(errors) => return refuse(file, &errors),
        },
        Registry::Inspectors => match registry::parse_inspectors(&text) {
            Ok(rows) => (
                store::import_inspectors(pool, &rows, now).await?,
                app::foundation::audit::Action::InspectorsImported,
            ),
            Err(errors) => return refuse(file, &errors),
        },
    };
    let detail = format!(
        "{}：新增 {}，更新 {}",
        file.display(),
        count.inserted,
        count.updated
    );
    let event = Event {
        actor: Actor::CommandLine,
        action,
        target: "registry",
        detail: &detail,
        client_ip: "command line",
    };
    audit::record(pool, event, now).await?;
    println!(
        "imported {}: {} new, {} updated",
        file.display(),
        count.inserted,
        count.updated
    );
    Ok(())
}

fn refuse(file: &std::path::Path, errors: &[registry::RowError]) -> anyhow::Result<()> {
    for error in errors {
        eprintln!("{}: {error}", file.display());
    }
    bail!(
        "{} bad rows in {}: nothing was imported",
        errors.len(),
        file.display()
    )
}
