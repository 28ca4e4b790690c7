//! Backups as both front ends name, restore and log them.

use std::path::Path;

use gongwen_store::{Key, RestoreReport, Store, StoreError};

/// The file a backup made from the window is written as, in the export
/// folder: 公文助手备份-YYYYMMDDhhmm.gwbak, from `now` (the store's stamp).
pub fn file_name(now: &str) -> String {
    let stamp: String = now.chars().filter(char::is_ascii_digit).take(12).collect();
    format!("公文助手备份-{stamp}.gwbak")
}

/// What the audit log says of a restore: the backup file when there is a
/// path (the CLI), the file the user picked otherwise (the window sends its
/// bytes, not its path).
fn restore_entry(source: Option<&Path>) -> String {
    match source {
        Some(path) => format!("由备份文件 {} 恢复", path.display()),
        None => "由所选备份文件恢复".to_owned(),
    }
}

/// What a restore left: how it went, the store opened again, and why the
/// audit log could not record a restore that took.
pub struct Restored {
    pub report: Result<RestoreReport, StoreError>,
    pub store: Result<Store, StoreError>,
    pub unlogged: Option<StoreError>,
}

/// What both front ends tell the user when a restore took but its audit
/// entry could not be written: the drafts are the backup's, whatever the
/// log says.
pub fn unlogged_warning(e: &StoreError) -> String {
    format!("审计日志未能记下这次恢复（{e}），但恢复已完成，草稿库已是备份中的内容")
}

/// Restores `backup` over the store at `db` (no `Store` may be open on
/// it), then opens the store again with `key` — also when the restore
/// failed, so the user goes on with what they had — and logs a restore that
/// took. `source` is the backup's path when the user gave one.
pub fn restore(
    db: &Path,
    key: &Key,
    backup: &Path,
    passphrase: Option<&str>,
    source: Option<&Path>,
    now: &str,
) -> Restored {
    let report = Store::restore_backup(db, key, backup, passphrase, now);
    let mut store = Store::open(db, key);
    let mut unlogged = None;
    if let (Ok(_), Ok(open)) = (&report, &mut store) {
        // The audit log must say that its own history was replaced; if it
        // cannot, the restore has still taken and must not be reported as
        // failed.
        unlogged = open
            .record(now, "restore-backup", &restore_entry(source))
            .err();
    }
    Restored {
        report,
        store,
        unlogged,
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
