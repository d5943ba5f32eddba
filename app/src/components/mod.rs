/// Articles in lists, with pagination.
pub mod article_list;
/// A friendly message where a list has nothing to show yet.
pub mod empty_state;
/// The page that stands in for a failed one.
pub mod error_page;
/// Pieces of forms: the CSRF field, notices.
pub mod forms;
/// The frame of every page: skip link, header with navigation, main landmark, footer.
pub mod layout;
/// The read-aloud control (朗读) for articles and contest questions.
pub mod read_aloud;
/// The server-side role check around every staff page, and the staff navigation.
pub mod staff_gate;
/// The sideways-scrolling frame of a wide table, reachable by keyboard.
pub mod table_scroll;
