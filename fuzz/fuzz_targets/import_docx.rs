//! Any bytes as a .docx: an error or a document, never a panic or a hang;
//! what it yields goes on through 一键排版 as the app does.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(imported) = gongwen_formats::import_docx(data) {
        let text = imported.text();
        let _ = gongwen_domain::structure(&text, None);
    }
});
