//! Search results show where the query was found: the passage around it, with the query
//! marked. Everything is HTML-escaped first, so only our `<mark>` tags are markup.

use crate::foundation::html::escape;

/// Characters shown on each side of the first match.
const CONTEXT: usize = 40;

/// `text` escaped, with every occurrence of `query` (ignoring ASCII case) in `<mark>`.
pub fn mark(text: &str, query: &str) -> String {
    let query = query.trim();
    if query.is_empty() {
        return escape(text);
    }
    let lower_text = text.to_ascii_lowercase();
    let lower_query = query.to_ascii_lowercase();
    let mut out = String::new();
    let mut rest = 0;
    while let Some(found) = lower_text[rest..].find(&lower_query) {
        let start = rest + found;
        let end = start + lower_query.len();
        out.push_str(&escape(&text[rest..start]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[start..end]));
        out.push_str("</mark>");
        rest = end;
    }
    out.push_str(&escape(&text[rest..]));
    out
}

/// The passage of `text` around the first match of `query` (or its beginning), marked.
pub fn snippet(text: &str, query: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    let at = flat
        .to_ascii_lowercase()
        .find(&query.trim().to_ascii_lowercase())
        .map(|byte| flat[..byte].chars().count())
        .unwrap_or(0);
    let from = at.saturating_sub(CONTEXT);
    let to = (at + query.chars().count() + CONTEXT * 2).min(chars.len());
    let passage: String = chars[from..to].iter().collect();
    let mut html = mark(&passage, query);
    if from > 0 {
        html.insert(0, '…');
    }
    if to < chars.len() {
        html.push('…');
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_and_everything_else_escaped() {
        assert_eq!(
            mark("关闭燃气阀门<b>", "燃气"),
            "关闭<mark>燃气</mark>阀门&lt;b&gt;"
        );
        assert_eq!(
            mark("Call 119 or 119", "119"),
            "Call <mark>119</mark> or <mark>119</mark>"
        );
        assert_eq!(mark("AED 使用", "aed"), "<mark>AED</mark> 使用");
    }

    #[test]
    fn a_query_cannot_inject_markup() {
        assert_eq!(
            mark("a<script>", "<script>"),
            "a<mark>&lt;script&gt;</mark>"
        );
    }

    #[test]
    fn snippets_show_the_passage_around_the_match() {
        let text = format!(
            "{}闻到燃气味时先关阀门{}",
            "前".repeat(60),
            "后".repeat(100)
        );
        let html = snippet(&text, "燃气");
        assert!(html.starts_with('…') && html.ends_with('…'));
        assert!(html.contains("闻到<mark>燃气</mark>味"));
    }
}
