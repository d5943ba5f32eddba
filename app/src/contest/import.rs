//! Loads the question bank from `content/questions/*.toml` at start-up. Every question is
//! checked; a bad one is logged with its file and line and left out, the rest are used.

use std::path::Path;

use crate::foundation::db::Pool;
use domain::contest::bank::{self, BankError, Question};

/// The questions of every file in the folder, and every problem found.
pub fn read_folder(folder: &Path) -> (Vec<(Question, String)>, Vec<BankError>) {
    let mut names: Vec<_> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let (questions, problems) = bank::parse_file(&name, &text);
                errors.extend(problems);
                files.push((name, questions));
            }
            Err(error) => errors.push(BankError {
                file: name,
                line: 1,
                message: error.to_string(),
            }),
        }
    }
    errors.extend(bank::duplicate_ids(&files));
    // The first question with an id wins; later ones were reported above.
    let mut seen = std::collections::HashSet::new();
    let questions = files
        .into_iter()
        .flat_map(|(file, list)| list.into_iter().map(move |q| (q, file.clone())))
        .filter(|(q, _)| seen.insert(q.id.clone()))
        .collect();
    (questions, errors)
}

/// Loads the folder into the database; the server starts whatever the files hold.
pub async fn import_bank(pool: &Pool, folder: &Path, now: i64) {
    let (questions, errors) = read_folder(folder);
    for error in &errors {
        tracing::warn!("question skipped: {error}");
    }
    if questions.is_empty() {
        tracing::warn!("no questions in {}", folder.display());
        return;
    }
    match super::store::replace_bank(pool, &questions, now).await {
        Ok(()) => tracing::info!(
            count = questions.len(),
            skipped = errors.len(),
            "question bank loaded"
        ),
        Err(error) => tracing::error!(%error, "storing the question bank failed"),
    }
}
