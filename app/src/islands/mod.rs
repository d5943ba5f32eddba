/// The switch for the elderly-friendly mode (适老化).
pub mod elder_mode;
