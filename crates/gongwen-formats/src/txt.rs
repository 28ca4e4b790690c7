//! Plain text as offices actually have it: UTF-8 (with or without BOM),
//! UTF-16 with BOM (Windows Notepad "Unicode"), and GB18030/GBK, which
//! many government systems still write.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use crate::ImportError;

/// Text files larger than this are refused: no 公文 is 64 MB of text, and
/// decoding one must not exhaust memory.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetectedEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl DetectedEncoding {
    pub fn label(self) -> &'static str {
        match self {
            DetectedEncoding::Utf8 => "UTF-8",
            DetectedEncoding::Utf8Bom => "UTF-8（带 BOM）",
            DetectedEncoding::Utf16Le => "UTF-16LE",
            DetectedEncoding::Utf16Be => "UTF-16BE",
            DetectedEncoding::Gb18030 => "GB18030/GBK",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedText {
    /// With `\n` line ends.
    pub text: String,
    pub encoding: DetectedEncoding,
}

/// Decodes a text file's bytes, detecting the encoding.
pub fn import_text(bytes: &[u8]) -> Result<ImportedText, ImportError> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_TEXT_BYTES,
        });
    }
    let (text, encoding) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let detected = if enc == UTF_8 {
            DetectedEncoding::Utf8Bom
        } else if enc == UTF_16LE {
            DetectedEncoding::Utf16Le
        } else if enc == UTF_16BE {
            DetectedEncoding::Utf16Be
        } else {
            return Err(ImportError::UnknownEncoding);
        };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(ImportError::UnknownEncoding);
        }
        (text.into_owned(), detected)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), DetectedEncoding::Utf8)
    } else {
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(ImportError::UnknownEncoding);
        }
        (text.into_owned(), DetectedEncoding::Gb18030)
    };
    // NUL and other C0 controls (tab, line ends and form feed aside) mean
    // this is not text, whatever it decoded to.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
    {
        return Err(ImportError::Binary);
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    Ok(ImportedText { text, encoding })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "关于做好安全生产工作的通知\r\n各区人民政府：\r\n　　现将有关事项通知如下。";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = import_text(SAMPLE.as_bytes()).unwrap();
        assert_eq!(plain.encoding, DetectedEncoding::Utf8);
        assert!(!plain.text.contains('\r'));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let with_bom = import_text(&bom).unwrap();
        assert_eq!(with_bom.encoding, DetectedEncoding::Utf8Bom);
        assert_eq!(with_bom.text, plain.text);
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(SAMPLE.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(SAMPLE.encode_utf16().flat_map(u16::to_be_bytes));
        let le = import_text(&le).unwrap();
        let be = import_text(&be).unwrap();
        assert_eq!(le.encoding, DetectedEncoding::Utf16Le);
        assert_eq!(be.encoding, DetectedEncoding::Utf16Be);
        assert_eq!(le.text, be.text);
        assert!(le.text.starts_with("关于做好"));
    }

    #[test]
    fn gbk_files_are_detected() {
        let (gbk, _, _) = GB18030.encode(SAMPLE);
        let imported = import_text(&gbk).unwrap();
        assert_eq!(imported.encoding, DetectedEncoding::Gb18030);
        assert_eq!(imported.text, SAMPLE.replace("\r\n", "\n"));
    }

    #[test]
    fn binary_files_are_refused_plainly() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert_eq!(import_text(png).unwrap_err(), ImportError::Binary);
        let zip = b"PK\x03\x04\x14\x00\x06\x00";
        assert_eq!(import_text(zip).unwrap_err(), ImportError::Binary);
    }

    #[test]
    fn oversized_input_is_refused_before_decoding() {
        let big = vec![b'a'; (MAX_TEXT_BYTES + 1) as usize];
        assert!(matches!(
            import_text(&big),
            Err(ImportError::TooLarge { .. })
        ));
    }
}
