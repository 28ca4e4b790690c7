//! The rules' findings on whole documents as data, kept in
//! `tests/snapshots/`: a rule that starts or stops firing shows in review as
//! a diff, line by line. After a deliberate change:
//! `UPDATE_EXPECT=1 cargo test -p gongwen-proofread --test snapshots`.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::path::Path;

use expect_test::expect_file;

/// One finding a line: where (line:column, 1-based), what it covers, the
/// rule, the suggestion and the reason.
fn render(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let position = |at: usize| {
        let before = &chars[..at];
        let line = before.iter().filter(|&&c| c == '\n').count() + 1;
        let column = at - before.iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1) + 1;
        format!("{line}:{column}")
    };
    let mut out = String::new();
    for f in gongwen_proofread::check(text) {
        let covered: String = chars[f.start..f.end].iter().collect();
        let suggestion = f
            .suggestion
            .as_deref()
            .map_or_else(String::new, |s| format!(" → 「{s}」"));
        out.push_str(&format!(
            "{} [{:?}] {} 「{covered}」{suggestion}：{}\n",
            position(f.start),
            f.severity,
            f.rule,
            f.message
        ));
    }
    out
}

#[test]
fn whole_documents_keep_their_findings() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = manifest.join("../..");
    for (document, snapshot) in [
        ("tests/proofread/planted-5000.txt", "planted-5000.txt"),
        ("tests/fixtures/notice.txt", "notice.txt"),
    ] {
        let text = std::fs::read_to_string(repo.join(document)).unwrap();
        expect_file![manifest.join("tests/snapshots").join(snapshot)].assert_eq(&render(&text));
    }
}
