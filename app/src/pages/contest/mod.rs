//! The public side of the knowledge contest.

/// `/contest/{id}`: a contest, with the quiz.
pub mod landing;
/// `/contest/{id}/leaderboard`.
pub mod leaderboard;
/// `/contest`: the contests and practice mode.
pub mod list;
/// `/contest/practice`.
pub mod practice;
/// `/contest/result/{attempt}` and `/contest/certificate?code=`.
pub mod result;

use crate::foundation::clock::format_beijing;

/// `2026-06-01 08:00 至 2026-06-30 18:00`.
pub fn window_label(opens_at: i64, closes_at: i64) -> String {
    format!(
        "{} 至 {}",
        &format_beijing(opens_at)[..16],
        &format_beijing(closes_at)[..16]
    )
}
