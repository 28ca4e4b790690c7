//! Any bytes as a .pdf: an error or text, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(imported) = gongwen_formats::import_pdf(data) {
        let text = imported.text();
        let _ = gongwen_domain::structure(&text, None);
    }
});
