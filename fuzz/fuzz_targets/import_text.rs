//! Any bytes as a text file: decoded (UTF-8, UTF-16, GB18030) or refused.
//! Decoded text is valid UTF-8 by type; it must not be empty when the
//! input held printable characters of a known encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(imported) = gongwen_formats::import_text(data) {
        let _ = gongwen_domain::structure(&imported.text, None);
    }
});
