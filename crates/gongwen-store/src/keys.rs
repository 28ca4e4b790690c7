//! Where the store lives, where its key comes from, and changing the key.
//!
//! `gongwen.db.key`, beside the database, says where the key comes from
//! (it holds nothing secret): a passphrase stretched with Argon2id (the salt
//! and parameters are in the file), or a random 256-bit key in the OS
//! keyring (the file names the keyring entry).
//!
//! Changing the key writes a re-keyed copy and switches to it in steps that
//! an interruption at any point cannot break; `recover` finishes or undoes
//! an interrupted change the next time the store is opened.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{KdfParams, Key, Store, StoreError};

/// The keyring service name under which database keys are filed.
const KEYRING_SERVICE: &str = "gongwen";

/// Where the database key comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum KeySource {
    Passphrase { kdf: KdfParams },
    Keyring { account: String },
}

impl KeySource {
    pub fn describe(&self) -> &'static str {
        match self {
            KeySource::Passphrase { .. } => "口令",
            KeySource::Keyring { .. } => "系统密钥环",
        }
    }
}

/// The OS keyring (the Secret Service on Linux: GNOME Keyring, KWallet).
/// Connecting is deferred until a key is actually needed from it, so a
/// passphrase user never waits on D-Bus.
#[derive(Clone)]
pub struct Keyring(Arc<Backend>);

enum Backend {
    SecretService(OnceLock<Result<Arc<CredentialStore>, String>>),
    Given(Arc<CredentialStore>),
}

impl Keyring {
    pub fn secret_service() -> Keyring {
        Keyring(Arc::new(Backend::SecretService(OnceLock::new())))
    }

    /// An in-memory keyring (keyring-core's mock store), for tests.
    pub fn in_memory() -> Result<Keyring, StoreError> {
        let store = keyring_core::mock::Store::new().map_err(keyring_error)?;
        Ok(Keyring(Arc::new(Backend::Given(store))))
    }

    fn store(&self) -> Result<Arc<CredentialStore>, StoreError> {
        match &*self.0 {
            Backend::Given(store) => Ok(store.clone()),
            Backend::SecretService(cell) => cell
                .get_or_init(|| {
                    dbus_secret_service_keyring_store::Store::new()
                        .map(|s| s as Arc<CredentialStore>)
                        .map_err(|e| e.to_string())
                })
                .clone()
                .map_err(StoreError::KeyringUnavailable),
        }
    }

    fn entry(&self, account: &str) -> Result<Entry, StoreError> {
        Entry::new_in_store(&self.store()?, KEYRING_SERVICE, account).map_err(keyring_error)
    }

    /// Files `key` under `account` and reads it back: a keyring that
    /// accepts a secret but cannot return it must not hold our only key.
    fn put(&self, account: &str, key: &Key) -> Result<(), StoreError> {
        let entry = self.entry(account)?;
        entry.set_secret(key.bytes()).map_err(keyring_error)?;
        let back = Zeroizing::new(entry.get_secret().map_err(keyring_error)?);
        if back.as_slice() != key.bytes() {
            return Err(StoreError::KeyringUnavailable(
                "写入的密钥无法原样读回".into(),
            ));
        }
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Key, StoreError> {
        let secret = Zeroizing::new(self.entry(account)?.get_secret().map_err(|e| match e {
            keyring_core::Error::NoEntry => StoreError::KeyringEntryMissing,
            e => keyring_error(e),
        })?);
        let bytes: [u8; 32] = secret
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::KeyringUnavailable("密钥环中的条目长度不对".into()))?;
        Ok(Key::from_bytes(bytes))
    }

    /// Best effort: a leftover entry holds a key to nothing.
    fn forget(&self, account: &str) {
        if let Ok(entry) = self.entry(account) {
            let _ = entry.delete_credential();
        }
    }
}

fn keyring_error(e: keyring_core::Error) -> StoreError {
    StoreError::KeyringUnavailable(e.to_string())
}

/// What the user (or the environment) offers to unlock the store.
#[derive(Clone, Default)]
pub struct Credentials {
    pub passphrase: Option<Zeroizing<String>>,
    pub keyring: Option<Keyring>,
}

impl Credentials {
    /// `GONGWEN_PASSPHRASE` if set (headless use and CI), and the system
    /// keyring.
    pub fn from_env() -> Credentials {
        Credentials {
            passphrase: std::env::var("GONGWEN_PASSPHRASE").ok().map(Zeroizing::new),
            keyring: Some(Keyring::secret_service()),
        }
    }
}

/// The new key when changing it.
pub enum NewKey<'a> {
    Passphrase(&'a str),
    Keyring(&'a Keyring),
}

/// `$GONGWEN_HOME`, else `~/.local/share/gongwen`.
pub fn data_dir_from_env() -> PathBuf {
    if let Some(dir) = std::env::var_os("GONGWEN_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local").join("share").join("gongwen")
}

pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("gongwen.db")
}

fn sibling(data_dir: &Path, suffix: &str) -> PathBuf {
    data_dir.join(format!("gongwen.db.{suffix}"))
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The key source recorded for the store in `data_dir`, if any.
pub fn key_source(data_dir: &Path) -> Result<Option<KeySource>, StoreError> {
    let path = sibling(data_dir, "key");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::KdfFile(e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Stores made before key sources had only the passphrase file.
            Ok(
                KdfParams::load(&sibling(data_dir, "kdf"))?
                    .map(|kdf| KeySource::Passphrase { kdf }),
            )
        }
        Err(e) => Err(io_error(&path)(e)),
    }
}

/// Writes a file and flushes it to disk before returning.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut file = std::fs::File::create(path).map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_error(dir))
}

fn save_source(path: &Path, source: &KeySource) -> Result<(), StoreError> {
    let text =
        serde_json::to_string_pretty(source).map_err(|e| StoreError::KdfFile(e.to_string()))?;
    write_synced(path, text.as_bytes())
}

fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    let path = Path::new("/dev/urandom");
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .map_err(io_error(path))?;
    Ok(bytes)
}

/// The shortest passphrase accepted for the store or a backup.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Rejects a new store passphrase too short to hold up against guessing.
pub fn check_new_passphrase(passphrase: &str) -> Result<(), StoreError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(StoreError::WeakPassphrase);
    }
    Ok(())
}

/// A fresh key from `new`, with the source that will give it back.
fn make_key(new: &NewKey<'_>) -> Result<(Key, KeySource), StoreError> {
    match new {
        NewKey::Passphrase(passphrase) => {
            let kdf = KdfParams::generate()?;
            Ok((
                Key::from_passphrase(passphrase, &kdf)?,
                KeySource::Passphrase { kdf },
            ))
        }
        NewKey::Keyring(keyring) => {
            let key = Key::from_bytes(random_bytes::<32>()?);
            let account = format!(
                "database-key-{}",
                random_bytes::<8>()?
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            keyring.put(&account, &key)?;
            Ok((key, KeySource::Keyring { account }))
        }
    }
}

fn key_from(source: &KeySource, credentials: &Credentials) -> Result<Key, StoreError> {
    match source {
        KeySource::Passphrase { kdf } => {
            let passphrase = credentials
                .passphrase
                .as_ref()
                .ok_or(StoreError::NeedPassphrase)?;
            Key::from_passphrase(passphrase, kdf)
        }
        KeySource::Keyring { account } => credentials
            .keyring
            .as_ref()
            .ok_or_else(|| StoreError::KeyringUnavailable("未启用".into()))?
            .get(account),
    }
}

/// Finishes or undoes a key change that was interrupted. The new database
/// copy (`.rekey`) is renamed over the database only after the new key
/// source (`.key.new`) is on disk, so: both present → the switch never
/// happened, drop them; only `.key.new` → the database already has the new
/// key, make its source current.
fn recover(data_dir: &Path, credentials: &Credentials) -> Result<(), StoreError> {
    let pending = sibling(data_dir, "key.new");
    let copy = sibling(data_dir, "rekey");
    if pending.exists() {
        if copy.exists() {
            if let (Ok(text), Some(keyring)) =
                (std::fs::read_to_string(&pending), &credentials.keyring)
                && let Ok(KeySource::Keyring { account }) = serde_json::from_str(&text)
            {
                keyring.forget(&account);
            }
            // In this order: `.key.new` without `.rekey` means "switched".
            std::fs::remove_file(&pending).map_err(io_error(&pending))?;
            sync_dir(data_dir)?;
        } else {
            let current = sibling(data_dir, "key");
            std::fs::rename(&pending, &current).map_err(io_error(&current))?;
            sync_dir(data_dir)?;
            return Ok(());
        }
    }
    if copy.exists() {
        std::fs::remove_file(&copy).map_err(io_error(&copy))?;
    }
    Ok(())
}

/// The key for the store in `data_dir`. A new store gets a key source:
/// the passphrase if one is offered, else a random key in the keyring.
pub fn unlock(data_dir: &Path, credentials: &Credentials) -> Result<Key, StoreError> {
    std::fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
    recover(data_dir, credentials)?;
    if let Some(source) = key_source(data_dir)? {
        return key_from(&source, credentials);
    }
    if database_path(data_dir).exists() {
        // Guessing a new salt would only produce a wrong key.
        return Err(StoreError::KdfFile(
            "找不到 gongwen.db.key，无法得到草稿库的密钥".into(),
        ));
    }
    let new = match (&credentials.passphrase, &credentials.keyring) {
        (Some(passphrase), _) => NewKey::Passphrase(passphrase),
        (None, Some(keyring)) => NewKey::Keyring(keyring),
        (None, None) => return Err(StoreError::NeedPassphrase),
    };
    let (key, source) = make_key(&new)?;
    save_source(&sibling(data_dir, "key"), &source)?;
    Ok(key)
}

/// Opens (or creates) the store in `data_dir`.
pub fn open_store(data_dir: &Path, credentials: &Credentials) -> Result<Store, StoreError> {
    let key = unlock(data_dir, credentials)?;
    Store::open(&database_path(data_dir), &key)
}

/// Steps of a key change, for tests that interrupt it after each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RekeyStep {
    CopyWritten,
    SourceWritten,
    DatabaseSwitched,
    Done,
}

/// Re-keys the store in `data_dir` to `new` and returns it reopened. No
/// other program may have the store open (`Busy` otherwise).
pub fn change_key(
    data_dir: &Path,
    store: Store,
    credentials: &Credentials,
    new: NewKey<'_>,
    now: &str,
) -> Result<Store, StoreError> {
    change_key_until(data_dir, store, credentials, new, now, RekeyStep::Done)
}

pub(crate) fn change_key_until(
    data_dir: &Path,
    mut store: Store,
    credentials: &Credentials,
    new: NewKey<'_>,
    now: &str,
    stop_after: RekeyStep,
) -> Result<Store, StoreError> {
    let old_source = key_source(data_dir)?;
    let db = database_path(data_dir);
    let copy = sibling(data_dir, "rekey");
    let pending = sibling(data_dir, "key.new");
    // A store made before this rule keeps opening with its short
    // passphrase; a new one is held to it.
    if let NewKey::Passphrase(passphrase) = &new {
        check_new_passphrase(passphrase)?;
    }
    store.lock_exclusively()?;
    let (key, source) = make_key(&new)?;
    let cleanup = |source: &KeySource| {
        let _ = std::fs::remove_file(&copy);
        if let (KeySource::Keyring { account }, NewKey::Keyring(keyring)) = (source, &new) {
            keyring.forget(account);
        }
    };
    if let Err(e) = store.export_rekeyed(&copy, &key) {
        cleanup(&source);
        return Err(e);
    }
    if stop_after == RekeyStep::CopyWritten {
        return Ok(store);
    }
    if let Err(e) = save_source(&pending, &source) {
        let _ = std::fs::remove_file(&pending);
        cleanup(&source);
        return Err(e);
    }
    sync_dir(data_dir)?;
    if stop_after == RekeyStep::SourceWritten {
        return Ok(store);
    }
    // Closing checkpoints the WAL into the old file; then the copy replaces it.
    store.close()?;
    std::fs::rename(&copy, &db).map_err(io_error(&db))?;
    sync_dir(data_dir)?;
    if stop_after == RekeyStep::DatabaseSwitched {
        return Store::open(&db, &key);
    }
    let current = sibling(data_dir, "key");
    std::fs::rename(&pending, &current).map_err(io_error(&current))?;
    sync_dir(data_dir)?;
    let _ = std::fs::remove_file(sibling(data_dir, "kdf"));
    if let (Some(KeySource::Keyring { account }), Some(keyring)) =
        (&old_source, &credentials.keyring)
        && !matches!(&source, KeySource::Keyring { account: new_account } if new_account == account)
    {
        keyring.forget(account);
    }
    let mut store = Store::open(&db, &key)?;
    let from = old_source.as_ref().map_or("未知", KeySource::describe);
    store.record(
        now,
        "rekey",
        &format!("草稿库密钥由{from}改为{}", source.describe()),
    )?;
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::{DocKind, Document};

    fn notice(title: &str) -> Document {
        let mut doc = Document::new(DocKind::Notice);
        doc.title = title.to_owned();
        doc
    }

    fn with_passphrase(p: &str, keyring: &Keyring) -> Credentials {
        Credentials {
            passphrase: Some(Zeroizing::new(p.to_owned())),
            keyring: Some(keyring.clone()),
        }
    }

    #[test]
    fn a_new_store_keeps_its_key_in_the_keyring_when_no_passphrase_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring::in_memory().unwrap();
        let creds = Credentials {
            passphrase: None,
            keyring: Some(keyring.clone()),
        };
        let mut store = open_store(dir.path(), &creds).unwrap();
        store.save(None, &notice("关于密钥环的通知"), "t1").unwrap();
        drop(store);
        assert!(matches!(
            key_source(dir.path()).unwrap(),
            Some(KeySource::Keyring { .. })
        ));
        let store = open_store(dir.path(), &creds).unwrap();
        assert_eq!(store.list().unwrap().len(), 1);
        drop(store);
        // Another keyring (another user, another machine) has no such key.
        let other = Credentials {
            passphrase: None,
            keyring: Some(Keyring::in_memory().unwrap()),
        };
        let err = open_store(dir.path(), &other).err().unwrap();
        assert_eq!(err.code(), "store-keyring-entry-missing");
        // Without a keyring and without a passphrase nothing can be created.
        let empty = tempfile::tempdir().unwrap();
        let err = open_store(empty.path(), &Credentials::default())
            .err()
            .unwrap();
        assert_eq!(err.code(), "store-need-passphrase");
    }

    /// Passphrase → keyring → another passphrase, with every draft kept and
    /// the old keys refused afterwards.
    #[test]
    fn switching_key_sources_keeps_every_draft() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring::in_memory().unwrap();
        let old = with_passphrase("旧口令", &keyring);
        let mut store = open_store(dir.path(), &old).unwrap();
        for i in 0..5 {
            store
                .save(None, &notice(&format!("关于第{i}项工作的通知")), "t")
                .unwrap();
        }
        let store = change_key(dir.path(), store, &old, NewKey::Keyring(&keyring), "t2").unwrap();
        assert_eq!(store.list().unwrap().len(), 5);
        drop(store);
        let keyring_only = Credentials {
            passphrase: None,
            keyring: Some(keyring.clone()),
        };
        let store = open_store(dir.path(), &keyring_only).unwrap();
        let store = change_key(
            dir.path(),
            store,
            &keyring_only,
            NewKey::Passphrase("新口令新口令新口令"),
            "t3",
        )
        .unwrap();
        assert_eq!(store.list().unwrap().len(), 5);
        assert!(store.verify_audit().unwrap() >= 7);
        drop(store);
        let err = open_store(dir.path(), &with_passphrase("旧口令", &keyring))
            .err()
            .unwrap();
        assert_eq!(err.code(), "store-wrong-key");
        let store =
            open_store(dir.path(), &with_passphrase("新口令新口令新口令", &keyring)).unwrap();
        assert_eq!(store.list().unwrap().len(), 5);
        let actions: Vec<String> = store
            .audit_log()
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions.iter().filter(|a| *a == "rekey").count(), 2);
        assert!(!sibling(dir.path(), "rekey").exists());
        assert!(!sibling(dir.path(), "key.new").exists());
    }

    /// A change of passphrase interrupted after each step: the next open
    /// works with the key that the database really has at that point, and
    /// nothing is lost.
    #[test]
    fn an_interrupted_key_change_loses_nothing() {
        for (step, works) in [
            (RekeyStep::CopyWritten, "旧口令"),
            (RekeyStep::SourceWritten, "旧口令"),
            (RekeyStep::DatabaseSwitched, "新口令新口令新口令"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let keyring = Keyring::in_memory().unwrap();
            let old = with_passphrase("旧口令", &keyring);
            let mut store = open_store(dir.path(), &old).unwrap();
            store.save(None, &notice("关于中断的通知"), "t").unwrap();
            store
                .save(Some(1), &notice("关于中断的通知（二）"), "t")
                .unwrap();
            let store = change_key_until(
                dir.path(),
                store,
                &old,
                NewKey::Passphrase("新口令新口令新口令"),
                "t2",
                step,
            )
            .unwrap();
            drop(store); // the "crash"
            let store = open_store(dir.path(), &with_passphrase(works, &keyring))
                .unwrap_or_else(|e| panic!("after {step:?}: {e}"));
            assert_eq!(store.history(1).unwrap().len(), 2, "after {step:?}");
            assert_eq!(store.show(1).unwrap().title, "关于中断的通知（二）");
            assert!(!sibling(dir.path(), "rekey").exists(), "after {step:?}");
            assert!(!sibling(dir.path(), "key.new").exists(), "after {step:?}");
        }
    }

    #[test]
    fn a_new_passphrase_shorter_than_8_characters_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring::in_memory().unwrap();
        let creds = with_passphrase("旧口令", &keyring);
        let mut store = open_store(dir.path(), &creds).unwrap();
        store.save(None, &notice("关于口令的通知"), "t").unwrap();
        let err = change_key(
            dir.path(),
            store,
            &creds,
            NewKey::Passphrase("七个字的口令"),
            "t",
        )
        .err()
        .unwrap();
        assert_eq!(err.code(), "store-weak-passphrase");
        assert_eq!(
            open_store(dir.path(), &creds)
                .unwrap()
                .list()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_key_change_is_refused_while_another_program_has_the_store_open() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring::in_memory().unwrap();
        let creds = with_passphrase("口令", &keyring);
        let store = open_store(dir.path(), &creds).unwrap();
        let other = open_store(dir.path(), &creds).unwrap();
        let err = change_key(
            dir.path(),
            store,
            &creds,
            NewKey::Passphrase("新口令新口令新口令"),
            "t",
        )
        .err()
        .unwrap();
        assert_eq!(err.code(), "store-busy");
        assert_eq!(other.list().unwrap().len(), 0);
        drop(other);
        assert!(open_store(dir.path(), &creds).is_ok());
    }
}
