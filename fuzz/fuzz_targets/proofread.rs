//! Every rule on any text: never a panic; every finding lies inside the
//! text; accepting all suggestions yields text that can be checked again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let chars = text.chars().count();
    let findings = gongwen_proofread::check(&text);
    for f in &findings {
        assert!(
            f.start <= f.end && f.end <= chars,
            "{f:?} outside {chars} chars"
        );
    }
    let fixed = gongwen_proofread::apply(&text, &findings);
    let _ = gongwen_proofread::check(&fixed);
});
