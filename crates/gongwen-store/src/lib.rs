//! The encrypted draft store: one SQLCipher database holding documents,
//! their revisions (append-only: every save is a revision) and a
//! hash-chained audit log.
//!
//! The key never touches disk: it comes from the OS keyring or from a
//! passphrase stretched with Argon2id (`kdf.rs`; the salt and parameters
//! sit beside the database, they are not secret).

mod kdf;
mod open;
mod schema;
mod store;

pub use kdf::{KdfParams, Key};
pub use open::{data_dir_from_env, database_path, open_with_passphrase, passphrase_key};
pub use store::{AuditEntry, BackupReport, DraftSummary, RevisionSummary, Store};

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("无法解密草稿库：口令错误，或数据库文件已损坏")]
    WrongKeyOrDamaged,
    #[error("草稿库正在被另一个程序使用，请稍后再试")]
    Busy,
    #[error("草稿库版本（{found}）比本程序支持的版本（{supported}）新，请升级公文助手")]
    TooNew { found: i64, supported: i64 },
    #[error("没有编号为 {0} 的草稿")]
    NoSuchDraft(i64),
    #[error("审计日志第 {0} 条被修改或删除，日志链已断开")]
    AuditBroken(i64),
    #[error("读写 {path} 失败：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("口令派生参数文件无效：{0}")]
    KdfFile(String),
    #[error("数据库错误：{0}")]
    Sqlite(String),
    #[error("草稿内容无法解析：{0}")]
    Corrupt(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKeyOrDamaged => "store-wrong-key",
            StoreError::Busy => "store-busy",
            StoreError::TooNew { .. } => "store-too-new",
            StoreError::NoSuchDraft(_) => "store-no-such-draft",
            StoreError::AuditBroken(_) => "store-audit-broken",
            StoreError::Io { .. } => "store-io",
            StoreError::KdfFile(_) => "store-kdf",
            StoreError::Sqlite(_) => "store-sqlite",
            StoreError::Corrupt(_) => "store-corrupt",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::WrongKeyOrDamaged,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e.to_string()),
        }
    }
}
