//! The audit log's end is anchored outside the database: entries cut off
//! the end, an older database file put in place or a missing anchor are
//! reported; a restore through the program is reported as a rollback.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::path::Path;

use gongwen_domain::structure;
use gongwen_store::{Key, Store};

const KEY: [u8; 32] = [3; 32];

fn notice(title: &str) -> gongwen_domain::Document {
    structure(&format!("{title}\n各区：\n请认真落实。"), None).document
}

fn key() -> Key {
    Key::from_bytes(KEY)
}

/// An outside SQLCipher connection with the key: what someone holding the
/// key could do to the file.
fn raw(db: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(db).unwrap();
    let hex: String = KEY.iter().map(|b| format!("{b:02x}")).collect();
    conn.pragma_update(None, "key", format!("x'{hex}'"))
        .unwrap();
    conn
}

#[test]
fn entries_cut_off_the_end_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    {
        let mut store = Store::open(&db, &key()).unwrap();
        store.save(None, &notice("关于甲事项的通知"), "t1").unwrap();
        store.record("t2", "export", "导出 甲.docx").unwrap();
        store.record("t3", "export", "导出 乙.docx").unwrap();
        assert_eq!(store.verify_audit().unwrap(), 3);
    }
    // The chain alone cannot see this: what is left is still a chain.
    raw(&db)
        .execute(
            "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
            [],
        )
        .unwrap();
    let store = Store::open(&db, &key()).unwrap();
    let err = store.verify_audit().unwrap_err();
    assert_eq!(err.code(), "store-audit-truncated");
    assert!(err.to_string().contains("末尾少了 1 条"), "{err}");
}

#[test]
fn an_older_database_file_put_in_place_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let old = dir.path().join("old-copy.db");
    {
        let mut store = Store::open(&db, &key()).unwrap();
        store.save(None, &notice("关于甲事项的通知"), "t1").unwrap();
    }
    std::fs::copy(&db, &old).unwrap();
    {
        let mut store = Store::open(&db, &key()).unwrap();
        store.record("t2", "export", "导出 甲.docx").unwrap();
    }
    std::fs::copy(&old, &db).unwrap();
    let store = Store::open(&db, &key()).unwrap();
    assert_eq!(
        store.verify_audit().unwrap_err().code(),
        "store-audit-truncated"
    );
    // New entries do not paper over it.
    drop(store);
    let mut store = Store::open(&db, &key()).unwrap();
    store.record("t3", "export", "导出 丙.docx").unwrap();
    store.record("t4", "export", "导出 丁.docx").unwrap();
    assert_eq!(
        store.verify_audit().unwrap_err().code(),
        "store-audit-diverged"
    );
}

#[test]
fn a_missing_or_damaged_anchor_is_reported_and_a_lagging_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let anchor = dir.path().join("gongwen.db.audit");
    let mut store = Store::open(&db, &key()).unwrap();
    store.save(None, &notice("关于甲事项的通知"), "t1").unwrap();
    // A crash between the commit and the anchor's rewrite leaves it behind.
    let behind = std::fs::read(&anchor).unwrap();
    store.record("t2", "export", "导出 甲.docx").unwrap();
    std::fs::write(&anchor, &behind).unwrap();
    assert_eq!(store.verify_audit().unwrap(), 2);
    store.record("t3", "export", "导出 乙.docx").unwrap();
    assert_eq!(store.verify_audit().unwrap(), 3);

    std::fs::write(&anchor, b"{not json").unwrap();
    assert_eq!(
        store.verify_audit().unwrap_err().code(),
        "store-audit-anchor-damaged"
    );
    std::fs::remove_file(&anchor).unwrap();
    assert_eq!(
        store.verify_audit().unwrap_err().code(),
        "store-audit-anchor-missing"
    );
    drop(store);
    // Reopening does not quietly make a new one.
    let store = Store::open(&db, &key()).unwrap();
    assert_eq!(
        store.verify_audit().unwrap_err().code(),
        "store-audit-anchor-missing"
    );
}

#[test]
fn a_restore_is_reported_as_a_rollback_not_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let backup = dir.path().join("b.gwbak");
    {
        let mut store = Store::open(&db, &key()).unwrap();
        store.save(None, &notice("关于甲事项的通知"), "t1").unwrap();
        store.backup(&backup, "备份口令备份口令", "t2").unwrap();
        store.record("t3", "export", "导出 甲.docx").unwrap();
        assert_eq!(store.verify_audit().unwrap(), 3);
    }
    Store::restore_backup(
        &db,
        &key(),
        &backup,
        Some("备份口令备份口令"),
        "2026-06-02T08:00:00Z",
    )
    .unwrap();
    let mut store = Store::open(&db, &key()).unwrap();
    // The backup holds the save; its own entry came after the copy.
    assert_eq!(store.verify_audit().unwrap(), 1);
    let rollbacks = store.audit_rollbacks().unwrap();
    assert_eq!(rollbacks.len(), 1);
    assert_eq!((rollbacks[0].from_count, rollbacks[0].to_count), (3, 1));
    assert!(rollbacks[0].describe().contains("由 3 条回到备份时的 1 条"));
    store
        .record("t4", "restore-backup", "由 b.gwbak 恢复")
        .unwrap();
    assert_eq!(store.verify_audit().unwrap(), 2);
    assert_eq!(store.audit_rollbacks().unwrap().len(), 1, "kept");
}
