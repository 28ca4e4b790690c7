//! The few places the app itself touches the file system or the clock:
//! the export folder and today's date (writing goes through
//! `gongwen_desk::files`, as the CLI's does).

use std::path::PathBuf;

use gongwen_domain::WrittenDate;

/// Today in Beijing time.
pub fn today() -> WrittenDate {
    gongwen_desk::clock::today()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_the_header() {
        assert_eq!(percent_decode("%E5%85%B3%E4%BA%8E%20A.docx"), "关于 A.docx");
    }
}
