//! The question bank as files: `content/questions/*.toml`, one topic per file.
//!
//! ```toml
//! topic = "消防安全"            # the file's topic
//!
//! [[questions]]
//! id = "fire-001"               # unique across the whole bank, letters, digits and '-'
//! kind = "single"               # single | multiple | judge
//! difficulty = 1                # 1 easy, 2 medium, 3 hard
//! stem = "…？"
//! options = ["…", "…", "…", "…"] # single: 2–6 options; multiple: 3–6; judge: none
//! answer = ["B"]                # letters of the options; judge: true or false
//! explanation = "…"            # 解析, shown after submission
//! source = "《中华人民共和国消防法》第四十四条"  # law and article, or a national standard
//! contest_only = true           # optional: never shown or checked in practice mode
//! ```
//!
//! Every question is checked; a bad one is reported with its file and line and left out.

use serde::{Deserialize, Serialize};

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One correct option.
    Single,
    /// Two or more correct options.
    Multiple,
    /// True or false (判断题), shown as the options 正确 / 错误.
    Judge,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Single => "单选题",
            Kind::Multiple => "多选题",
            Kind::Judge => "判断题",
        }
    }
}

/// The options a true/false question shows, in this order.
pub const JUDGE_OPTIONS: [&str; 2] = ["正确", "错误"];

/// A checked question. Options of a judge question are [`JUDGE_OPTIONS`]; `answer` holds the
/// indices of the correct options, ascending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub topic: String,
    pub kind: Kind,
    pub difficulty: u8,
    pub stem: String,
    pub options: Vec<String>,
    pub answer: Vec<usize>,
    pub explanation: String,
    pub source: String,
    /// Kept for contests: practice mode never shows or checks it, so its answer cannot be
    /// learned there before a contest that draws only such questions.
    #[serde(default)]
    pub contest_only: bool,
}

/// A question that cannot be used, and where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct BankError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
struct RawFile {
    topic: String,
    #[serde(default)]
    questions: Vec<toml::Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    kind: Kind,
    difficulty: u8,
    stem: String,
    #[serde(default)]
    options: Vec<String>,
    answer: RawAnswer,
    explanation: String,
    source: String,
    #[serde(default)]
    contest_only: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAnswer {
    Letters(Vec<String>),
    Truth(bool),
}

/// Parses one bank file: the good questions, and every problem with its line.
pub fn parse_file(file: &str, text: &str) -> (Vec<Question>, Vec<BankError>) {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => {
            let line = error.span().map_or(1, |span| line_of(span.start));
            return (
                Vec::new(),
                vec![BankError {
                    file: file.into(),
                    line,
                    message: format!("不是有效的题库文件：{}", error.message()),
                }],
            );
        }
    };
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    for spanned in raw.questions {
        let line = line_of(spanned.span().start);
        match check(&raw.topic, spanned.into_inner()) {
            Ok(question) => questions.push(question),
            Err(message) => errors.push(BankError {
                file: file.into(),
                line,
                message,
            }),
        }
    }
    (questions, errors)
}

/// Checks one question; the message names the question.
fn check(topic: &str, raw: RawQuestion) -> Result<Question, String> {
    let id = raw.id.trim().to_string();
    if id.is_empty()
        || id.len() > 40
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("题目编号“{id}”无效：只能用字母、数字、- 和 _"));
    }
    let named = |message: String| format!("{id}：{message}");
    if topic.trim().is_empty() {
        return Err(named("文件缺少 topic（主题）".into()));
    }
    for (field, value) in [
        ("stem（题干）", &raw.stem),
        ("explanation（解析）", &raw.explanation),
        ("source（出处）", &raw.source),
    ] {
        if value.trim().is_empty() {
            return Err(named(format!("{field}不能为空")));
        }
    }
    if !(1..=3).contains(&raw.difficulty) {
        return Err(named("difficulty（难度）应为 1、2 或 3".into()));
    }
    let (options, answer) = match (raw.kind, raw.answer) {
        (Kind::Judge, RawAnswer::Truth(truth)) => {
            if !raw.options.is_empty() {
                return Err(named("判断题不要写 options（固定为“正确”“错误”）".into()));
            }
            (
                JUDGE_OPTIONS.iter().map(|o| o.to_string()).collect(),
                vec![if truth { 0 } else { 1 }],
            )
        }
        (Kind::Judge, RawAnswer::Letters(_)) => {
            return Err(named("判断题的 answer 应为 true 或 false".into()));
        }
        (_, RawAnswer::Truth(_)) => {
            return Err(named("选择题的 answer 应为选项字母，如 [\"B\"]".into()));
        }
        (kind, RawAnswer::Letters(letters)) => {
            let least = if kind == Kind::Single { 2 } else { 3 };
            if raw.options.len() < least || raw.options.len() > 6 {
                return Err(named(format!(
                    "{}应有 {least} 到 6 个选项，这里有 {} 个",
                    kind.label(),
                    raw.options.len()
                )));
            }
            if raw.options.iter().any(|o| o.trim().is_empty()) {
                return Err(named("选项不能为空".into()));
            }
            let mut answer = Vec::new();
            for letter in &letters {
                let index = letter_index(letter)
                    .filter(|&i| i < raw.options.len())
                    .ok_or_else(|| named(format!("答案“{letter}”不是本题的选项字母")))?;
                if answer.contains(&index) {
                    return Err(named(format!("答案“{letter}”重复")));
                }
                answer.push(index);
            }
            answer.sort_unstable();
            match kind {
                Kind::Single if answer.len() != 1 => {
                    return Err(named(format!(
                        "单选题必须恰好有一个答案，这里有 {} 个",
                        answer.len()
                    )));
                }
                Kind::Multiple if answer.len() < 2 => {
                    return Err(named("多选题至少要有两个正确答案".into()));
                }
                _ => {}
            }
            (raw.options, answer)
        }
    };
    Ok(Question {
        id,
        topic: topic.trim().to_string(),
        kind: raw.kind,
        difficulty: raw.difficulty,
        stem: raw.stem.trim().to_string(),
        options,
        answer,
        explanation: raw.explanation.trim().to_string(),
        source: raw.source.trim().to_string(),
        contest_only: raw.contest_only,
    })
}

/// A question as staff type it in the bank editor: options one per line; the answer as
/// letters (`A,C`) or, for 判断题, `正确` / `错误`. Checked by the same rules as the files.
#[allow(clippy::too_many_arguments)]
pub fn from_form(
    id: &str,
    topic: &str,
    kind: Kind,
    difficulty: u8,
    stem: &str,
    options: &str,
    answer: &str,
    explanation: &str,
    source: &str,
) -> Result<Question, String> {
    let answer = if kind == Kind::Judge {
        match answer.trim() {
            "正确" | "对" | "true" => RawAnswer::Truth(true),
            "错误" | "错" | "false" => RawAnswer::Truth(false),
            _ => return Err("判断题的答案请填“正确”或“错误”".into()),
        }
    } else {
        RawAnswer::Letters(
            answer
                .split([',', '，', '、', ' '])
                .map(|l| l.trim().to_uppercase())
                .filter(|l| !l.is_empty())
                .collect(),
        )
    };
    let options = if kind == Kind::Judge {
        Vec::new()
    } else {
        options
            .lines()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect()
    };
    check(
        topic,
        RawQuestion {
            id: id.to_string(),
            kind,
            difficulty,
            stem: stem.to_string(),
            options,
            answer,
            explanation: explanation.to_string(),
            source: source.to_string(),
            contest_only: false,
        },
    )
}

/// `"A"` → 0, `"B"` → 1 …
pub fn letter_index(letter: &str) -> Option<usize> {
    let mut chars = letter.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(c @ 'A'..='Z'), None) => Some(c as usize - 'A' as usize),
        _ => None,
    }
}

/// 0 → `'A'` …
pub fn letter(index: usize) -> char {
    (b'A' + index as u8) as char
}

/// Reports ids used more than once across files (each later use is an error there).
pub fn duplicate_ids(files: &[(String, Vec<Question>)]) -> Vec<BankError> {
    let mut seen = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for (file, questions) in files {
        for q in questions {
            if let Some(first) = seen.insert(q.id.clone(), file.clone()) {
                errors.push(BankError {
                    file: file.clone(),
                    line: 1,
                    message: format!("题目编号 {} 与 {first} 中的题目重复", q.id),
                });
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
topic = "消防安全"

[[questions]]
id = "f-1"
kind = "single"
difficulty = 1
stem = "火警电话是？"
options = ["110", "119", "120"]
answer = ["B"]
explanation = "火警 119。"
source = "《中华人民共和国消防法》第四十四条"

[[questions]]
id = "f-2"
kind = "judge"
difficulty = 2
stem = "电梯可以在火灾时使用。"
answer = false
explanation = "火灾时不要乘坐普通电梯。"
source = "应急管理部 消防安全常识"
"#;

    #[test]
    fn good_questions_parse() {
        let (questions, errors) = parse_file("fire.toml", GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(questions[0].answer, vec![1]);
        assert_eq!(questions[1].options, vec!["正确", "错误"]);
        assert_eq!(questions[1].answer, vec![1]);
    }

    #[test]
    fn a_question_can_be_kept_for_contests() {
        let text = GOOD.replace(
            "source = \"应急管理部 消防安全常识\"",
            "source = \"应急管理部 消防安全常识\"\ncontest_only = true",
        );
        let (questions, errors) = parse_file("fire.toml", &text);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!questions[0].contest_only);
        assert!(questions[1].contest_only);
    }

    #[test]
    fn bad_questions_are_reported_by_line_and_left_out() {
        let text = r#"topic = "t"

[[questions]]
id = "a"
kind = "single"
difficulty = 1
stem = "s"
options = ["x", "y"]
answer = ["A", "B"]
explanation = "e"
source = "src"

[[questions]]
id = "b"
kind = "multiple"
difficulty = 1
stem = "s"
options = ["x", "y", "z"]
answer = ["A"]
explanation = "e"
source = "src"

[[questions]]
id = "c"
kind = "single"
difficulty = 1
stem = "s"
options = ["x", "y"]
answer = ["A"]
explanation = "e"
source = ""

[[questions]]
id = "d"
kind = "single"
difficulty = 1
stem = "s"
answer = ["A"]
explanation = "e"
source = "src"
"#;
        let (questions, errors) = parse_file("bad.toml", text);
        assert!(questions.is_empty());
        let found: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(
            found[0].1.contains("恰好有一个答案") && found[0].0 == 3,
            "{found:?}"
        );
        assert!(found[1].1.contains("至少要有两个"), "{found:?}");
        assert!(found[2].1.contains("出处"), "{found:?}");
        assert!(found[3].1.contains("2 到 6 个选项"), "{found:?}");
        assert!(errors[0].to_string().starts_with("bad.toml:3:"));
    }

    #[test]
    fn a_broken_file_is_reported_with_its_line() {
        let (_, errors) = parse_file("x.toml", "topic = \"t\"\n[[questions]]\nid = \n");
        assert_eq!(errors[0].line, 3);
    }

    #[test]
    fn the_editor_form_follows_the_same_rules() {
        let q = from_form(
            "f-9",
            "消防",
            Kind::Multiple,
            2,
            "题干",
            "甲\n乙\n丙\n",
            "a, c",
            "解析",
            "出处",
        )
        .unwrap();
        assert_eq!(q.answer, vec![0, 2]);
        assert!(
            from_form(
                "f-9",
                "消防",
                Kind::Single,
                2,
                "题干",
                "甲\n乙",
                "A,B",
                "解析",
                "出处"
            )
            .unwrap_err()
            .contains("恰好有一个答案")
        );
        let judge = from_form(
            "f-8",
            "消防",
            Kind::Judge,
            1,
            "题干",
            "",
            "错误",
            "解析",
            "出处",
        )
        .unwrap();
        assert_eq!(judge.answer, vec![1]);
    }

    #[test]
    fn duplicate_ids_across_files_are_reported() {
        let (questions, _) = parse_file("fire.toml", GOOD);
        let errors = duplicate_ids(&[
            ("a.toml".into(), questions.clone()),
            ("b.toml".into(), questions),
        ]);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].file, "b.toml");
    }

    #[test]
    fn the_shipped_bank_is_valid() {
        let mut total = 0;
        let mut files = Vec::new();
        for entry in
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../content/questions")).unwrap()
        {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                let (questions, errors) =
                    parse_file(&name, &std::fs::read_to_string(&path).unwrap());
                assert!(errors.is_empty(), "{errors:?}");
                total += questions.len();
                files.push((name, questions));
            }
        }
        assert!(duplicate_ids(&files).is_empty());
        assert!(total >= 120, "{total} questions");
    }
}
