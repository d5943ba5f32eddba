//! Snapshot tests of markdown rendering over `fixtures/markdown/`: each `NAME.md` is rendered
//! and compared with `NAME.html` beside it. `UPDATE_SNAPSHOTS=1 cargo test -p domain` writes
//! the snapshots anew (review the diff before committing). Everything under `xss/` must also
//! come out inert, whatever its snapshot says.

use std::{fs, path::Path};

use domain::markdown::render;

fn fixtures(folder: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/markdown")
        .join(folder);
    let mut found: Vec<(String, String)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| {
            (
                path.display().to_string(),
                fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixtures in {}", dir.display());
    found
}

fn check_snapshot(path: &str, html: &str) {
    let snapshot = path.replace(".md", ".html");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::write(&snapshot, html).unwrap();
        return;
    }
    let expected = fs::read_to_string(&snapshot)
        .unwrap_or_else(|_| panic!("{snapshot} is missing: run with UPDATE_SNAPSHOTS=1"));
    assert_eq!(
        html, expected,
        "{path} renders differently from its snapshot"
    );
}

#[test]
fn valid_markdown_renders_as_its_snapshot() {
    for (path, source) in fixtures("valid") {
        check_snapshot(&path, &render(&source).html);
    }
}

#[test]
fn xss_payloads_render_as_their_snapshots_and_come_out_inert() {
    for (path, source) in fixtures("xss") {
        let html = render(&source).html;
        check_snapshot(&path, &html);
        let lowered = html.to_lowercase();
        for forbidden in [
            "<script",
            "<iframe",
            "<input",
            "<object",
            "<embed",
            "<svg",
            "<math",
            "<style",
            "<form",
            "<meta",
            "<base",
            "javascript:",
            "data:",
            "onerror",
            "onload",
            "onclick",
            "onmouseover",
            "srcdoc",
            "style=\"position",
        ] {
            assert!(
                !lowered.contains(forbidden),
                "{path} lets `{forbidden}` through:\n{html}"
            );
        }
    }
}

#[test]
fn tables_task_lists_footnotes_and_strikethrough_are_kept() {
    let html = render(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/markdown/valid/table-and-tasks.md"),
        )
        .unwrap(),
    )
    .html;
    assert!(html.contains("<table>") && html.contains(r#"style="text-align: center""#));
    assert!(html.contains("☑ 压力表指针在绿区") && html.contains("☐ 喷管无老化开裂"));
    assert!(
        !html.contains("<input"),
        "task lists must not become form controls"
    );
    assert!(html.contains("<del>不能用水</del>"));
}
