//! File formats. Readers take bytes and return text or structure; they do
//! no IO of their own, so hostile input is bounded by what the caller reads.

mod docx;
mod named;
mod pdf;
mod txt;

pub use docx::{
    ImportedDocx, MAX_DOCUMENT_XML, Preview, PreviewAlign, PreviewFont, PreviewLine, PreviewPage,
    PreviewRule, Revision, balance_title, export_docx, export_docx_tracked, import_docx, preview,
};

pub use named::FileType;
pub use pdf::{ImportedPdf, char_accuracy, import_pdf};
pub use txt::{DetectedEncoding, ImportedText, MAX_TEXT_BYTES, import_text};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("文件过大（{}），最多可导入 {}", megabytes(*size), megabytes(*limit))]
    TooLarge { size: u64, limit: u64 },
    /// A compressed part that unpacks past the limit: a zip bomb, or a
    /// document no office writes.
    #[error("文档内容解压后超过 {}，已停止读取（文件可能经过恶意构造）", megabytes(*limit))]
    ExpandsTooFar { limit: u64 },
    #[error("PDF 共 {pages} 页，超过可导入的 {limit} 页，请拆分后再导入")]
    TooManyPages { pages: usize, limit: usize },
    #[error("文件已加密，或是旧版 .doc 格式：请在 WPS 或 Word 中解除加密、另存为 .docx 后再导入")]
    EncryptedOrLegacy,
    #[error("文件已损坏，无法读取：{0}")]
    Damaged(String),
    #[error("PDF 已加密（需要口令才能打开），请先在阅读器中解除加密再导入")]
    EncryptedPdf,
    /// Pages that share one huge content stream, or just too much.
    #[error("PDF 的{0}超过可导入的上限，已停止读取（文件可能经过恶意构造），请拆分后再导入")]
    PdfTooComplex(&'static str),
    #[error("这是扫描件（PDF 中没有文字层），无法直接提取文字，请用带文字的版本或先做文字识别")]
    Scanned,
    #[error("这不是文本文件（含有二进制内容），请选择 .txt、.docx 或 .pdf 文件")]
    Binary,
    #[error("无法识别文件的文字编码（既不是 UTF-8/UTF-16，也不是 GB18030/GBK）")]
    UnknownEncoding,
    #[error("不支持 .{0} 文件：目前可读取 .docx、.pdf、.txt、.md 文件")]
    Unsupported(String),
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::TooLarge { .. } => "import-too-large",
            ImportError::ExpandsTooFar { .. } => "import-expands-too-far",
            ImportError::TooManyPages { .. } => "import-too-many-pages",
            ImportError::Binary => "import-binary",
            ImportError::UnknownEncoding => "import-encoding",
            ImportError::EncryptedOrLegacy => "import-encrypted",
            ImportError::Damaged(_) => "import-damaged",
            ImportError::EncryptedPdf => "import-pdf-encrypted",
            ImportError::PdfTooComplex(_) => "import-pdf-too-complex",
            ImportError::Scanned => "import-scanned",
            ImportError::Unsupported(_) => "import-unsupported",
        }
    }
}

fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 10.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("生成文件失败：{0}")]
    Write(String),
}

impl FormatError {
    pub fn code(&self) -> &'static str {
        match self {
            FormatError::Write(_) => "export-write",
        }
    }
}
