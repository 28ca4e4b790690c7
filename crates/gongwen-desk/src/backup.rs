//! Backups as both front ends name and log them.

use std::path::Path;

/// The file a backup made from the window is written as, in the export
/// folder: 公文助手备份-YYYYMMDDhhmm.gwbak, from `now` (the store's stamp).
pub fn file_name(now: &str) -> String {
    let stamp: String = now.chars().filter(char::is_ascii_digit).take(12).collect();
    format!("公文助手备份-{stamp}.gwbak")
}

/// What the audit log says of a restore: the backup file when there is a
/// path (the CLI), the file the user picked otherwise (the window sends its
/// bytes, not its path).
pub fn restore_entry(source: Option<&Path>) -> String {
    match source {
        Some(path) => format!("由备份文件 {} 恢复", path.display()),
        None => "由所选备份文件恢复".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_are_named_by_the_minute_and_restores_say_from_what() {
        assert_eq!(
            file_name("2026-12-03T09:41:07Z"),
            "公文助手备份-202612030941.gwbak"
        );
        assert_eq!(
            restore_entry(Some(Path::new("/媒体/草稿库.gwbak"))),
            "由备份文件 /媒体/草稿库.gwbak 恢复"
        );
        assert_eq!(restore_entry(None), "由所选备份文件恢复");
    }
}
