/// Autosave for the article editor.
pub mod autosave;
/// The switch for the elderly-friendly mode (适老化).
pub mod elder_mode;
/// Practice mode: one question at a time with instant feedback.
pub mod practice;
/// The knowledge contest in the browser.
pub mod quiz;
