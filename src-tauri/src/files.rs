//! The few places the app itself touches the file system or the clock:
//! the export folder and today's date.

use std::io::Write;
use std::path::{Path, PathBuf};

use gongwen_domain::WrittenDate;

use crate::dto::ApiError;

/// Today in Beijing time.
pub fn today() -> WrittenDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    gongwen_domain::calendar::beijing_date(secs)
}

/// The file name the window sent, URI-encoded so that any name survives an
/// HTTP header.
pub fn percent_decode(name: &str) -> String {
    percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .into_owned()
}

/// Where exports go: `$GONGWEN_EXPORT_DIR`, else ~/公文助手导出.
pub fn export_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GONGWEN_EXPORT_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join("公文助手导出")
}

fn io_error(path: &Path, e: &std::io::Error) -> ApiError {
    let message = if e.raw_os_error() == Some(28) {
        format!(
            "磁盘已满，无法写入 {}。请清理磁盘后重试，草稿不受影响",
            path.display()
        )
    } else {
        format!("无法写入 {}：{e}", path.display())
    };
    ApiError::new("export-io", message)
}

/// Writes `bytes` as `name` in the export folder without replacing an
/// existing file (…(2).docx). The file appears only complete: it is written
/// under a temporary name and renamed.
pub fn write_export(name: &str, bytes: &[u8]) -> Result<PathBuf, ApiError> {
    let dir = export_dir();
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
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
        .ok_or_else(|| ApiError::new("export-io", "导出文件夹中同名文件过多"))?;
    let partial = dir.join(format!(".{stem}.{ext}.part"));
    let written = std::fs::File::create(&partial).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(io_error(&path, &e));
    }
    std::fs::rename(&partial, &path).map_err(|e| io_error(&path, &e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_the_header() {
        assert_eq!(percent_decode("%E5%85%B3%E4%BA%8E%20A.docx"), "关于 A.docx");
    }
}
