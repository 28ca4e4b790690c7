//! Where the store lives and how a front end opens it with a passphrase:
//! shared by the app and the command line.

use std::path::{Path, PathBuf};

use crate::{KdfParams, Key, Store, StoreError};

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

/// The key for the store in `data_dir` from a passphrase, creating the
/// directory and the key-derivation parameters on first use.
pub fn passphrase_key(data_dir: &Path, passphrase: &str) -> Result<Key, StoreError> {
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let kdf_path = data_dir.join("gongwen.db.kdf");
    let params = match KdfParams::load(&kdf_path)? {
        Some(params) => params,
        None => {
            let params = KdfParams::generate()?;
            params.save(&kdf_path)?;
            params
        }
    };
    Key::from_passphrase(passphrase, &params)
}

/// Opens (or creates) the store in `data_dir` with a passphrase.
pub fn open_with_passphrase(data_dir: &Path, passphrase: &str) -> Result<Store, StoreError> {
    let key = passphrase_key(data_dir, passphrase)?;
    Store::open(&database_path(data_dir), &key)
}
