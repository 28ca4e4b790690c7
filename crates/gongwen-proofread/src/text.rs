use std::cell::OnceCell;

use crate::rules::Parts;

/// Text under check, with byte → character offset conversion (rules match
/// on bytes; findings speak characters).
pub struct Text<'a> {
    pub source: &'a str,
    /// Byte offset of every character, plus the length at the end.
    char_starts: Vec<usize>,
    /// The document's parts, read on first use and shared by every rule.
    parts: OnceCell<Parts<'a>>,
}

impl<'a> Text<'a> {
    pub fn new(source: &'a str) -> Text<'a> {
        let mut char_starts: Vec<usize> = source.char_indices().map(|(i, _)| i).collect();
        char_starts.push(source.len());
        Text {
            source,
            char_starts,
            parts: OnceCell::new(),
        }
    }

    /// Title, 主送机关 and lines, as [`Parts::read`] finds them: read once
    /// per check, however many rules ask.
    pub(crate) fn parts(&self) -> &Parts<'a> {
        self.parts.get_or_init(|| Parts::read(self.source))
    }

    /// The character offset of a byte offset that starts a character.
    pub fn char_offset(&self, byte: usize) -> usize {
        self.char_starts.partition_point(|&b| b < byte)
    }

    pub fn span(&self, bytes: std::ops::Range<usize>) -> (usize, usize) {
        (self.char_offset(bytes.start), self.char_offset(bytes.end))
    }
}

/// Word segmentation with jieba's dictionary, loaded on first use: most
/// text never needs it.
pub(crate) static JIEBA: std::sync::LazyLock<jieba_rs::Jieba> =
    std::sync::LazyLock::new(jieba_rs::Jieba::new);

/// The shared segmenter, for other crates that need words (loading jieba's
/// dictionary twice would cost memory and time).
pub fn segmenter() -> &'static jieba_rs::Jieba {
    &JIEBA
}

/// A word of the dictionary that is not rare.
pub(crate) fn is_common_word(word: &str) -> bool {
    // jieba's dictionary counts from a large corpus; below this a "word" is
    // as likely a typo or a name.
    const COMMON: usize = 20;
    JIEBA.has_word(word) && JIEBA.suggest_freq(word) >= COMMON
}

/// CJK ideographs and full-width punctuation: "Chinese context".
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF
        | 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_to_char_offsets() {
        let t = Text::new("a公文b");
        assert_eq!(t.char_offset(0), 0);
        assert_eq!(t.char_offset(1), 1);
        assert_eq!(t.char_offset(4), 2);
        assert_eq!(t.char_offset(7), 3);
        assert_eq!(t.char_offset(8), 4);
        assert_eq!(t.span(1..7), (1, 3));
    }
}
