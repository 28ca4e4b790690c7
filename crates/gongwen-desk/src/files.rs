//! Files the user names or gets: a document read by its type (no more bytes
//! than its reader accepts, so a huge or endless file is refused unread),
//! and the one way anything is written — whole or not at all.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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

/// Why a file could not be written; the user's draft is not affected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("磁盘已满，无法写入 {0}。请清理磁盘后重试，草稿不受影响")]
    DiskFull(String),
    #[error("无法写入 {path}：{message}")]
    Io { path: String, message: String },
    #[error("{0} 中同名文件过多")]
    TooManyNames(String),
}

impl WriteError {
    pub fn code(&self) -> &'static str {
        match self {
            WriteError::DiskFull(_) => "disk-full",
            WriteError::Io { .. } | WriteError::TooManyNames(_) => "write-io",
        }
    }

    pub(crate) fn of(path: &Path, e: &std::io::Error) -> WriteError {
        // ENOSPC and EDQUOT: a full disk or a used-up quota.
        if matches!(e.raw_os_error(), Some(28 | 122)) {
            WriteError::DiskFull(path.display().to_string())
        } else {
            WriteError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            }
        }
    }
}

/// Writes `bytes` as `path`, which afterwards is either what it was or the
/// whole new file, also across a crash or a full disk: a hidden temporary
/// file beside it is written, synced and renamed over it, then the folder is
/// synced so the rename itself lasts.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let partial = dir.join(format!(".{name}.partial"));
    let written = std::fs::File::create(&partial).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&partial, path)) {
        let _ = std::fs::remove_file(&partial);
        return Err(WriteError::of(path, &e));
    }
    // Best effort: not every file system syncs a folder (a USB stick's FAT).
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Writes `bytes` as `name` in `dir` (created if missing) without replacing
/// a file already there: `name(2).docx`, `name(3).docx`… Returns the path.
pub fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    std::fs::create_dir_all(dir).map_err(|e| WriteError::of(dir, &e))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "docx"));
    let path = (1..1000)
        .map(|n| {
            dir.join(if n == 1 {
                format!("{stem}.{ext}")
            } else {
                format!("{stem}({n}).{ext}")
            })
        })
        .find(|p| !p.exists())
        .ok_or_else(|| WriteError::TooManyNames(dir.display().to_string()))?;
    write_atomically(&path, bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_whole_and_new_files_never_replace_old_ones() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("通知.docx");
        write_atomically(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        write_atomically(&path, b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).ok(), Some(b"two".to_vec()));
        let second = write_new(dir.path(), "通知.docx", b"three").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second, dir.path().join("通知(2).docx"));
        assert_eq!(std::fs::read(&path).ok(), Some(b"two".to_vec()));
        // Nothing left behind: no temporary file.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        // A folder that cannot be written to: a plain error, the old file kept.
        let missing = dir.path().join("没有此目录").join("通知.docx");
        let refused = write_atomically(&missing, b"four");
        assert!(
            matches!(&refused, Err(e) if e.code() == "write-io"),
            "{refused:?}"
        );
    }

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
