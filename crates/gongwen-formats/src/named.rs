//! Which reader a file goes to, by its name, and how large it may be.

use crate::{ImportError, MAX_TEXT_BYTES, import_docx, import_pdf, import_text};

/// The largest .docx read: far above any real 公文, far below what would
/// hurt an 8 GB machine.
const MAX_DOCX_BYTES: u64 = 128 * 1024 * 1024;
const MAX_PDF_BYTES: u64 = 256 * 1024 * 1024;

/// The kinds of file a document can be imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Text,
    Docx,
    Pdf,
}

impl FileType {
    /// By the file name's extension (case-insensitive).
    pub fn of(name: &str) -> Result<FileType, ImportError> {
        let extension = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "txt" | "md" | "text" => Ok(FileType::Text),
            "docx" => Ok(FileType::Docx),
            "pdf" => Ok(FileType::Pdf),
            _ => Err(ImportError::Unsupported(extension)),
        }
    }

    /// The most bytes a reader of this type accepts.
    pub fn max_bytes(self) -> u64 {
        match self {
            FileType::Text => MAX_TEXT_BYTES,
            FileType::Docx => MAX_DOCX_BYTES,
            FileType::Pdf => MAX_PDF_BYTES,
        }
    }

    /// The document's text, one line per paragraph.
    pub fn read(self, bytes: &[u8]) -> Result<String, ImportError> {
        if bytes.len() as u64 > self.max_bytes() {
            return Err(ImportError::TooLarge {
                size: bytes.len() as u64,
                limit: self.max_bytes(),
            });
        }
        Ok(match self {
            FileType::Text => import_text(bytes)?.text,
            FileType::Docx => import_docx(bytes)?.text(),
            FileType::Pdf => import_pdf(bytes)?.text(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_extension() {
        assert_eq!(FileType::of("通知.DOCX").ok(), Some(FileType::Docx));
        assert_eq!(FileType::of("a.b.pdf").ok(), Some(FileType::Pdf));
        assert_eq!(FileType::of("说明.txt").ok(), Some(FileType::Text));
        let err = FileType::of("旧稿.doc").err();
        assert_eq!(
            err.as_ref().map(ImportError::code),
            Some("import-unsupported")
        );
        assert!(FileType::of("无扩展名").is_err());
    }

    #[test]
    fn reads_text_and_refuses_garbage() {
        assert_eq!(
            FileType::Text
                .read("关于开展检查的通知".as_bytes())
                .ok()
                .as_deref(),
            Some("关于开展检查的通知")
        );
        assert!(FileType::Docx.read(b"not a zip").is_err());
        assert!(FileType::Pdf.read(b"%PDF-1.7 broken").is_err());
    }
}
