//! The real SQLCipher database on disk.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use gongwen_domain::{DocKind, structure};
use gongwen_store::{KdfParams, Key, Store, StoreError};

fn passphrase_key(passphrase: &str, params: &KdfParams) -> Key {
    Key::from_passphrase(passphrase, params).unwrap()
}

fn notice(title: &str) -> gongwen_domain::Document {
    structure(
        &format!("{title}\n各区：\n请认真落实。\nXX局\n2026年6月1日"),
        None,
    )
    .document
}

#[test]
fn drafts_and_revisions_survive_reopening_and_are_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let params = KdfParams::generate().unwrap();
    {
        let mut store = Store::open(&db, &passphrase_key("正确的口令", &params)).unwrap();
        let (id, first) = store
            .save(
                None,
                &notice("关于做好防汛工作的通知"),
                "2026-06-01T09:00:00Z",
            )
            .unwrap();
        let (same, second) = store
            .save(
                Some(id),
                &notice("关于切实做好防汛工作的通知"),
                "2026-06-01T09:05:00Z",
            )
            .unwrap();
        assert_eq!(same, id);
        assert!(second > first);
    }
    let store = Store::open(&db, &passphrase_key("正确的口令", &params)).unwrap();
    let drafts = store.list().unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].title, "关于切实做好防汛工作的通知");
    assert_eq!(drafts[0].kind, "通知");
    assert_eq!(drafts[0].revisions, 2);
    let doc = store.show(drafts[0].id).unwrap();
    assert_eq!(doc.kind, DocKind::Notice);
    assert_eq!(doc.title, "关于切实做好防汛工作的通知");
    assert_eq!(store.history(drafts[0].id).unwrap().len(), 2);
    assert_eq!(store.verify_audit().unwrap(), 2);

    // Nothing readable on disk: the title is not in the file in clear.
    let bytes = std::fs::read(&db).unwrap();
    let needle = "防汛".as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "plain text found in the database file"
    );
    assert!(!bytes.starts_with(b"SQLite format 3"), "not encrypted");
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let params = KdfParams::generate().unwrap();
    {
        let mut store = Store::open(&db, &passphrase_key("正确的口令", &params)).unwrap();
        store
            .save(None, &notice("关于某事的通知"), "2026-06-01T09:00:00Z")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let err = Store::open(&db, &passphrase_key("错误的口令", &params))
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::WrongKeyOrDamaged), "{err:?}");
    assert_eq!(
        err.to_string(),
        "无法解密草稿库：口令错误，或数据库文件已损坏"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // The right key still opens it, with the draft intact.
    let store = Store::open(&db, &passphrase_key("正确的口令", &params)).unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
}

#[test]
fn a_damaged_file_is_reported_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    std::fs::write(&db, vec![0x5a; 8192]).unwrap();
    let params = KdfParams::generate().unwrap();
    let err = Store::open(&db, &passphrase_key("口令", &params))
        .err()
        .unwrap();
    assert_eq!(err.code(), "store-wrong-key");
}

#[test]
fn editing_the_audit_log_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let key = Key::from_bytes([7; 32]);
    {
        let mut store = Store::open(&db, &key).unwrap();
        store
            .save(None, &notice("关于甲的通知"), "2026-06-01T09:00:00Z")
            .unwrap();
        store
            .record("2026-06-01T09:01:00Z", "export", "草稿 1 导出")
            .unwrap();
        store
            .save(None, &notice("关于乙的通知"), "2026-06-01T09:02:00Z")
            .unwrap();
        assert_eq!(store.verify_audit().unwrap(), 3);
    }
    // Someone with the key rewrites history behind the app's back.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(
        None,
        "key",
        "x'0707070707070707070707070707070707070707070707070707070707070707'",
    )
    .unwrap();
    conn.execute("UPDATE audit SET detail = '草稿 1 未导出' WHERE id = 2", [])
        .unwrap();
    drop(conn);
    let store = Store::open(&db, &key).unwrap();
    assert!(matches!(
        store.verify_audit(),
        Err(StoreError::AuditBroken(2))
    ));
}

#[test]
fn kdf_parameters_round_trip_and_give_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gongwen.db.kdf");
    let params = KdfParams::generate().unwrap();
    params.save(&path).unwrap();
    let loaded = KdfParams::load(&path).unwrap().unwrap();
    assert_eq!(loaded, params);
    assert_eq!(loaded.algorithm, "argon2id");
    let db = dir.path().join("gongwen.db");
    {
        let mut store = Store::open(&db, &passphrase_key("口令", &params)).unwrap();
        store
            .save(None, &notice("关于丙的通知"), "2026-06-01T09:00:00Z")
            .unwrap();
    }
    assert!(Store::open(&db, &passphrase_key("口令", &loaded)).is_ok());
    assert!(
        KdfParams::load(&dir.path().join("absent"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn unknown_drafts_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("g.db"), &Key::from_bytes([1; 32])).unwrap();
    assert!(matches!(store.show(42), Err(StoreError::NoSuchDraft(42))));
    assert!(matches!(
        store.save(Some(42), &notice("关于丁的通知"), "t"),
        Err(StoreError::NoSuchDraft(42))
    ));
}

#[test]
fn search_finds_chinese_text_of_any_length() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("g.db"), &Key::from_bytes([2; 32])).unwrap();
    store
        .save(None, &notice("关于做好防汛工作的通知"), "t1")
        .unwrap();
    store
        .save(None, &notice("关于开展安全生产检查的通知"), "t2")
        .unwrap();
    let titles = |q: &str| -> Vec<String> {
        store
            .search(q)
            .unwrap()
            .into_iter()
            .map(|d| d.title)
            .collect()
    };
    assert_eq!(titles("防汛工作"), ["关于做好防汛工作的通知"]);
    assert_eq!(titles("汛"), ["关于做好防汛工作的通知"], "one character");
    assert_eq!(
        titles("安全"),
        ["关于开展安全生产检查的通知"],
        "two characters"
    );
    assert_eq!(titles("认真落实").len(), 2, "body text is searched too");
    assert!(titles("100%").is_empty(), "LIKE wildcards are literal");
    assert!(titles("森林防火").is_empty());
    // The index follows the latest revision.
    let id = store
        .list()
        .unwrap()
        .iter()
        .find(|d| d.title.contains("防汛"))
        .unwrap()
        .id;
    store
        .save(Some(id), &notice("关于做好森林防火工作的通知"), "t3")
        .unwrap();
    let titles = |q: &str| -> Vec<String> {
        store
            .search(q)
            .unwrap()
            .into_iter()
            .map(|d| d.title)
            .collect()
    };
    assert!(titles("防汛").is_empty());
    assert_eq!(titles("森林防火"), ["关于做好森林防火工作的通知"]);
}

#[test]
fn delete_goes_to_the_bin_and_restore_makes_a_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("g.db"), &Key::from_bytes([3; 32])).unwrap();
    let (id, first) = store.save(None, &notice("关于甲事项的通知"), "t1").unwrap();
    store
        .save(Some(id), &notice("关于乙事项的通知"), "t2")
        .unwrap();

    let third = store.restore(id, first, "t3").unwrap();
    assert_eq!(store.show(id).unwrap().title, "关于甲事项的通知");
    assert_eq!(
        store.history(id).unwrap().len(),
        3,
        "restoring adds a revision"
    );
    assert!(third > first);

    store.delete(id, "t4").unwrap();
    assert!(store.list().unwrap().is_empty());
    assert_eq!(store.bin().unwrap().len(), 1);
    assert!(store.search("甲事项").unwrap().is_empty());
    assert!(
        matches!(store.delete(id, "t5"), Err(StoreError::NoSuchDraft(_))),
        "already in the bin"
    );
    store.undelete(id, "t6").unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
    assert_eq!(store.history(id).unwrap().len(), 3, "nothing was lost");
    // create, save, restore (save + record), delete, undelete.
    assert_eq!(store.verify_audit().unwrap(), 6);
}

#[test]
fn a_second_writer_gets_a_clear_busy_message_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let key = Key::from_bytes([8; 32]);
    let mut app = Store::open(&db, &key).unwrap();
    app.save(None, &notice("关于戊事项的通知"), "t1").unwrap();
    // Another program (the CLI, say) holds the write lock.
    let other = rusqlite::Connection::open(&db).unwrap();
    other
        .pragma_update(
            None,
            "key",
            "x'0808080808080808080808080808080808080808080808080808080808080808'",
        )
        .unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let err = app
        .save(None, &notice("关于己事项的通知"), "t2")
        .unwrap_err();
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    assert_eq!(err.to_string(), "草稿库正在被另一个程序使用，请稍后再试");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "bounded wait"
    );
    // Readers are not blocked, and the committed draft is there.
    assert_eq!(app.list().unwrap().len(), 1);
    other.execute_batch("ROLLBACK").unwrap();
    app.save(None, &notice("关于己事项的通知"), "t3").unwrap();
    assert_eq!(app.list().unwrap().len(), 2);
}

#[test]
fn similar_drafts_of_the_same_kind_come_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("g.db"), &Key::from_bytes([3; 32])).unwrap();
    store
        .save(None, &notice("关于做好防汛工作的通知"), "t1")
        .unwrap();
    store
        .save(None, &notice("关于做好防汛防台风工作的通知"), "t2")
        .unwrap();
    store
        .save(None, &notice("关于开展安全生产检查的通知"), "t3")
        .unwrap();
    let mut request = notice("关于申请防汛物资经费的请示");
    request.kind = gongwen_domain::DocKind::Request;
    store.save(None, &request, "t4").unwrap();
    let titles = |kind: &str, text: &str, n: usize| -> Vec<String> {
        store
            .similar(kind, text, n)
            .unwrap()
            .into_iter()
            .map(|d| d.title)
            .collect()
    };
    let found = titles("通知", "请各地做好防汛工作，落实防汛责任", 2);
    assert_eq!(found.len(), 2);
    assert!(
        found
            .iter()
            .all(|t| t.contains("防汛") && t.ends_with("通知"))
    );
    assert_eq!(
        titles("请示", "防汛物资", 5),
        ["关于申请防汛物资经费的请示"]
    );
    assert!(
        titles("通知", "abc 12", 5).is_empty(),
        "nothing Chinese to match"
    );
    assert!(titles("函", "防汛工作", 5).is_empty());
}
