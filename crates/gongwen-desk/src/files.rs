//! Reading a document file the user names (the CLI, the benchmarks): the
//! formats' readers take bytes; this reads no more bytes than the reader for
//! the file's type accepts, so a huge or endless file is refused unread.

use std::io::Read;
use std::path::Path;

use gongwen_formats::{FileType, ImportError};

/// Why a document file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取 {path}：{message}")]
    Io { path: String, message: String },
    #[error(transparent)]
    Import(#[from] ImportError),
}

impl ReadError {
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Io { .. } => "io",
            ReadError::Import(e) => e.code(),
        }
    }
}

/// A .txt/.md (any encoding), .docx or .pdf file as text, one line per
/// paragraph.
pub fn read_document(path: &Path) -> Result<String, ReadError> {
    let file_type = FileType::of(&path.to_string_lossy())?;
    Ok(file_type.read(&read_bounded(path, file_type.max_bytes())?)?)
}

/// Reads at most `limit` bytes of `path`; a larger file is refused without
/// reading all of it.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // Refuse by size before reading anything; `take` still bounds a file
    // that grows, or a pipe that reports no size.
    if let Ok(meta) = file.metadata()
        && meta.len() > limit
    {
        return Err(ImportError::TooLarge {
            size: meta.len(),
            limit,
        }
        .into());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ImportError::TooLarge {
            size: std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len()),
            limit,
        }
        .into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_by_its_type_and_refused_plainly() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let text = dir.path().join("通知.txt");
        std::fs::write(&text, "关于做好防汛工作的通知\n各区：").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read_document(&text).as_deref(),
            Ok("关于做好防汛工作的通知\n各区：")
        );
        let missing = read_document(&dir.path().join("无.txt"));
        assert!(matches!(&missing, Err(e) if e.code() == "io" && e.to_string().contains("无.txt")));
        let doc = read_document(&dir.path().join("旧.doc"));
        assert_eq!(doc.map_err(|e| e.code()), Err("import-unsupported"));
    }
}
