/// Autosave for the article editor.
pub mod autosave;
/// The switch for the elderly-friendly mode (适老化).
pub mod elder_mode;
