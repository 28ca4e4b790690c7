//! Backups that open with their own passphrase, on any machine.
//!
//! A `.gwbak` file is one header line — a magic word, then JSON with the
//! Argon2id parameters and salt of the backup's own key and what it holds —
//! followed by an SQLCipher database encrypted with that key. Nothing else
//! is needed to open it: not the store's key, not `gongwen.db.key`, not the
//! keyring. So a new PC, a re-keyed store and a keyring-mode store all
//! restore it with the backup passphrase. Files written before this format
//! (the database itself under the store's key) still restore with the
//! store's current key.
//!
//! Restoring re-encrypts the backup under the store's current key, keeps a
//! copy of the store it replaces (`gongwen.db.before-restore-…`), and only
//! then swaps the file in.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::store::{keyed_connection, lock_exclusively, open_lock};
use crate::{KdfParams, Key, Store, StoreError, anchor};

const MAGIC: &[u8] = b"GONGWEN-BACKUP/2 ";
/// A header is a few hundred bytes; a longer one is not ours.
const HEADER_LIMIT: u64 = 8 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    kdf: KdfParams,
    drafts: i64,
    revisions: i64,
    created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    pub drafts: i64,
    pub revisions: i64,
    pub bytes: u64,
}

/// What a backup file says about itself before it is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    /// False for a file of the old kind, which only the store's own key opens.
    pub portable: bool,
    pub drafts: Option<i64>,
    pub revisions: Option<i64>,
    pub created: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub drafts: i64,
    pub revisions: i64,
    pub bytes: u64,
    /// Where the replaced store was kept, if there was one.
    pub safety_copy: Option<PathBuf>,
    /// False when the replaced store could not be read and was copied as
    /// it was, byte for byte.
    pub safety_copy_verified: bool,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `gongwen.db.<suffix>` beside the database.
fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Rejects a passphrase too short to protect a file that leaves the machine.
pub fn check_backup_passphrase(passphrase: &str) -> Result<(), StoreError> {
    if passphrase.chars().count() < crate::keys::MIN_PASSPHRASE_CHARS {
        return Err(StoreError::WeakBackupPassphrase);
    }
    Ok(())
}

/// Reads a backup's header. `None` for a file of the old kind.
fn read_header(path: &Path) -> Result<Option<(Header, u64)>, StoreError> {
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut reader = BufReader::new(file.take(HEADER_LIMIT));
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).map_err(io(path))?;
    let Some(json) = line.strip_prefix(MAGIC) else {
        return Ok(None);
    };
    if !line.ends_with(b"\n") {
        return Err(StoreError::BadBackup);
    }
    let header: Header = serde_json::from_slice(json).map_err(|_| StoreError::BadBackup)?;
    Ok(Some((header, line.len() as u64)))
}

/// What `path` holds, from its header alone (nothing is decrypted).
pub fn backup_info(path: &Path) -> Result<BackupInfo, StoreError> {
    Ok(match read_header(path)? {
        Some((h, _)) => BackupInfo {
            portable: true,
            drafts: Some(h.drafts),
            revisions: Some(h.revisions),
            created: Some(h.created),
        },
        None => BackupInfo {
            portable: false,
            drafts: None,
            revisions: None,
            created: None,
        },
    })
}

/// Copies the database inside a portable backup to `dest` and checks it
/// with the backup's key. Returns its counts.
fn extract(
    backup: &Path,
    header: &Header,
    offset: u64,
    key: &Key,
    dest: &Path,
) -> Result<(i64, i64), StoreError> {
    let _ = std::fs::remove_file(dest);
    let mut from = std::fs::File::open(backup).map_err(io(backup))?;
    std::io::Seek::seek(&mut from, std::io::SeekFrom::Start(offset)).map_err(io(backup))?;
    let mut to = std::fs::File::create(dest).map_err(io(dest))?;
    std::io::copy(&mut from, &mut to).map_err(io(dest))?;
    to.sync_all().map_err(io(dest))?;
    let counts = Store::verify_copy(dest, &key.pragma_value()).map_err(|e| match e {
        StoreError::WrongKeyOrDamaged | StoreError::Damaged => StoreError::WrongBackupPassphrase,
        e => e,
    })?;
    if counts != (header.drafts, header.revisions) {
        return Err(StoreError::BadBackup);
    }
    Ok(counts)
}

/// Writes a copy of the database at `from` (opened with `from_key`) to
/// `dest` encrypted with `to_key`, synced.
fn reencrypt(from: &Path, from_key: &Key, dest: &Path, to_key: &Key) -> Result<(), StoreError> {
    let _ = std::fs::remove_file(dest);
    let dest_text = dest
        .to_str()
        .ok_or_else(|| StoreError::Sqlite("路径不是有效的 UTF-8".into()))?;
    // Default flags: the attached file must be created.
    let conn = keyed_connection(
        from,
        rusqlite::OpenFlags::default(),
        &from_key.pragma_value(),
    )?;
    conn.execute(
        "ATTACH DATABASE ?1 AS target KEY ?2",
        params![dest_text, to_key.pragma_value().as_str()],
    )?;
    let version: i64 = conn.query_row("PRAGMA main.user_version", [], |row| row.get(0))?;
    conn.query_row("SELECT sqlcipher_export('target')", [], |_| Ok(()))?;
    // sqlcipher_export copies tables, not the schema version.
    conn.execute_batch(&format!("PRAGMA target.user_version = {version}"))?;
    conn.execute("DETACH DATABASE target", [])?;
    drop(conn);
    std::fs::File::open(dest)
        .and_then(|f| f.sync_all())
        .map_err(io(dest))
}

impl Store {
    /// Writes a backup to `dest` that opens with `passphrase` alone,
    /// verifies it by opening it back, and only then gives it its name. An
    /// existing file is never overwritten.
    pub fn backup(
        &mut self,
        dest: &Path,
        passphrase: &str,
        now: &str,
    ) -> Result<BackupReport, StoreError> {
        check_backup_passphrase(passphrase)?;
        if dest.exists() {
            return Err(StoreError::Io {
                path: dest.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "备份文件已存在"),
            });
        }
        let kdf = KdfParams::generate()?;
        let key = Key::from_passphrase(passphrase, &kdf)?;
        let inner = dest.with_extension("partial-db");
        let partial = dest.with_extension("partial");
        let result = self.write_backup(&inner, &partial, dest, kdf, &key, passphrase, now);
        let _ = std::fs::remove_file(&inner);
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        let (drafts, revisions) = result?;
        let bytes = std::fs::metadata(dest).map_err(io(dest))?.len();
        self.record(
            now,
            "backup",
            &format!(
                "备份到 {}（{drafts} 份草稿，{revisions} 个修订，备份口令加密）",
                dest.display()
            ),
        )?;
        Ok(BackupReport {
            drafts,
            revisions,
            bytes,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn write_backup(
        &mut self,
        inner: &Path,
        partial: &Path,
        dest: &Path,
        kdf: KdfParams,
        key: &Key,
        passphrase: &str,
        now: &str,
    ) -> Result<(i64, i64), StoreError> {
        self.export_rekeyed(inner, key)?;
        let (drafts, revisions) = Store::counts(&self.conn)?;
        let header = Header {
            kdf,
            drafts,
            revisions,
            created: now.to_owned(),
        };
        let json = serde_json::to_vec(&header).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        {
            let mut out = std::fs::File::create(partial).map_err(io(partial))?;
            out.write_all(MAGIC).map_err(io(partial))?;
            out.write_all(&json).map_err(io(partial))?;
            out.write_all(b"\n").map_err(io(partial))?;
            let mut db = std::fs::File::open(inner).map_err(io(inner))?;
            std::io::copy(&mut db, &mut out).map_err(io(partial))?;
            out.sync_all().map_err(io(partial))?;
        }
        // Read back the way a restore will, with the passphrase.
        let (read, offset) = read_header(partial)?.ok_or(StoreError::BadBackup)?;
        let key_again = Key::from_passphrase(passphrase, &read.kdf)?;
        let check = extract(partial, &read, offset, &key_again, inner)?;
        if check != (drafts, revisions) {
            return Err(StoreError::Corrupt("备份内容与草稿库不一致".into()));
        }
        std::fs::rename(partial, dest).map_err(io(dest))?;
        Ok((drafts, revisions))
    }

    /// Replaces the database at `db` (whose key is `key`) with the backup at
    /// `backup`: a portable backup is opened with `passphrase` and
    /// re-encrypted under `key`; an old one must open with `key`. The
    /// current database is first kept as a copy beside it. On any failure
    /// before the swap the current database is left exactly as it was. No
    /// `Store` may be open on `db` meanwhile. `now` names the safety copy.
    pub fn restore_backup(
        db: &Path,
        key: &Key,
        backup: &Path,
        passphrase: Option<&str>,
        now: &str,
    ) -> Result<RestoreReport, StoreError> {
        let lock = open_lock(db)?;
        lock_exclusively(&lock)?;
        let incoming = beside(db, "restoring");
        let result = Store::prepare_restore(db, key, backup, passphrase, &incoming);
        let (drafts, revisions) = match result {
            Ok(counts) => counts,
            Err(e) => {
                let _ = std::fs::remove_file(&incoming);
                return Err(e);
            }
        };
        let (safety_copy, safety_copy_verified) = match Store::safety_copy(db, key, now) {
            Ok(kept) => kept,
            Err(e) => {
                let _ = std::fs::remove_file(&incoming);
                return Err(e);
            }
        };
        // The old database's WAL must not be replayed onto the restored file.
        for suffix in ["-wal", "-shm"] {
            let mut side = db.as_os_str().to_owned();
            side.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(side));
        }
        std::fs::rename(&incoming, db).map_err(io(db))?;
        if let Some(dir) = db.parent() {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io(dir))?;
        }
        // The log is now the backup's: the anchor follows it and keeps the
        // rollback, so `audit verify` tells of it instead of hiding it.
        let conn = keyed_connection(db, rusqlite::OpenFlags::default(), &key.pragma_value())?;
        anchor::restored(&conn, &anchor::path_for(db), now)?;
        let bytes = std::fs::metadata(db).map_err(io(db))?.len();
        Ok(RestoreReport {
            drafts,
            revisions,
            bytes,
            safety_copy,
            safety_copy_verified,
        })
    }

    /// The backup's content, encrypted under `key`, verified, at `incoming`.
    fn prepare_restore(
        db: &Path,
        key: &Key,
        backup: &Path,
        passphrase: Option<&str>,
        incoming: &Path,
    ) -> Result<(i64, i64), StoreError> {
        let Some((header, offset)) = read_header(backup)? else {
            // The old kind: the database itself, under the store's key.
            let counts = Store::verify_copy(backup, &key.pragma_value())?;
            std::fs::copy(backup, incoming).map_err(io(incoming))?;
            std::fs::File::open(incoming)
                .and_then(|f| f.sync_all())
                .map_err(io(incoming))?;
            return Ok(counts);
        };
        let passphrase = passphrase.ok_or(StoreError::NeedBackupPassphrase)?;
        let backup_key = Key::from_passphrase(passphrase, &header.kdf)?;
        let plain = beside(db, "restoring-source");
        let result = extract(backup, &header, offset, &backup_key, &plain)
            .and_then(|_| reencrypt(&plain, &backup_key, incoming, key));
        let _ = std::fs::remove_file(&plain);
        result?;
        let counts = Store::verify_copy(incoming, &key.pragma_value())?;
        if counts != (header.drafts, header.revisions) {
            return Err(StoreError::BadBackup);
        }
        Ok(counts)
    }

    /// Keeps the database about to be replaced: a verified copy when it
    /// opens with `key`, else its bytes as they are (a damaged store is a
    /// common reason to restore; its remains are still the user's).
    fn safety_copy(db: &Path, key: &Key, now: &str) -> Result<(Option<PathBuf>, bool), StoreError> {
        if !db.exists() {
            return Ok((None, false));
        }
        let stamp: String = now.chars().filter(char::is_ascii_digit).take(14).collect();
        let mut copy = beside(db, &format!("before-restore-{stamp}"));
        let mut n = 1;
        while copy.exists() {
            n += 1;
            copy = beside(db, &format!("before-restore-{stamp}-{n}"));
        }
        let text = copy
            .to_str()
            .ok_or_else(|| StoreError::Sqlite("路径不是有效的 UTF-8".into()))?;
        let vacuumed = keyed_connection(
            db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE,
            &key.pragma_value(),
        )
        .and_then(|conn| Ok(conn.execute("VACUUM INTO ?1", [text])?))
        .and_then(|_| Store::verify_copy(&copy, &key.pragma_value()));
        if vacuumed.is_ok() {
            return Ok((Some(copy), true));
        }
        let _ = std::fs::remove_file(&copy);
        std::fs::copy(db, &copy).map_err(io(&copy))?;
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        if wal.exists() {
            let mut side = copy.as_os_str().to_owned();
            side.push("-wal");
            std::fs::copy(&wal, PathBuf::from(side)).map_err(io(&wal))?;
        }
        Ok((Some(copy), false))
    }
}
