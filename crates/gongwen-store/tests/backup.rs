//! Backups restore where the store they came from no longer exists: a new
//! PC, a re-keyed store, a keyring that forgot its key. Real SQLCipher files.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::path::Path;

use gongwen_domain::structure;
use gongwen_store::{
    Credentials, Key, Keyring, NewKey, Store, backup_info, change_key, database_path, open_store,
    unlock,
};
use zeroize::Zeroizing;

const BACKUP_PASSPHRASE: &str = "换了电脑也能恢复";

fn notice(title: &str, body: &str) -> gongwen_domain::Document {
    structure(
        &format!("{title}\n各区：\n{body}\nXX局\n2026年6月1日"),
        None,
    )
    .document
}

fn passphrase(p: &str) -> Credentials {
    Credentials {
        passphrase: Some(Zeroizing::new(p.to_owned())),
        keyring: None,
    }
}

fn keyring_only(keyring: &Keyring) -> Credentials {
    Credentials {
        passphrase: None,
        keyring: Some(keyring.clone()),
    }
}

/// Two drafts, three revisions, and what the store says about them.
fn fill(store: &mut Store) -> Vec<(String, usize)> {
    let (id, _) = store
        .save(
            None,
            &notice("关于甲事项的通知", "第一稿。"),
            "2026-06-01T09:00:00Z",
        )
        .unwrap();
    store
        .save(
            Some(id),
            &notice("关于甲事项的通知", "第二稿。"),
            "2026-06-01T09:05:00Z",
        )
        .unwrap();
    store
        .save(
            None,
            &notice("关于乙事项的通知", "唯一一稿。"),
            "2026-06-01T09:10:00Z",
        )
        .unwrap();
    contents(store)
}

fn contents(store: &Store) -> Vec<(String, usize)> {
    let mut all: Vec<(String, usize)> = store
        .list()
        .unwrap()
        .into_iter()
        .map(|d| (d.title, store.history(d.id).unwrap().len()))
        .collect();
    all.sort();
    all
}

/// Restores `backup` into a store in `home` that `credentials` open (made
/// new if there is none), and returns the store reopened.
fn restore_into(
    home: &Path,
    credentials: &Credentials,
    backup: &Path,
    pass: Option<&str>,
) -> Store {
    let key = unlock(home, credentials).unwrap();
    let db = database_path(home);
    Store::restore_backup(&db, &key, backup, pass, "2026-06-02T08:00:00Z").unwrap();
    Store::open(&db, &key).unwrap()
}

#[test]
fn a_passphrase_store_restores_on_an_empty_home_with_the_backup_passphrase() {
    let media = tempfile::tempdir().unwrap();
    let backup = media.path().join("公文助手备份.gwbak");
    let expected = {
        let old_pc = tempfile::tempdir().unwrap();
        let mut store = open_store(old_pc.path(), &passphrase("旧电脑上的口令")).unwrap();
        let expected = fill(&mut store);
        let report = store
            .backup(&backup, BACKUP_PASSPHRASE, "2026-06-01T10:00:00Z")
            .unwrap();
        assert_eq!((report.drafts, report.revisions), (2, 3));
        expected
        // The old PC, its key file and its database go here.
    };
    let info = backup_info(&backup).unwrap();
    assert!(info.portable);
    assert_eq!((info.drafts, info.revisions), (Some(2), Some(3)));

    let new_pc = tempfile::tempdir().unwrap();
    assert!(!database_path(new_pc.path()).exists());
    let store = restore_into(
        new_pc.path(),
        &passphrase("新电脑上的口令"),
        &backup,
        Some(BACKUP_PASSPHRASE),
    );
    assert_eq!(contents(&store), expected);
    assert!(store.verify_audit().unwrap() > 0);
    drop(store);
    // And it stays: the new store opens with the new PC's own passphrase.
    let again = open_store(new_pc.path(), &passphrase("新电脑上的口令")).unwrap();
    assert_eq!(contents(&again), expected);
}

#[test]
fn a_keyring_store_restores_on_a_new_pc_whose_keyring_never_held_its_key() {
    let media = tempfile::tempdir().unwrap();
    let backup = media.path().join("b.gwbak");
    let expected = {
        let old_pc = tempfile::tempdir().unwrap();
        let old_keyring = Keyring::in_memory().unwrap();
        let mut store = open_store(old_pc.path(), &keyring_only(&old_keyring)).unwrap();
        let expected = fill(&mut store);
        store.backup(&backup, BACKUP_PASSPHRASE, "t").unwrap();
        expected
    };
    // Into a new keyring store, and into a new passphrase store.
    let new_pc = tempfile::tempdir().unwrap();
    let store = restore_into(
        new_pc.path(),
        &keyring_only(&Keyring::in_memory().unwrap()),
        &backup,
        Some(BACKUP_PASSPHRASE),
    );
    assert_eq!(contents(&store), expected);
    assert!(store.verify_audit().is_ok());
    let other_pc = tempfile::tempdir().unwrap();
    let store = restore_into(
        other_pc.path(),
        &passphrase("口令口令口令"),
        &backup,
        Some(BACKUP_PASSPHRASE),
    );
    assert_eq!(contents(&store), expected);
}

#[test]
fn a_backup_made_before_a_key_change_still_restores() {
    let home = tempfile::tempdir().unwrap();
    let backup = home.path().join("before.gwbak");
    let keyring = Keyring::in_memory().unwrap();
    let mut store = open_store(home.path(), &passphrase("最初的口令")).unwrap();
    let expected = fill(&mut store);
    store.backup(&backup, BACKUP_PASSPHRASE, "t").unwrap();
    let store = change_key(
        home.path(),
        store,
        &passphrase("最初的口令"),
        NewKey::Keyring(&keyring),
        "t2",
    )
    .unwrap();
    drop(store);
    let restored = restore_into(
        home.path(),
        &keyring_only(&keyring),
        &backup,
        Some(BACKUP_PASSPHRASE),
    );
    assert_eq!(contents(&restored), expected);
}

#[test]
fn restore_keeps_the_replaced_store_which_itself_restores() {
    let home = tempfile::tempdir().unwrap();
    let backup = home.path().join("b.gwbak");
    let credentials = passphrase("这台电脑的口令");
    let key = unlock(home.path(), &credentials).unwrap();
    let db = database_path(home.path());
    {
        let mut store = Store::open(&db, &key).unwrap();
        fill(&mut store);
        store.backup(&backup, BACKUP_PASSPHRASE, "t").unwrap();
        // Saved after the backup: replaced by the restore, not lost.
        store
            .save(None, &notice("关于丙事项的通知", "备份之后写的。"), "t2")
            .unwrap();
    }
    let report = Store::restore_backup(
        &db,
        &key,
        &backup,
        Some(BACKUP_PASSPHRASE),
        "2026-06-02T08:30:00Z",
    )
    .unwrap();
    assert_eq!((report.drafts, report.revisions), (2, 3));
    assert!(report.safety_copy_verified);
    let kept = report.safety_copy.unwrap();
    assert!(
        kept.file_name()
            .unwrap()
            .to_string_lossy()
            .contains("before-restore-20260602083000")
    );
    assert_eq!(Store::open(&db, &key).unwrap().list().unwrap().len(), 2);

    // The kept copy is a store under the same key: it restores as it was.
    Store::restore_backup(&db, &key, &kept, None, "2026-06-02T08:31:00Z").unwrap();
    let store = Store::open(&db, &key).unwrap();
    assert_eq!(store.list().unwrap().len(), 3);
    assert!(store.verify_audit().is_ok());
}

#[test]
fn a_wrong_passphrase_a_damaged_or_foreign_file_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let backup = home.path().join("b.gwbak");
    let key = Key::from_bytes([7; 32]);
    let db = database_path(home.path());
    {
        let mut store = Store::open(&db, &key).unwrap();
        fill(&mut store);
        store.backup(&backup, BACKUP_PASSPHRASE, "t").unwrap();
        store
            .save(None, &notice("关于丁事项的通知", "后来的。"), "t2")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let attempt = |file: &Path, pass: Option<&str>| {
        let err = Store::restore_backup(&db, &key, file, pass, "t3").unwrap_err();
        assert_eq!(std::fs::read(&db).unwrap(), before, "{err}");
        err.code()
    };
    assert_eq!(
        attempt(&backup, Some("不对的备份口令")),
        "backup-wrong-passphrase"
    );
    assert_eq!(attempt(&backup, None), "backup-need-passphrase");

    let bytes = std::fs::read(&backup).unwrap();
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2 + 100;
    damaged[middle] ^= 0xff;
    let broken = home.path().join("损坏.gwbak");
    std::fs::write(&broken, &damaged).unwrap();
    assert_ne!(attempt(&broken, Some(BACKUP_PASSPHRASE)), "");

    let header_end = bytes.iter().position(|&b| b == b'\n').unwrap();
    let cut = home.path().join("截断.gwbak");
    std::fs::write(&cut, &bytes[..header_end + 4096]).unwrap();
    assert_ne!(attempt(&cut, Some(BACKUP_PASSPHRASE)), "");
    std::fs::write(&cut, &bytes[..header_end - 3]).unwrap();
    assert_eq!(attempt(&cut, Some(BACKUP_PASSPHRASE)), "backup-bad-file");

    let foreign = home.path().join("别的文件.gwbak");
    std::fs::write(&foreign, "不是备份").unwrap();
    assert_ne!(attempt(&foreign, Some(BACKUP_PASSPHRASE)), "");

    // No leftovers beside the store, and the store is as it was.
    let names: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gongwen.db."))
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".lock") || n.ends_with(".audit")),
        "{names:?}"
    );
    assert_eq!(Store::open(&db, &key).unwrap().list().unwrap().len(), 3);
}

#[test]
fn a_short_backup_passphrase_is_refused_and_the_backup_is_encrypted() {
    let home = tempfile::tempdir().unwrap();
    let mut store = Store::open(&database_path(home.path()), &Key::from_bytes([9; 32])).unwrap();
    fill(&mut store);
    let short = home.path().join("short.gwbak");
    let err = store.backup(&short, "1234567", "t").unwrap_err();
    assert_eq!(err.code(), "backup-weak-passphrase");
    assert!(!short.exists());

    let backup = home.path().join("b.gwbak");
    store.backup(&backup, BACKUP_PASSPHRASE, "t").unwrap();
    let bytes = std::fs::read(&backup).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("甲事项"),
        "the drafts are not readable in the file"
    );
    assert!(!text.contains("SQLite format 3"));
    // Never overwrites.
    assert!(store.backup(&backup, BACKUP_PASSPHRASE, "t").is_err());
}
