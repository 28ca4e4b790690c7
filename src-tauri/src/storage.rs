//! The app's hold on the encrypted draft store: opened at start with the
//! keyring or `GONGWEN_PASSPHRASE`, or later with the passphrase the user
//! types; events the audit log must show (the model loaded, with its hash)
//! are recorded once the store is open.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use gongwen_engine::ModelState;
use gongwen_store::{
    Credentials, Key, Keyring, NewKey, RestoreReport, Store, StoreError, database_path, key_source,
};
use zeroize::Zeroizing;

use crate::dto::{ApiError, StorageStatus};

#[derive(Default)]
struct Inner {
    store: Option<Store>,
    /// The open store's key, kept (zeroized on drop) to reopen it after a
    /// restore replaced the file.
    key: Option<Key>,
    status: Option<StorageStatus>,
    /// The SHA-256 of the model whose loading is already in the audit log.
    logged_model: Option<String>,
    /// The model that is ready, if any, waiting to be logged.
    ready_model: Option<(String, String, String)>,
}

#[derive(Clone)]
pub struct Storage {
    inner: Arc<Mutex<Inner>>,
    data_dir: PathBuf,
    /// The OS keyring (an in-memory one in tests).
    keyring: Keyring,
}

pub fn now() -> String {
    gongwen_desk::clock::now()
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

impl Storage {
    /// Tries the keyring and `GONGWEN_PASSPHRASE`; never prompts.
    pub fn open_at_start() -> Storage {
        let storage = Storage {
            inner: Arc::default(),
            data_dir: gongwen_store::data_dir_from_env(),
            keyring: Keyring::secret_service(),
        };
        storage.open_with(&Credentials::from_env());
        storage
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn open_with(&self, credentials: &Credentials) -> StorageStatus {
        let opened = gongwen_store::unlock(&self.data_dir, credentials).and_then(|key| {
            let store = Store::open(&database_path(&self.data_dir), &key)?;
            Ok((store, key))
        });
        let (result, key) = match opened {
            Ok((store, key)) => (Ok(store), Some(key)),
            Err(e) => (Err(e), None),
        };
        let status = status_of(&result);
        let mut inner = self.lock();
        if let Ok(store) = result {
            inner.store = Some(store);
            inner.key = key;
            log_model(&mut inner);
        }
        inner.status = Some(status.clone());
        status
    }

    pub fn status(&self) -> StorageStatus {
        self.lock().status.clone().unwrap_or(StorageStatus::Locked)
    }

    /// Opens the store with the passphrase the user typed (creating a
    /// passphrase-protected store if there is none yet). An open store
    /// stays open.
    pub fn unlock(&self, passphrase: String) -> StorageStatus {
        let passphrase = Zeroizing::new(passphrase);
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
        let status = self.open_with(&credentials);
        if matches!(status, StorageStatus::Failed { .. }) && self.lock().store.is_none() {
            // A wrong passphrase must not stick as the state of the store.
            self.lock().status = Some(StorageStatus::Locked);
        }
        status
    }

    /// Runs `f` on the open store; a locked or failed store is an error the
    /// UI shows as such.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, ApiError> {
        let mut inner = self.lock();
        match inner.store.as_mut() {
            Some(store) => f(store).map_err(ApiError::from),
            None => Err(ApiError::new(
                "store-locked",
                "草稿库尚未解锁，请先输入口令",
            )),
        }
    }

    /// Like `with`, but a locked store is `None` rather than an error: for
    /// work that can go on without it.
    pub fn with_optional<T>(
        &self,
        f: impl FnOnce(Option<&Store>) -> Result<T, StoreError>,
    ) -> Result<T, ApiError> {
        let inner = self.lock();
        f(inner.store.as_ref()).map_err(ApiError::from)
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// Replaces the store with a backup: verified first (by the store),
    /// then swapped in by rename; the store is closed meanwhile and opened
    /// again with the same key. A backup that does not verify changes
    /// nothing.
    pub fn restore(
        &self,
        backup: &std::path::Path,
        passphrase: Option<&str>,
    ) -> Result<RestoreReport, ApiError> {
        let mut inner = self.lock();
        let Some(key) = inner.key.take() else {
            return Err(ApiError::new(
                "store-locked",
                "草稿库尚未解锁，请先输入口令",
            ));
        };
        // Our own shared lock must go before the file can be replaced.
        inner.store = None;
        let db = database_path(&self.data_dir);
        // The window sends the file's bytes, not its path.
        let restored = gongwen_desk::backup::restore(&db, &key, backup, passphrase, None, &now());
        inner.key = Some(key);
        match restored.store {
            Ok(store) => inner.store = Some(store),
            Err(e) => {
                inner.status = Some(failed(&e));
                return Err(e.into());
            }
        }
        Ok(restored.report?)
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
    pub fn change_key(&self, passphrase: Option<Zeroizing<String>>) -> Result<(), ApiError> {
        let mut inner = self.lock();
        let Some(store) = inner.store.take() else {
            return Err(ApiError::new(
                "store-locked",
                "草稿库尚未解锁，请先输入口令",
            ));
        };
        let credentials = Credentials {
            passphrase: passphrase.clone(),
            keyring: Some(self.keyring.clone()),
        };
        let new = match &passphrase {
            Some(p) => NewKey::Passphrase(p),
            None => NewKey::Keyring(&self.keyring),
        };
        match gongwen_store::change_key(&self.data_dir, store, &credentials, new, &now()) {
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

    /// Follows the engine: a model that becomes ready is recorded in the
    /// audit log with its hash, now or when the store is opened.
    pub fn on_model_state(&self, state: &ModelState) {
        if let ModelState::Ready(info) = state {
            let mut inner = self.lock();
            inner.ready_model = Some((info.name.clone(), info.file.clone(), info.sha256.clone()));
            log_model(&mut inner);
        }
    }
}

fn log_model(inner: &mut Inner) {
    let Some((name, file, sha256)) = inner.ready_model.clone() else {
        return;
    };
    if inner.logged_model.as_deref() == Some(sha256.as_str()) {
        return;
    }
    if let Some(store) = inner.store.as_mut() {
        let detail = format!("加载模型 {name}（{file}，SHA-256 {sha256}）");
        if store.record(&now(), "model-loaded", &detail).is_ok() {
            inner.logged_model = Some(sha256);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_engine::ModelInfo;

    fn storage_in(dir: &std::path::Path, keyring: Keyring) -> Storage {
        Storage {
            inner: Arc::default(),
            data_dir: dir.to_path_buf(),
            keyring,
        }
    }

    fn ready(sha256: &str) -> ModelState {
        ModelState::Ready(ModelInfo {
            name: "test".into(),
            display_name: "Gemma 3 270M".into(),
            file: "gemma-3-270m-q4_k_m.gguf".into(),
            sha256: sha256.into(),
            size_bytes: 1,
            n_params: 1,
            n_ctx_train: 1,
            has_chat_template: false,
            verify_ms: 0,
            load_ms: 0,
            kernels: "x86-64-v3".into(),
        })
    }

    /// A model that was ready before the store was unlocked is recorded,
    /// once, with its hash; a wrong passphrase leaves the store locked.
    #[test]
    fn the_model_load_reaches_the_audit_log_once_the_store_opens() {
        let dir = tempfile::tempdir().unwrap();
        let storage = storage_in(dir.path(), Keyring::in_memory().unwrap());
        storage.on_model_state(&ready("abc123"));
        assert!(matches!(
            storage.unlock("第一次设置的口令".into()),
            StorageStatus::Encrypted { drafts: 0 }
        ));
        storage.on_model_state(&ready("abc123"));
        let log = storage.lock().store.as_ref().unwrap().audit_log().unwrap();
        let loaded: Vec<_> = log.iter().filter(|e| e.action == "model-loaded").collect();
        assert_eq!(loaded.len(), 1);
        assert!(
            loaded[0].detail.contains("SHA-256 abc123"),
            "{}",
            loaded[0].detail
        );

        let again = storage_in(dir.path(), Keyring::in_memory().unwrap());
        let status = again.unlock("错误的口令".into());
        assert!(matches!(
            status,
            StorageStatus::Failed {
                code: "store-wrong-key",
                ..
            }
        ));
        assert!(matches!(again.status(), StorageStatus::Locked));
    }

    /// A backup restored in the running app replaces the store and the
    /// store stays open; a file that is not a backup changes nothing.
    #[test]
    fn a_restore_swaps_the_store_and_a_bad_file_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let storage = storage_in(dir.path(), Keyring::in_memory().unwrap());
        storage.unlock("备份测试口令".into());
        let doc = |title: &str| {
            let mut d = gongwen_domain::Document::new(gongwen_domain::DocKind::Notice);
            d.title = title.into();
            d
        };
        storage
            .with(|s| s.save(None, &doc("备份前的草稿"), &now()))
            .unwrap();
        let backup = dir.path().join("backup.gwbak");
        storage
            .with(|s| s.backup(&backup, "另一台电脑也能用", &now()))
            .unwrap();
        storage
            .with(|s| s.save(None, &doc("备份后的草稿"), &now()))
            .unwrap();

        let junk = dir.path().join("junk.gwbak");
        std::fs::write(&junk, b"not a database").unwrap();
        assert!(storage.restore(&junk, None).is_err());
        assert_eq!(storage.with(|s| s.list()).unwrap().len(), 2);
        let err = storage.restore(&backup, None).unwrap_err();
        assert_eq!(err.code, "backup-need-passphrase");
        let err = storage
            .restore(&backup, Some("不是这个口令啊"))
            .unwrap_err();
        assert_eq!(err.code, "backup-wrong-passphrase");
        assert_eq!(storage.with(|s| s.list()).unwrap().len(), 2, "still open");

        let report = storage.restore(&backup, Some("另一台电脑也能用")).unwrap();
        assert_eq!(report.drafts, 1);
        assert!(report.safety_copy_verified);
        let kept = report.safety_copy.unwrap();
        assert!(kept.starts_with(dir.path()), "{}", kept.display());
        let titles: Vec<String> = storage
            .with(|s| s.list())
            .unwrap()
            .into_iter()
            .map(|d| d.title)
            .collect();
        assert_eq!(titles, ["备份前的草稿"]);
    }

    /// The key moves from the passphrase to the keyring and back; the
    /// drafts stay readable, and a restart opens the store with the new
    /// source.
    #[test]
    fn the_key_can_move_between_passphrase_and_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring::in_memory().unwrap();
        let storage = storage_in(dir.path(), keyring.clone());
        storage.unlock("最初的口令".into());
        let mut doc = gongwen_domain::Document::new(gongwen_domain::DocKind::Notice);
        doc.title = "换钥前的草稿".into();
        storage.with(|s| s.save(None, &doc, &now())).unwrap();
        assert_eq!(storage.key_source(), Some("口令"));

        storage.change_key(None).unwrap();
        assert_eq!(storage.key_source(), Some("系统密钥环"));
        assert_eq!(storage.with(|s| s.list()).unwrap().len(), 1);
        // A restart finds the key in the keyring, without any passphrase.
        drop(storage);
        let again = storage_in(dir.path(), keyring.clone());
        let status = again.open_with(&Credentials {
            passphrase: None,
            keyring: Some(keyring.clone()),
        });
        assert!(matches!(status, StorageStatus::Encrypted { drafts: 1 }));

        again
            .change_key(Some(Zeroizing::new("新的口令新的口令".into())))
            .unwrap();
        assert_eq!(again.key_source(), Some("口令"));
        let backup = dir.path().join("b.gwbak");
        again
            .with(|s| s.backup(&backup, "备份口令备份口令", &now()))
            .unwrap();
        // The kept key is the new one: a restore reopens the store.
        let restored = again.restore(&backup, Some("备份口令备份口令")).unwrap();
        assert_eq!(restored.drafts, 1);
    }
}
