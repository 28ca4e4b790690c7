//! A long-lived hold on the encrypted draft store, for the window: opened at
//! start with the keyring or `GONGWEN_PASSPHRASE`, or later with the
//! passphrase the user types; re-keyed and restored in place, opened again
//! with the key it had when either fails; the model that loaded recorded
//! in the audit log once the store is open. The CLI opens the store per
//! command and needs none of this.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use gongwen_store::{
    Credentials, Key, Keyring, NewKey, RestoreReport, Store, StoreError, database_path, key_source,
};
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

/// The draft store as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StorageStatus {
    /// Open: SQLCipher-encrypted on disk.
    Encrypted {
        drafts: usize,
    },
    /// Needs the passphrase.
    Locked,
    Failed {
        code: &'static str,
        message: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("草稿库尚未解锁，请先输入口令")]
    Locked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SessionError {
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::Locked => "store-locked",
            SessionError::Store(e) => e.code(),
        }
    }
}

/// A restore that took; `unlogged` when its audit entry could not be
/// written (the drafts are the backup's all the same).
pub struct RestoreDone {
    pub report: RestoreReport,
    pub unlogged: Option<StoreError>,
}

/// A model that loaded, as the audit log names it.
#[derive(Clone, PartialEq, Eq)]
pub struct LoadedModel {
    pub name: String,
    pub file: String,
    pub sha256: String,
}

#[derive(Default)]
struct Inner {
    store: Option<Store>,
    /// The open store's key, kept (zeroized on drop) to reopen it after a
    /// restore or a failed re-key.
    key: Option<Key>,
    status: Option<StorageStatus>,
    /// The model that is ready, waiting to be logged, and whether it is.
    model: Option<LoadedModel>,
    model_logged: bool,
}

pub struct Session {
    inner: Mutex<Inner>,
    data_dir: PathBuf,
    /// The OS keyring (an in-memory one in tests).
    keyring: Keyring,
}

fn status_of(result: &Result<Store, StoreError>) -> StorageStatus {
    match result {
        Ok(store) => match store.list() {
            Ok(drafts) => StorageStatus::Encrypted {
                drafts: drafts.len(),
            },
            Err(e) => failed(&e),
        },
        Err(StoreError::NeedPassphrase) => StorageStatus::Locked,
        Err(e) => failed(e),
    }
}

fn failed(e: &StoreError) -> StorageStatus {
    StorageStatus::Failed {
        code: e.code(),
        message: e.to_string(),
    }
}

impl Session {
    /// A session on the store in `data_dir`, not opened yet.
    pub fn new(data_dir: PathBuf, keyring: Keyring) -> Session {
        Session {
            inner: Mutex::default(),
            data_dir,
            keyring,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Opens the store (creating it when there is none) with `credentials`;
    /// never prompts.
    pub fn open(&self, credentials: &Credentials, now: &str) -> StorageStatus {
        let opened = gongwen_store::unlock(&self.data_dir, credentials)
            .and_then(|key| Ok((Store::open(&database_path(&self.data_dir), &key)?, key)));
        let (result, key) = match opened {
            Ok((store, key)) => (Ok(store), Some(key)),
            Err(e) => (Err(e), None),
        };
        let status = status_of(&result);
        let mut inner = self.lock();
        if let Ok(store) = result {
            inner.store = Some(store);
            inner.key = key;
            log_model(&mut inner, now);
        }
        inner.status = Some(status.clone());
        status
    }

    pub fn status(&self) -> StorageStatus {
        self.lock().status.clone().unwrap_or(StorageStatus::Locked)
    }

    /// Opens the store with the passphrase the user typed (creating a
    /// passphrase-protected store if there is none yet). An open store
    /// stays open; a wrong passphrase leaves it locked, not failed.
    pub fn unlock(&self, passphrase: Zeroizing<String>, now: &str) -> StorageStatus {
        if self.lock().store.is_some() {
            return self.status();
        }
        if passphrase.is_empty() {
            return StorageStatus::Failed {
                code: "store-need-passphrase",
                message: "请输入口令".into(),
            };
        }
        let credentials = Credentials {
            passphrase: Some(passphrase),
            keyring: Some(self.keyring.clone()),
        };
        let status = self.open(&credentials, now);
        if matches!(status, StorageStatus::Failed { .. }) {
            let mut inner = self.lock();
            if inner.store.is_none() {
                inner.status = Some(StorageStatus::Locked);
            }
        }
        status
    }

    /// Runs `f` on the open store; a locked store is an error the window
    /// shows as such.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, SessionError> {
        let mut inner = self.lock();
        let store = inner.store.as_mut().ok_or(SessionError::Locked)?;
        Ok(f(store)?)
    }

    /// Like `with`, but a locked store is `None` rather than an error: for
    /// work that can go on without it.
    pub fn with_optional<T>(
        &self,
        f: impl FnOnce(Option<&Store>) -> Result<T, StoreError>,
    ) -> Result<T, SessionError> {
        Ok(f(self.lock().store.as_ref())?)
    }

    /// Replaces the store with `backup` (see `backup::restore`): the store
    /// is closed meanwhile and opened again with the same key, also when
    /// the backup does not verify, which changes nothing.
    pub fn restore(
        &self,
        backup: &Path,
        passphrase: Option<&str>,
        source: Option<&Path>,
        now: &str,
    ) -> Result<RestoreDone, SessionError> {
        let mut inner = self.lock();
        let key = inner.key.take().ok_or(SessionError::Locked)?;
        // Our own handle must go before the file can be replaced.
        inner.store = None;
        let db = database_path(&self.data_dir);
        let restored = crate::backup::restore(&db, &key, backup, passphrase, source, now);
        inner.key = Some(key);
        match restored.store {
            Ok(store) => inner.store = Some(store),
            Err(e) => {
                inner.status = Some(failed(&e));
                return Err(e.into());
            }
        }
        Ok(RestoreDone {
            report: restored.report?,
            unlogged: restored.unlogged,
        })
    }

    /// Where the key is kept now: 口令 or 系统密钥环.
    pub fn key_source(&self) -> Option<&'static str> {
        key_source(&self.data_dir)
            .ok()
            .flatten()
            .map(|s| s.describe())
    }

    /// Re-encrypts the store under a new passphrase, or under a random key
    /// in the OS keyring (`None`). The store's own re-key is crash-safe;
    /// if it fails, the store is opened again with the key it had.
    pub fn change_key(
        &self,
        passphrase: Option<Zeroizing<String>>,
        now: &str,
    ) -> Result<(), SessionError> {
        let mut inner = self.lock();
        let store = inner.store.take().ok_or(SessionError::Locked)?;
        let credentials = Credentials {
            passphrase: passphrase.clone(),
            keyring: Some(self.keyring.clone()),
        };
        let new = match &passphrase {
            Some(p) => NewKey::Passphrase(p),
            None => NewKey::Keyring(&self.keyring),
        };
        match gongwen_store::change_key(&self.data_dir, store, &credentials, new, now) {
            Ok(store) => {
                inner.store = Some(store);
                // The new key, for a later restore.
                inner.key = gongwen_store::unlock(&self.data_dir, &credentials).ok();
                Ok(())
            }
            Err(e) => {
                let reopened = inner
                    .key
                    .as_ref()
                    .map(|key| Store::open(&database_path(&self.data_dir), key));
                match reopened {
                    Some(Ok(store)) => inner.store = Some(store),
                    Some(Err(again)) => inner.status = Some(failed(&again)),
                    None => {}
                }
                Err(e.into())
            }
        }
    }

    /// A model became ready: recorded in the audit log with its hash, now
    /// or when the store opens; the same model again is not recorded twice.
    pub fn model_loaded(&self, model: LoadedModel, now: &str) {
        let mut inner = self.lock();
        if inner.model.as_ref() != Some(&model) {
            inner.model = Some(model);
            inner.model_logged = false;
        }
        log_model(&mut inner, now);
    }
}

fn log_model(inner: &mut Inner, now: &str) {
    let Inner {
        store: Some(store),
        model: Some(model),
        model_logged: logged @ false,
        ..
    } = inner
    else {
        return;
    };
    let detail = format!(
        "加载模型 {}（{}，SHA-256 {}）",
        model.name, model.file, model.sha256
    );
    *logged = store.record(now, "model-loaded", &detail).is_ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-12-03T09:00:00Z";

    fn session_in(dir: &Path, keyring: Keyring) -> Session {
        Session::new(dir.to_path_buf(), keyring)
    }

    fn typed(passphrase: &str) -> Zeroizing<String> {
        Zeroizing::new(passphrase.to_owned())
    }

    fn model(sha256: &str) -> LoadedModel {
        LoadedModel {
            name: "test".into(),
            file: "gemma-3-270m-q4_k_m.gguf".into(),
            sha256: sha256.into(),
        }
    }

    fn doc(title: &str) -> gongwen_domain::Document {
        let mut d = gongwen_domain::Document::new(gongwen_domain::DocKind::Notice);
        d.title = title.into();
        d
    }

    fn titles(session: &Session) -> Vec<String> {
        let drafts: Vec<_> = session.with(|s| s.list()).unwrap_or_else(|e| panic!("{e}"));
        drafts.into_iter().map(|d| d.title).collect()
    }

    /// A model that was ready before the store was unlocked is recorded,
    /// once, with its hash; a wrong passphrase leaves the store locked.
    #[test]
    fn the_model_load_reaches_the_audit_log_once_the_store_opens() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let session = session_in(
            dir.path(),
            Keyring::in_memory().unwrap_or_else(|e| panic!("{e}")),
        );
        session.model_loaded(model("abc123"), NOW);
        assert_eq!(
            session.unlock(typed("第一次设置的口令"), NOW),
            StorageStatus::Encrypted { drafts: 0 }
        );
        session.model_loaded(model("abc123"), NOW);
        let log = session
            .with(|s| s.audit_log())
            .unwrap_or_else(|e| panic!("{e}"));
        let loaded: Vec<_> = log.iter().filter(|e| e.action == "model-loaded").collect();
        assert_eq!(loaded.len(), 1);
        assert!(
            loaded[0].detail.contains("SHA-256 abc123"),
            "{}",
            loaded[0].detail
        );

        let again = session_in(
            dir.path(),
            Keyring::in_memory().unwrap_or_else(|e| panic!("{e}")),
        );
        let status = again.unlock(typed("错误的口令"), NOW);
        assert!(matches!(
            status,
            StorageStatus::Failed {
                code: "store-wrong-key",
                ..
            }
        ));
        assert_eq!(again.status(), StorageStatus::Locked);
        let locked = again.with(|_| Ok(()));
        assert!(matches!(locked, Err(SessionError::Locked)));
    }

    /// A backup restored in the running app replaces the store and the
    /// store stays open; a file that is not a backup changes nothing.
    #[test]
    fn a_restore_swaps_the_store_and_a_bad_file_changes_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let session = session_in(
            dir.path(),
            Keyring::in_memory().unwrap_or_else(|e| panic!("{e}")),
        );
        session.unlock(typed("备份测试口令"), NOW);
        let save = |title: &str| {
            session
                .with(|s| s.save(None, &doc(title), NOW))
                .unwrap_or_else(|e| panic!("{e}"));
        };
        save("备份前的草稿");
        let backup = dir.path().join("backup.gwbak");
        session
            .with(|s| s.backup(&backup, "另一台电脑也能用", NOW))
            .unwrap_or_else(|e| panic!("{e}"));
        save("备份后的草稿");

        let junk = dir.path().join("junk.gwbak");
        std::fs::write(&junk, b"not a database").unwrap_or_else(|e| panic!("{e}"));
        assert!(session.restore(&junk, None, None, NOW).is_err());
        assert_eq!(titles(&session).len(), 2);
        let code = |r: Result<RestoreDone, SessionError>| r.err().map(|e| e.code());
        assert_eq!(
            code(session.restore(&backup, None, None, NOW)),
            Some("backup-need-passphrase")
        );
        assert_eq!(
            code(session.restore(&backup, Some("不是这个口令啊"), None, NOW)),
            Some("backup-wrong-passphrase")
        );
        assert_eq!(titles(&session).len(), 2, "still open");

        let done = session
            .restore(&backup, Some("另一台电脑也能用"), None, NOW)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.report.drafts, 1);
        assert!(done.unlogged.is_none());
        assert!(done.report.safety_copy_verified);
        let kept = done.report.safety_copy.unwrap_or_default();
        assert!(kept.starts_with(dir.path()), "{}", kept.display());
        assert_eq!(titles(&session), ["备份前的草稿"]);
    }

    /// The key moves from the passphrase to the keyring and back; the
    /// drafts stay readable, and a restart opens the store with the new
    /// source.
    #[test]
    fn the_key_can_move_between_passphrase_and_keyring() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let keyring = Keyring::in_memory().unwrap_or_else(|e| panic!("{e}"));
        let session = session_in(dir.path(), keyring.clone());
        session.unlock(typed("最初的口令"), NOW);
        session
            .with(|s| s.save(None, &doc("换钥前的草稿"), NOW))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(session.key_source(), Some("口令"));

        session
            .change_key(None, NOW)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(session.key_source(), Some("系统密钥环"));
        assert_eq!(titles(&session).len(), 1);
        // A restart finds the key in the keyring, without any passphrase.
        drop(session);
        let again = session_in(dir.path(), keyring.clone());
        let status = again.open(
            &Credentials {
                passphrase: None,
                keyring: Some(keyring.clone()),
            },
            NOW,
        );
        assert_eq!(status, StorageStatus::Encrypted { drafts: 1 });

        again
            .change_key(Some(typed("新的口令新的口令")), NOW)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.key_source(), Some("口令"));
        let backup = dir.path().join("b.gwbak");
        again
            .with(|s| s.backup(&backup, "备份口令备份口令", NOW))
            .unwrap_or_else(|e| panic!("{e}"));
        // The kept key is the new one: a restore reopens the store.
        let restored = again
            .restore(&backup, Some("备份口令备份口令"), None, NOW)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(restored.report.drafts, 1);
    }
}
