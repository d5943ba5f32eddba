/// A friendly message where a list has nothing to show yet.
pub mod empty_state;
/// The page that stands in for a failed one.
pub mod error_page;
/// The frame of every page: skip link, header with navigation, main landmark, footer.
pub mod layout;
