//! `domain::markdown::render` and `excerpt` on any text. Besides not panicking, the HTML must be
//! what the sanitizer in `domain/src/markdown.rs` promises: only whitelisted tags and
//! attributes, no script, no event handler, no `javascript:`/`data:` link, ids only in the
//! `sec-`/`fn-` namespaces, no style but table alignment.
//!
//! The checks read the HTML tag by tag. They rely on how html5ever serializes (what ammonia
//! returns): a `<` in text or in an attribute value is always written `&lt;`, attribute values
//! are always double-quoted, and comments are stripped. So every `<` opens a tag, and text such
//! as `onerror=` or `<script>` typed by an author is only ever escaped text.

#![no_main]

use domain::markdown::{excerpt, render};
use libfuzzer_sys::fuzz_target;

/// ammonia's default tags (ammonia 4.2), plus `section` which `markdown.rs` adds (`sup` is a
/// default already). A new default in a later ammonia shows up here as a failure, to be added
/// after a look.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
    "section",
];

/// URL schemes a link or image may use (`url_schemes` in `markdown.rs`).
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The attributes `tag` may carry: ammonia's defaults plus what `markdown.rs` adds.
fn attribute_allowed(tag: &str, attribute: &str) -> bool {
    let specific: &[&str] = match tag {
        // `rel` is set by `link_rel`.
        "a" => &["href", "hreflang", "rel"],
        "bdo" => &["dir"],
        "blockquote" | "q" => &["cite"],
        "col" | "colgroup" => &["align", "char", "charoff", "span"],
        "del" | "ins" => &["cite", "datetime"],
        "hr" => &["align", "size", "width"],
        "img" => &["align", "alt", "height", "src", "width"],
        "ol" => &["start"],
        "table" => &["align", "char", "charoff", "summary"],
        "tbody" | "tfoot" | "thead" | "tr" => &["align", "char", "charoff"],
        "td" => &[
            "align", "char", "charoff", "colspan", "headers", "rowspan", "style",
        ],
        "th" => &[
            "align", "char", "charoff", "colspan", "headers", "rowspan", "scope", "style",
        ],
        "h2" | "h3" | "h4" => &["id"],
        "div" => &["id", "class", "role", "tabindex", "aria-label"],
        "sup" => &["id", "class"],
        _ => &[],
    };
    matches!(attribute, "lang" | "title") || specific.contains(&attribute)
}

/// The scheme of a URL as a browser reads it (WHATWG URL: leading and trailing C0 controls and
/// spaces dropped, tabs and newlines removed anywhere), lower case; `None` for a relative URL.
fn scheme(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if !url.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    for (at, c) in url.char_indices() {
        match c {
            ':' => return Some(url[..at].to_ascii_lowercase()),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {}
            _ => return None,
        }
    }
    None
}

/// An attribute value as the browser sees it (html5ever writes only these references).
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn check_attribute(tag: &str, attribute: &str, value: &str, html: &str) {
    assert!(
        !attribute.starts_with("on"),
        "event handler `{attribute}` on <{tag}> in {html:?}"
    );
    assert!(
        attribute_allowed(tag, attribute),
        "attribute `{attribute}` on <{tag}> got through the sanitizer in {html:?}"
    );
    match (tag, attribute) {
        ("h2" | "h3" | "h4", "id") => assert!(value.starts_with("sec-"), "{html:?}"),
        ("div" | "sup", "id") => assert!(value.starts_with("fn-"), "{html:?}"),
        // Only the renderer's own table frame has these.
        ("div", "role") => assert_eq!(value, "region", "{html:?}"),
        ("div", "tabindex") => assert_eq!(value, "0", "{html:?}"),
        ("div", "aria-label") => assert_eq!(value, "表格", "{html:?}"),
        (_, "style") => assert!(
            matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            ),
            "style `{value}` in {html:?}"
        ),
        ("a", "rel") => assert_eq!(value, "noopener noreferrer", "{html:?}"),
        (_, "href" | "src") => {
            if let Some(scheme) = scheme(value) {
                assert!(
                    SCHEMES.contains(&scheme.as_str()),
                    "URL `{value}` with scheme `{scheme}` in {html:?}"
                );
            }
            if value.starts_with('#') {
                assert!(
                    value.starts_with("#sec-") || value.starts_with("#fn-"),
                    "{html:?}"
                );
            }
        }
        _ => {}
    }
}

/// Walks the tags of sanitized HTML and checks each one.
fn check_html(html: &str) {
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "script in {html:?}"
    );
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        if closing {
            rest = &rest[1..];
        }
        let name_end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let tag = &rest[..name_end];
        assert!(
            TAGS.contains(&tag),
            "tag <{tag}> got through the sanitizer in {html:?}"
        );
        rest = &rest[name_end..];
        if closing {
            rest = rest.strip_prefix('>').expect("`>` closing an end tag");
            continue;
        }
        // ` name="value"` as many times as there are attributes, then `>`.
        loop {
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let after = rest
                .strip_prefix(' ')
                .unwrap_or_else(|| panic!("malformed tag <{tag}> in {html:?}"));
            let (attribute, after) = after
                .split_once("=\"")
                .unwrap_or_else(|| panic!("attribute without a value in {html:?}"));
            let (value, after) = after
                .split_once('"')
                .unwrap_or_else(|| panic!("unterminated attribute value in {html:?}"));
            check_attribute(tag, attribute, &unescape(value), html);
            rest = after;
        }
    }
}

fuzz_target!(|source: &str| {
    let rendered = render(source);
    check_html(&rendered.html);

    assert!(rendered.reading_minutes >= 1);
    for entry in &rendered.toc {
        assert!(matches!(entry.level, 2 | 3), "{entry:?}");
        assert!(entry.id.starts_with("sec-"), "{entry:?}");
    }

    // The summary is at most 120 characters and an ellipsis.
    let summary = rendered.summary();
    assert!(summary.chars().count() <= 121, "{summary:?}");

    // Any length, including 0; the first byte picks it so the fuzzer can steer it.
    let max = source.bytes().next().map_or(0, usize::from);
    let cut = excerpt(source, max);
    assert!(cut.chars().count() <= max + 1, "{max}: {cut:?}");
});
