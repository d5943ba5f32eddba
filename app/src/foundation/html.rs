//! Text written into HTML by hand (outside `view!`, which escapes for us), and the places
//! where Leptos writes text raw: `<title>` and `<textarea>`.

pub use domain::html::escape;
