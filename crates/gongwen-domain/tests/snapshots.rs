//! 一键排版 as data: the structure read from each corpus document is kept in
//! `tests/snapshots/`, so a change in how text is read shows in review as a
//! diff of the documents it changes. After a deliberate change:
//! `UPDATE_EXPECT=1 cargo test -p gongwen-domain --test snapshots`.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::path::Path;

use expect_test::expect_file;
use gongwen_domain::structure;

#[test]
fn the_corpus_documents_keep_their_structure() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = manifest.join("../../tests/corpus/documents");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{}", corpus.display());
    for file in files {
        let structured = structure(&std::fs::read_to_string(&file).unwrap(), None);
        let snapshot = format!(
            "kind_source: {:?}\n{}\n",
            structured.kind_source,
            serde_json::to_string_pretty(&structured.document).unwrap()
        );
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        expect_file![manifest.join(format!("tests/snapshots/{stem}.json"))].assert_eq(&snapshot);
    }
}
