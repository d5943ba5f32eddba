//! `server draw …`: the bare RFC 3797 selection, and offline verification of a published draw.

use anyhow::{Context, bail};
use clap::Subcommand;

use domain::inspections::{conflict, record, rfc3797};

#[derive(Debug, Subcommand)]
pub enum DrawCommand {
    /// Select positions from a pool by RFC 3797 and print them (1-based, space-separated).
    Rfc3797 {
        /// How many items are in the pool.
        #[arg(long)]
        pool: usize,
        /// How many to select.
        #[arg(long)]
        pick: usize,
        /// One public source: its numbers separated by commas. Repeat for each source, in the
        /// announced order.
        #[arg(long = "values", required = true)]
        values: Vec<String>,
    },
    /// Re-check a draw offline from its open-data record (`/api/v1/draws/{id}`).
    Verify {
        /// The record, as downloaded (JSON).
        file: std::path::PathBuf,
        /// An auditor's file of every declared conflict, opened (staff download on the draw's
        /// page): each must match a digest sealed in the record's snapshot, and every sealed
        /// digest must be opened.
        #[arg(long)]
        declarations: Option<std::path::PathBuf>,
    },
}

impl DrawCommand {
    /// Runs the command; a failed verification is an error (non-zero exit).
    pub fn run(self) -> anyhow::Result<()> {
        match self {
            DrawCommand::Rfc3797 { pool, pick, values } => {
                let sources = values
                    .iter()
                    .enumerate()
                    .map(|(index, text)| rfc3797::parse_source(text, index + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                let positions = rfc3797::select_positions(&sources, pool, pick)?;
                let line: Vec<String> = positions.iter().map(usize::to_string).collect();
                println!("{}", line.join(" "));
                Ok(())
            }
            DrawCommand::Verify { file, declarations } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let record: record::DrawRecord = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not a draw record", file.display()))?;
                let report = record::verify(&record);
                if let Some(outcome) = &report.outcome {
                    println!("key: {}", outcome.key);
                    for picked in &outcome.steps {
                        println!(
                            "{:>5}  {}  {:>6}  -> {:>6}  {}  ({})",
                            u32::from(picked.step.counter) + 1,
                            picked.step.md5_hex,
                            picked.step.remaining,
                            picked.step.remainder + 1,
                            picked.item,
                            picked.within
                        );
                    }
                }
                for check in &report.checks {
                    let mark = if check.ok { "OK  " } else { "FAIL" };
                    println!("{mark} {}: {}", check.label, check.detail);
                }
                let audited = match declarations {
                    Some(path) => audit_declarations(&record, &path)?,
                    None => true,
                };
                if report.all_ok() && audited {
                    println!(
                        "verified: draw {} matches its commitment",
                        record.commitment.draw_id
                    );
                    Ok(())
                } else {
                    bail!("draw {} does not verify", record.commitment.draw_id)
                }
            }
        }
    }
}

/// Checks an auditor's file of openings against the record's sealed snapshot; prints the result.
fn audit_declarations(record: &record::DrawRecord, path: &std::path::Path) -> anyhow::Result<bool> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: conflict::AuditorFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a declarations file", path.display()))?;
    let Some(revealed) = &record.revealed else {
        bail!("the record is not revealed yet: its snapshot is needed to check declarations")
    };
    if file.draw_id != record.commitment.draw_id
        || file.snapshot_digest != record.commitment.snapshot_digest
    {
        bail!(
            "{} belongs to draw {} (snapshot {}), not to this record",
            path.display(),
            file.draw_id,
            file.snapshot_digest
        );
    }
    let snapshot = revealed
        .snapshot()
        .map_err(|problem| anyhow::anyhow!("the record's snapshot cannot be read: {problem}"))?;
    let (unmatched, unopened) = conflict::audit(&snapshot, &file.openings);
    let ok = unmatched == 0 && unopened == 0;
    let mark = if ok { "OK  " } else { "FAIL" };
    println!(
        "{mark} declarations: {} opened, {unmatched} match no sealed digest, {unopened} sealed digests not opened",
        file.openings.len()
    );
    Ok(ok)
}
