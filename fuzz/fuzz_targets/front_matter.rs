//! `domain::article::ArticleFile::parse` on any text (staff upload article files). Besides not
//! panicking: an accepted file has the non-empty fields and valid slug and date the type
//! promises, its body is the end of the file, and a refused file is blamed on a line that
//! exists.

#![no_main]

use domain::article::{ArticleFile, Category, Date, Slug};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match ArticleFile::parse(text) {
        Ok(file) => {
            let front = &file.front;
            for value in [&front.title, &front.summary, &front.author] {
                assert!(!value.trim().is_empty(), "{front:?}");
            }
            assert!(!file.body.trim().is_empty());
            assert!(text.ends_with(&file.body));
            assert_eq!(Slug::parse(front.slug.as_str()).as_ref(), Ok(&front.slug));
            assert_eq!(Date::parse(&front.date.to_string()), Ok(front.date));
            assert_eq!(
                Category::from_name(front.category.name()),
                Some(front.category)
            );
        }
        Err(error) => {
            // One more than the last line: "no text after the front matter" points there.
            let last = text.lines().count() + 1;
            assert!(
                (1..=last).contains(&error.line),
                "line {} of {last}: {error}",
                error.line
            );
        }
    }
});
