//! `domain::contest::bank::parse_file` on any text (staff edit the bank files). Besides not
//! panicking: every accepted question obeys the rules papers and scoring rely on (option
//! counts per kind, answers that index existing options, ascending and distinct), and every
//! problem is blamed on a line that exists.

#![no_main]

use domain::contest::bank::{JUDGE_OPTIONS, Kind, letter, letter_index, parse_file};
use libfuzzer_sys::fuzz_target;

/// Only a label for the messages.
const FILE: &str = "fuzz.toml";

fuzz_target!(|text: &str| {
    let (questions, errors) = parse_file(FILE, text);
    let lines = text.split('\n').count();
    for error in &errors {
        assert_eq!(error.file, FILE);
        assert!((1..=lines).contains(&error.line), "{lines} lines: {error}");
    }
    for q in &questions {
        assert!((1..=3).contains(&q.difficulty), "{q:?}");
        for field in [&q.id, &q.topic, &q.stem, &q.explanation, &q.source] {
            assert!(!field.trim().is_empty(), "{q:?}");
        }
        match q.kind {
            Kind::Judge => {
                assert_eq!(q.options, JUDGE_OPTIONS, "{q:?}");
                assert_eq!(q.answer.len(), 1, "{q:?}");
            }
            Kind::Single => {
                assert!((2..=6).contains(&q.options.len()), "{q:?}");
                assert_eq!(q.answer.len(), 1, "{q:?}");
            }
            Kind::Multiple => {
                assert!((3..=6).contains(&q.options.len()), "{q:?}");
                assert!(q.answer.len() >= 2, "{q:?}");
            }
        }
        assert!(q.answer.windows(2).all(|w| w[0] < w[1]), "{q:?}");
        for &index in &q.answer {
            assert!(index < q.options.len(), "{q:?}");
            assert_eq!(letter_index(&letter(index).to_string()), Some(index));
        }
    }
});
