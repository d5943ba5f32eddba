//! Markdown as publicity staff write it, rendered to HTML that is safe to publish whatever
//! they (or a pasted document) put in it: raw HTML passes through a whitelist sanitizer, so
//! no script, event handler, `javascript:`/`data:` URL, iframe or style survives.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::{Deserialize, Serialize};

/// Characters a reader gets through per minute (Chinese text, unhurried).
const CHARS_PER_MINUTE: usize = 400;
/// Headings an article needs before it gets a table of contents: short pieces do not need one.
pub const TOC_MIN_ENTRIES: usize = 3;
/// Length of the summary taken from the text when the author gave none.
const SUMMARY_CHARS: usize = 120;
/// Deepest nesting of markdown blocks and spans (quotes, lists, emphasis…) kept; deeper ones
/// keep their text but lose their tags. The HTML parser behind the sanitizer walks the stack
/// of open elements at each block it opens, so nesting costs the square of its depth: 20,000
/// levels of `> ` or `- ` (40 KB) took seconds, a megabyte would take an hour.
const MAX_NESTING: usize = 32;
/// Start tags a document with raw HTML may produce before its raw HTML is shown as text. The
/// HTML parser reopens formatting elements left open (`<b>`, `<i>`…) in every block that
/// follows, so raw HTML can make the square of its tag count in elements: 1,000 open `<b>`
/// and 1,000 paragraphs made a million elements (7 MB) from 13 KB. Articles have a few
/// hundred tags; a pasted table of 300 rows still fits.
const RAW_HTML_MAX_TAGS: usize = 2_000;

/// A rendered document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// Sanitized HTML of the body.
    pub html: String,
    /// The `##` and `###` headings, in order, with the ids their anchors use.
    pub toc: Vec<TocEntry>,
    /// The text without markup (for search and summaries).
    pub plain_text: String,
    /// Minutes to read, at least one.
    pub reading_minutes: u32,
}

impl Rendered {
    /// The first sentences of the text, for a list or a `<meta name="description">`.
    pub fn summary(&self) -> String {
        excerpt(&self.plain_text, SUMMARY_CHARS)
    }
}

/// One heading of the table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// 2 for `##`, 3 for `###`.
    pub level: u8,
    pub text: String,
    /// The heading's `id`, for `#anchor` links.
    pub id: String,
}

/// A top-level entry of the table of contents with the `###` entries beneath it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocSection {
    pub entry: TocEntry,
    pub children: Vec<TocEntry>,
}

/// The flat table of contents as a tree of two levels, for a nested list whose numbers run
/// 1…N over the `##` headings. A `###` before any `##` stands on its own at the top.
pub fn nest_toc(entries: Vec<TocEntry>) -> Vec<TocSection> {
    let mut sections: Vec<TocSection> = Vec::new();
    for entry in entries {
        match sections.last_mut() {
            Some(section) if entry.level > 2 && section.entry.level == 2 => {
                section.children.push(entry);
            }
            _ => sections.push(TocSection {
                entry,
                children: Vec::new(),
            }),
        }
    }
    sections
}

/// Renders markdown (tables, footnotes, strikethrough, task lists) to sanitized HTML.
pub fn render(source: &str) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let events = limit_nesting(Parser::new_ext(source, options));

    let mut toc = Vec::new();
    let mut plain_text = String::new();
    let events = with_heading_ids(events, &mut toc);
    for event in &events {
        match event {
            Event::Text(text) | Event::Code(text) => plain_text.push_str(text),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
                if !plain_text.ends_with('\n') =>
            {
                plain_text.push('\n');
            }
            _ => {}
        }
    }
    // Raw HTML is kept (staff paste tables from documents) but only through the sanitizer, and
    // shown as text in a document with more tags than the sanitizer can parse in linear time.
    let mut unsafe_html = String::with_capacity(source.len() * 2);
    html::push_html(&mut unsafe_html, events.iter().cloned());
    if events.iter().any(is_raw_html) && start_tags(&unsafe_html) > RAW_HTML_MAX_TAGS {
        unsafe_html.clear();
        html::push_html(
            &mut unsafe_html,
            events.into_iter().map(|event| match event {
                Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
                other => other,
            }),
        );
    }
    let html = with_scrollable_tables(&sanitizer().clean(&unsafe_html).to_string());

    let counted = plain_text.chars().filter(|c| !c.is_whitespace()).count();
    let reading_minutes =
        u32::try_from(counted.div_ceil(CHARS_PER_MINUTE).max(1)).unwrap_or(u32::MAX);
    Rendered {
        html,
        toc,
        plain_text: plain_text.trim().to_string(),
        reading_minutes,
    }
}

/// Drops the tags (not the text) of blocks and spans nested deeper than [`MAX_NESTING`]. A
/// table's head, rows and cells go with their table.
fn limit_nesting<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // For each open tag, whether it was kept.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0;
    for event in events {
        match event {
            Event::Start(tag) => {
                let keep = match tag {
                    Tag::TableHead | Tag::TableRow | Tag::TableCell => {
                        open.last().copied().unwrap_or(true)
                    }
                    _ => depth < MAX_NESTING,
                };
                open.push(keep);
                if keep {
                    depth += 1;
                    out.push(Event::Start(tag));
                }
            }
            Event::End(tag) => {
                if open.pop().unwrap_or(true) {
                    depth = depth.saturating_sub(1);
                    out.push(Event::End(tag));
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The frame every table of an article is put in: a wide table scrolls sideways inside it on a
/// phone, and keyboard users can scroll it too (WCAG 2.1.1) because it takes focus, as a
/// region named for screen readers.
const TABLE_FRAME: &str =
    r#"<div class="table-scroll" role="region" tabindex="0" aria-label="表格">"#;

/// Puts every table of sanitized HTML in [`TABLE_FRAME`]. Done after the sanitizer, which lets
/// no author set `role` or `tabindex`; in sanitized HTML every `<` of text is escaped, so each
/// `<table` followed by a space or `>` is a table's start tag.
fn with_scrollable_tables(html: &str) -> String {
    let mut framed = String::with_capacity(html.len() + 128);
    let mut rest = html;
    while let Some(at) = rest.find("<table") {
        let after = &rest[at + "<table".len()..];
        framed.push_str(&rest[..at]);
        if after.starts_with([' ', '>']) {
            framed.push_str(TABLE_FRAME);
        }
        framed.push_str("<table");
        rest = after;
    }
    framed.push_str(rest);
    framed.replace("</table>", "</table></div>")
}

fn is_raw_html(event: &Event) -> bool {
    matches!(event, Event::Html(_) | Event::InlineHtml(_))
}

/// How many start tags (`<` and a letter) HTML holds, at most: text is escaped, so every other
/// `<` is in raw HTML.
fn start_tags(html: &str) -> usize {
    html.as_bytes()
        .windows(2)
        .filter(|pair| pair[0] == b'<' && pair[1].is_ascii_alphabetic())
        .count()
}

/// Gives every `##`–`####` heading a stable id (`sec-1`, `sec-2`, … in order) unless the
/// author set one, and collects the `##`/`###` ones for the table of contents.
fn with_heading_ids<'a>(events: Vec<Event<'a>>, toc: &mut Vec<TocEntry>) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut open: Option<(usize, u8, String)> = None;
    let mut count = 0;
    for event in events {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) if level >= HeadingLevel::H2 => {
                count += 1;
                let id = id.unwrap_or_else(|| CowStr::from(format!("sec-{count}")));
                open = Some((out.len(), level as u8, id.to_string()));
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(id),
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((_, depth, id)) = open.take() {
                    let text = heading_text(&out);
                    if depth <= 3 {
                        toc.push(TocEntry {
                            level: depth,
                            text,
                            id,
                        });
                    }
                }
                out.push(Event::End(TagEnd::Heading(level)));
            }
            // Task list boxes become characters: no form controls in published pages.
            Event::TaskListMarker(done) => out.push(Event::Text(CowStr::from(if done {
                "☑ "
            } else {
                "☐ "
            }))),
            other => out.push(other),
        }
    }
    out
}

/// The text of the heading being closed: everything since its start.
fn heading_text(events: &[Event]) -> String {
    let start = events
        .iter()
        .rposition(|e| matches!(e, Event::Start(Tag::Heading { .. })))
        .unwrap_or_default();
    events[start..]
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["section", "sup"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("div", ["id", "class"])
        .add_tag_attributes("sup", ["id", "class"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Ids live in namespaces of their own so that no text can clobber the page's ids
            // (`main`, form fields): `sec-N` for headings, `fn-…` for footnotes.
            ("h2" | "h3" | "h4", "id") => value.starts_with("sec-").then(|| value.into()),
            ("div" | "sup", "id") => Some(format!("fn-{value}").into()),
            ("a", "href") if value.starts_with('#') && !value.starts_with("#sec-") => {
                Some(format!("#fn-{}", &value[1..]).into())
            }
            // Table alignment is the only style allowed.
            ("td" | "th", "style") => matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            )
            .then(|| value.into()),
            _ => Some(value.into()),
        })
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"));
    builder
}

/// At most `max` characters of `text`, cut at a sentence end when one is near, with `…` when
/// cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let sentence_end = cut
        .rfind(['。', '！', '？', '；'])
        .filter(|&at| at > cut.len() / 2);
    match sentence_end {
        Some(at) => cut[..at + '。'.len_utf8()].to_string(),
        None => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_headings_nest_under_their_heading() {
        let entry = |level, id: &str| TocEntry {
            level,
            text: id.to_uppercase(),
            id: id.into(),
        };
        let sections = nest_toc(vec![
            entry(3, "lead"),
            entry(2, "a"),
            entry(2, "b"),
            entry(3, "b1"),
            entry(3, "b2"),
            entry(2, "c"),
        ]);
        let shape: Vec<(&str, Vec<&str>)> = sections
            .iter()
            .map(|s| {
                (
                    s.entry.id.as_str(),
                    s.children.iter().map(|c| c.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("lead", vec![]),
                ("a", vec![]),
                ("b", vec!["b1", "b2"]),
                ("c", vec![])
            ]
        );
    }

    #[test]
    fn headings_get_anchors_and_make_the_table_of_contents() {
        let rendered = render("## 一、起火了怎么办\n\n文字\n\n### 报警\n\n#### 细节\n");
        assert_eq!(
            rendered.toc,
            vec![
                TocEntry {
                    level: 2,
                    text: "一、起火了怎么办".into(),
                    id: "sec-1".into()
                },
                TocEntry {
                    level: 3,
                    text: "报警".into(),
                    id: "sec-2".into()
                },
            ]
        );
        assert!(
            rendered
                .html
                .contains(r#"<h2 id="sec-1">一、起火了怎么办</h2>"#)
        );
        assert!(rendered.html.contains(r#"<h4 id="sec-3">"#));
    }

    #[test]
    fn reading_time_counts_characters_and_is_at_least_a_minute() {
        assert_eq!(render("短文").reading_minutes, 1);
        assert_eq!(render(&"安".repeat(1000)).reading_minutes, 3);
    }

    #[test]
    fn plain_text_has_no_markup() {
        let rendered = render("**注意**：拨打 `119`。\n\n- 第一\n- 第二");
        assert_eq!(rendered.plain_text, "注意：拨打 119。\n第一\n第二");
    }

    /// Inputs crafted while fuzzing the renderer (`fuzz/`, `bench/fuzz.sh`): each took seconds
    /// to render (a megabyte of them, which the editor accepts, hours), all of it in the HTML
    /// parser of the sanitizer.
    #[test]
    fn deep_nesting_is_flattened_beyond_the_limit() {
        for (source, tag) in [("> ", "<blockquote>"), ("- ", "<ul>"), ("1. ", "<ol>")] {
            let html = render(&format!("{}文字", source.repeat(20_000))).html;
            let depth = html.matches(tag).count();
            assert!((1..=MAX_NESTING).contains(&depth), "{tag}: {depth} levels");
        }
        let nested = render("> - 一\n>   > 二\n").html;
        assert!(
            nested.contains("<blockquote>\n<ul>\n<li>一\n<blockquote>"),
            "{nested}"
        );
    }

    #[test]
    fn raw_html_in_a_document_with_too_many_tags_is_shown_as_text() {
        // Formatting elements left open, each different, are reopened in every later block.
        let open: String = (0..1_000).map(|i| format!("<b title=\"{i}\">")).collect();
        let source = format!("{open}\n\n{}", "文字\n\n".repeat(1_500));
        let html = render(&source).html;
        assert!(html.starts_with("<p>&lt;b title=\"0\"&gt;"), "{html:.200}");
        assert!(html.len() < source.len() * 4, "{} bytes", html.len());
        // Deeply nested raw blocks, the other square.
        let html = render(&"<div>".repeat(20_000)).html;
        assert!(html.starts_with("&lt;div&gt;"), "{html:.200}");
    }

    #[test]
    fn every_table_scrolls_in_a_frame_the_keyboard_can_reach() {
        let html = render("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n<table align=\"center\"><tr><td>3</td></tr></table>\n").html;
        assert_eq!(html.matches(TABLE_FRAME).count(), 2, "{html}");
        assert_eq!(html.matches("</table></div>").count(), 2, "{html}");
        // An author cannot make a frame of their own.
        let html = render("<div role=\"region\" tabindex=\"0\">x</div>\n").html;
        assert!(
            !html.contains("tabindex") && !html.contains("role"),
            "{html}"
        );
    }

    #[test]
    fn raw_html_within_the_limit_still_goes_through_the_sanitizer() {
        let rows = "<tr><td>甲</td><td onclick=\"x()\">乙</td></tr>".repeat(200);
        let html = render(&format!("<table>{rows}</table>\n")).html;
        assert!(
            html.starts_with(&format!(
                "{TABLE_FRAME}<table><tbody><tr><td>甲</td><td>乙</td>"
            )),
            "{html}"
        );
    }

    #[test]
    fn excerpts_end_at_a_sentence_when_they_can() {
        assert_eq!(
            excerpt("第一句话很长很长。第二句", 11),
            "第一句话很长很长。"
        );
        assert_eq!(excerpt("没有句号的一段很长的文字", 5), "没有句号的…");
        assert_eq!(excerpt("短", 5), "短");
    }
}
