use leptos::prelude::*;

use crate::foundation::request::{CSRF_FIELD, csrf_token};

/// The hidden field every state-changing form carries (checked by the server's CSRF guard).
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=CSRF_FIELD value=csrf_token() /> }
}

/// Whether a notice reports a problem or a success.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Error,
    Success,
}

/// A message above a form. Errors are announced at once by screen readers.
#[component]
pub fn Notice(kind: NoticeKind, #[prop(into)] message: String) -> impl IntoView {
    let (class, role) = match kind {
        NoticeKind::Error => ("notice notice--error", "alert"),
        NoticeKind::Success => ("notice notice--success", "status"),
    };
    view! { <p class=class role=role>{message}</p> }
}
