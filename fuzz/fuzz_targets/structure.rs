//! 一键排版 on any text, with and without a given 文种: never a panic, the
//! result survives JSON unchanged (drafts are stored as JSON), and its
//! plain text can be structured again.
#![no_main]

use gongwen_domain::{DocKind, Document, structure, to_plain_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let kind = DocKind::ALL
        .get(usize::from(selector) % (DocKind::ALL.len() + 1))
        .copied();
    let document = structure(&text, kind).document;
    let json = serde_json::to_string(&document).expect("a document always serialises");
    let back: Document = serde_json::from_str(&json).expect("and reads back");
    assert_eq!(back, document, "JSON changed the document");
    let _ = structure(&to_plain_text(&document), kind);
});
