//! The encrypted draft store: one SQLCipher database holding documents,
//! their revisions (append-only: every save is a revision) and a
//! hash-chained audit log.
//!
//! The key never touches disk: it comes from the OS keyring or from a
//! passphrase stretched with Argon2id (`kdf.rs`; the salt and parameters
//! sit beside the database, they are not secret).

mod anchor;
mod backup;
mod kdf;
mod keys;
mod profile;
mod schema;
mod store;

pub use anchor::Rollback;
pub use backup::{BackupInfo, BackupReport, RestoreReport, backup_info, check_backup_passphrase};
pub use kdf::{KdfParams, Key};
pub use keys::{
    Credentials, KeySource, Keyring, MIN_PASSPHRASE_CHARS, NewKey, change_key,
    check_new_passphrase, data_dir_from_env, database_path, key_source, open_store, unlock,
};
pub use profile::{Feedback, FeedbackCount, TermList, UnitProfile};
pub use store::{AuditEntry, DraftSummary, RevisionSummary, Store};

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
    #[error("草稿 {id} 没有修订 {revision}")]
    NoSuchRevision { id: i64, revision: i64 },
    #[error("审计日志第 {0} 条被修改或删除，日志链已断开")]
    AuditBroken(i64),
    #[error("审计日志末尾少了 {} 条：库外记录有 {anchored} 条，库内只有 {found} 条（条目被删除，或草稿库文件被换成了旧的副本）", anchored - found)]
    AuditTruncated { anchored: i64, found: i64 },
    #[error("审计日志第 {0} 条已不是库外记录中的那一条（草稿库文件被换过，或日志被改写）")]
    AuditDiverged(i64),
    #[error("审计日志的库外记录（gongwen.db.audit）不见了，无法确认日志末尾是否完整")]
    AuditAnchorMissing,
    #[error("审计日志的库外记录（gongwen.db.audit）已损坏，无法确认日志末尾是否完整")]
    AuditAnchorDamaged,
    #[error("读写 {path} 失败：{}", io_reason(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("口令派生参数文件无效：{0}")]
    KdfFile(String),
    #[error("草稿库已加密，请输入口令")]
    NeedPassphrase,
    #[error("无法使用系统密钥环：{0}。可以改用口令保护草稿库")]
    KeyringUnavailable(String),
    #[error("系统密钥环中找不到草稿库的密钥（可能换了用户或电脑）。请用备份恢复草稿库")]
    KeyringEntryMissing,
    #[error("还没有设置机关代字，无法取文号")]
    NoUnitCode,
    #[error("草稿库文件已损坏（校验失败），请用备份恢复")]
    Damaged,
    #[error("磁盘空间已满，这次没有写入；之前保存的内容完好。请清理磁盘空间后再试")]
    DiskFull,
    #[error("草稿库所在的磁盘或文件夹只读，无法写入；之前保存的内容完好")]
    ReadOnly,
    #[error("口令至少需要 8 个字符：草稿库只靠它保护，太短的口令能被逐个试出")]
    WeakPassphrase,
    #[error("备份口令至少需要 8 个字符：备份文件会离开这台电脑，口令是它唯一的保护")]
    WeakBackupPassphrase,
    #[error("这份备份需要输入制作备份时设定的备份口令")]
    NeedBackupPassphrase,
    #[error("无法打开备份：备份口令错误，或备份文件已损坏。当前草稿库未改动")]
    WrongBackupPassphrase,
    #[error("不是公文助手的备份文件，或备份文件不完整。当前草稿库未改动")]
    BadBackup,
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
            StoreError::NoSuchRevision { .. } => "store-no-such-revision",
            StoreError::AuditBroken(_) => "store-audit-broken",
            StoreError::AuditTruncated { .. } => "store-audit-truncated",
            StoreError::AuditDiverged(_) => "store-audit-diverged",
            StoreError::AuditAnchorMissing => "store-audit-anchor-missing",
            StoreError::AuditAnchorDamaged => "store-audit-anchor-damaged",
            StoreError::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::StorageFull => "store-disk-full",
                std::io::ErrorKind::ReadOnlyFilesystem => "store-read-only",
                _ => "store-io",
            },
            StoreError::DiskFull => "store-disk-full",
            StoreError::ReadOnly => "store-read-only",
            StoreError::KdfFile(_) => "store-kdf",
            StoreError::NeedPassphrase => "store-need-passphrase",
            StoreError::KeyringUnavailable(_) => "store-keyring-unavailable",
            StoreError::KeyringEntryMissing => "store-keyring-entry-missing",
            StoreError::NoUnitCode => "store-no-unit-code",
            StoreError::Damaged => "store-damaged",
            StoreError::WeakPassphrase => "store-weak-passphrase",
            StoreError::WeakBackupPassphrase => "backup-weak-passphrase",
            StoreError::NeedBackupPassphrase => "backup-need-passphrase",
            StoreError::WrongBackupPassphrase => "backup-wrong-passphrase",
            StoreError::BadBackup => "backup-bad-file",
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
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            // SQLITE_IOERR_SHMSIZE: the WAL index could not grow, which on
            // Linux means the file system is full (seen on a full tmpfs).
            Some(ErrorCode::SystemIoFailure) if extended_code(&e) == Some(4874) => {
                StoreError::DiskFull
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            _ => StoreError::Sqlite(e.to_string()),
        }
    }
}

fn extended_code(e: &rusqlite::Error) -> Option<i32> {
    match e {
        rusqlite::Error::SqliteFailure(failure, _) => Some(failure.extended_code),
        _ => None,
    }
}

/// What went wrong with a file, in plain Chinese for the common cases (the
/// system's own English text only as a detail for rare ones).
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull => {
            "磁盘空间已满，之前保存的内容完好。请清理磁盘空间后再试".to_owned()
        }
        ErrorKind::ReadOnlyFilesystem => {
            "所在的磁盘或文件夹只读，无法写入；之前保存的内容完好".to_owned()
        }
        ErrorKind::PermissionDenied => "没有读写权限".to_owned(),
        ErrorKind::NotFound => "文件或文件夹不存在".to_owned(),
        _ => match e.raw_os_error() {
            Some(code) => format!("系统错误 {code}（{e}）"),
            None => e.to_string(),
        },
    }
}
