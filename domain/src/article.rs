//! An article file: TOML front matter between `+++` lines, then the markdown body.
//!
//! ```text
//! +++
//! title = "家庭火灾预防与逃生指南"
//! slug = "home-fire-safety"
//! date = "2026-02-23"
//! category = "安全常识"
//! tags = ["消防", "家庭安全"]
//! summary = "……"
//! author = "开平市应急管理局宣传股"
//! status = "published"
//! +++
//! 正文……
//! ```

pub use crate::date::Date;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The sections articles are filed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    #[serde(rename = "通知公告")]
    Notices,
    #[serde(rename = "工作动态")]
    News,
    #[serde(rename = "法律法规")]
    Laws,
    #[serde(rename = "安全常识")]
    SafetyKnowledge,
    #[serde(rename = "应急科普")]
    EmergencyScience,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Notices,
        Category::News,
        Category::Laws,
        Category::SafetyKnowledge,
        Category::EmergencyScience,
    ];

    /// The Chinese name, as written in front matter and shown to readers.
    pub fn name(self) -> &'static str {
        match self {
            Category::Notices => "通知公告",
            Category::News => "工作动态",
            Category::Laws => "法律法规",
            Category::SafetyKnowledge => "安全常识",
            Category::EmergencyScience => "应急科普",
        }
    }

    /// The name in URLs: `/articles/category/notices`.
    pub fn key(self) -> &'static str {
        match self {
            Category::Notices => "notices",
            Category::News => "news",
            Category::Laws => "laws",
            Category::SafetyKnowledge => "safety",
            Category::EmergencyScience => "science",
        }
    }

    pub fn from_key(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == key)
    }

    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A slug: the article's name in its URL. Lowercase ASCII letters, digits and single `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(value: &str) -> Result<Slug, String> {
        let ok = (1..=80).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if ok {
            Ok(Slug(value.to_string()))
        } else {
            Err(format!(
                "slug `{value}` is not allowed: use 1–80 lowercase letters, digits and single '-' \
                 (e.g. `home-fire-safety`)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Slug::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

/// Whether an article file is ready for the public.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Published,
    Draft,
}

/// The front matter of an article file. Every field but `tags`, `cover` and `status` is
/// required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The headline.
    pub title: String,
    /// The article's name in its URL, unique across the site.
    pub slug: Slug,
    /// The publication date.
    pub date: Date,
    /// One of 通知公告, 工作动态, 法律法规, 安全常识, 应急科普.
    pub category: Category,
    /// Free keywords.
    #[serde(default)]
    pub tags: Vec<String>,
    /// One or two sentences for lists, feeds and search results.
    pub summary: String,
    /// The person or office responsible.
    pub author: String,
    /// A cover image path under the uploads folder, if any.
    #[serde(default)]
    pub cover: Option<String>,
    /// `published` (the default) or `draft`.
    #[serde(default = "published")]
    pub status: FileStatus,
}

fn published() -> FileStatus {
    FileStatus::Published
}

/// An article file, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleFile {
    pub front: FrontMatter,
    /// The markdown after the front matter.
    pub body: String,
}

/// What is wrong with an article file, and where (1-based line in the file).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl ArticleFile {
    /// Parses a whole file.
    pub fn parse(text: &str) -> Result<ArticleFile, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split_inclusive('\n');
        if lines.next().map(str::trim_end) != Some("+++") {
            return Err(ParseError {
                line: 1,
                message: "the file must start with a `+++` line opening the front matter".into(),
            });
        }
        let mut front = String::new();
        let mut closed_at = None;
        for (index, line) in lines.by_ref().enumerate() {
            if line.trim_end() == "+++" {
                closed_at = Some(index + 2);
                break;
            }
            front.push_str(line);
        }
        let Some(closing_line) = closed_at else {
            return Err(ParseError {
                line: 1,
                message: "the front matter is never closed by a `+++` line".into(),
            });
        };
        let body: String = lines.collect();
        let front: FrontMatter = toml::from_str(&front).map_err(|error| {
            let line = error
                .span()
                .map(|span| front[..span.start].matches('\n').count() + 2)
                .unwrap_or(2);
            ParseError {
                line,
                message: error.message().to_string(),
            }
        })?;
        for (field, value) in [
            ("title", &front.title),
            ("summary", &front.summary),
            ("author", &front.author),
        ] {
            if value.trim().is_empty() {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(field))
                    .map_or(2, |i| i + 1);
                return Err(ParseError {
                    line,
                    message: format!("`{field}` must not be empty"),
                });
            }
        }
        if body.trim().is_empty() {
            return Err(ParseError {
                line: closing_line + 1,
                message: "the article has no text after the front matter".into(),
            });
        }
        Ok(ArticleFile { front, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\ntitle = \"燃气泄漏怎么办\"\nslug = \"gas-leak\"\ndate = \"2026-03-30\"\ncategory = \"安全常识\"\ntags = [\"燃气\"]\nsummary = \"关阀、开窗、不开关电器。\"\nauthor = \"宣传股\"\n+++\n\n## 一、闻到异味\n\n正文。\n";

    #[test]
    fn a_good_file_parses_into_typed_fields() {
        let file = ArticleFile::parse(GOOD).unwrap();
        assert_eq!(file.front.slug.as_str(), "gas-leak");
        assert_eq!(file.front.category, Category::SafetyKnowledge);
        assert_eq!(
            file.front.date,
            Date {
                year: 2026,
                month: 3,
                day: 30
            }
        );
        assert_eq!(file.front.status, FileStatus::Published);
        assert!(file.body.contains("## 一、闻到异味"));
    }

    #[test]
    fn a_wrong_field_is_reported_with_its_line() {
        let bad = GOOD.replace("安全常识", "杂谈");
        let error = ArticleFile::parse(&bad).unwrap_err();
        assert_eq!(error.line, 5, "{error}");
        assert!(error.message.contains("unknown variant"), "{error}");
    }

    #[test]
    fn a_missing_field_is_named() {
        let bad = GOOD.replace("author = \"宣传股\"\n", "");
        let error = ArticleFile::parse(&bad).unwrap_err();
        assert!(error.message.contains("author"), "{error}");
    }

    #[test]
    fn unsafe_slugs_and_impossible_dates_are_refused() {
        assert!(
            ArticleFile::parse(&GOOD.replace("gas-leak", "../etc/passwd"))
                .unwrap_err()
                .message
                .contains("slug")
        );
        assert!(ArticleFile::parse(&GOOD.replace("gas-leak", "Gas Leak")).is_err());
        let error = ArticleFile::parse(&GOOD.replace("2026-03-30", "2026-02-30")).unwrap_err();
        assert_eq!(error.line, 4);
    }

    #[test]
    fn a_file_without_front_matter_or_body_is_refused() {
        assert_eq!(ArticleFile::parse("正文").unwrap_err().line, 1);
        assert!(
            ArticleFile::parse("+++\ntitle = \"x\"\n")
                .unwrap_err()
                .message
                .contains("never closed")
        );
        let empty = GOOD.split("\n## ").next().unwrap();
        assert!(
            ArticleFile::parse(empty)
                .unwrap_err()
                .message
                .contains("no text")
        );
    }

    #[test]
    fn dates_count_days_like_the_calendar() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::parse("2024-02-29").unwrap().days_since_epoch(),
            19_782
        );
        assert!(Date::parse("2023-02-29").is_err());
    }

    #[test]
    fn categories_have_url_keys() {
        for category in Category::ALL {
            assert_eq!(Category::from_key(category.key()), Some(category));
            assert_eq!(Category::from_name(category.name()), Some(category));
        }
    }
}
