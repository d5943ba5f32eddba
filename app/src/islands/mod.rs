/// Autosave for the article editor.
pub mod autosave;
/// Re-runs a revealed draw in the browser and shows every step.
pub mod draw_verifier;
/// The switch for the elderly-friendly mode (适老化).
pub mod elder_mode;
