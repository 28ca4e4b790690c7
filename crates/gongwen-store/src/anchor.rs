//! The audit log's anchor outside the database: `gongwen.db.audit` holds
//! the number of entries and the last entry's hash, rewritten (temp file,
//! fsync, rename) after every commit that adds an entry. The hash chain
//! proves no entry inside the log was changed; the anchor proves none was
//! cut off its end — by deleting rows, or by putting an older database file
//! in place. A restore through the program is a rollback it knows about:
//! it is written into the anchor and reported, not hidden.
//!
//! The anchor may lag the database by the entries of a commit it did not
//! live to record (a crash between the two writes); it may never lead.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// The setting (no audit entry of its own) that says the anchor exists:
/// from then on a missing anchor file is reported, not recreated.
const ANCHORED: &str = "_audit_anchored";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Anchor {
    pub count: i64,
    pub head: String,
    #[serde(default)]
    pub rollbacks: Vec<Rollback>,
}

/// A restore that took the log back: when, and from how many entries to
/// how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollback {
    pub at: String,
    pub from_count: i64,
    pub to_count: i64,
}

impl Rollback {
    /// One line for the user.
    pub fn describe(&self) -> String {
        format!(
            "{} 从备份恢复：审计日志由 {} 条回到备份时的 {} 条（恢复前的草稿库连同其日志另存在数据文件夹中）",
            self.at, self.from_count, self.to_count
        )
    }
}

pub(crate) fn path_for(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".audit");
    PathBuf::from(name)
}

pub(crate) fn read(path: &Path) -> Result<Option<Anchor>, StoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| StoreError::AuditAnchorDamaged),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

pub(crate) fn write(path: &Path, anchor: &Anchor) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = serde_json::to_vec(anchor).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut temp = path.as_os_str().to_owned();
    temp.push(".new");
    let temp = PathBuf::from(temp);
    let mut file = std::fs::File::create(&temp).map_err(io)?;
    file.write_all(&text).map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&temp, path).map_err(io)
}

/// The log's length and last hash.
pub(crate) fn tip(conn: &Connection) -> Result<(i64, String), StoreError> {
    let count: i64 = conn.query_row("SELECT count(*) FROM audit", [], |row| row.get(0))?;
    let head: String = conn
        .query_row(
            "SELECT hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or_default();
    Ok((count, head))
}

/// Whether the log still holds the anchored entries: at least as many, and
/// the anchored last one where it was.
pub(crate) fn holds(conn: &Connection, anchor: &Anchor) -> Result<bool, StoreError> {
    if anchor.count == 0 {
        return Ok(true);
    }
    let at: Option<String> = conn
        .query_row(
            "SELECT hash FROM audit ORDER BY id LIMIT 1 OFFSET ?1",
            [anchor.count - 1],
            |row| row.get(0),
        )
        .optional()?;
    Ok(at.as_deref() == Some(anchor.head.as_str()))
}

/// Whether the store says it has an anchor.
pub(crate) fn was_anchored(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM settings WHERE key = ?1", [ANCHORED], |_| {
            Ok(())
        })
        .optional()?
        .is_some())
}

/// Anchors a store that has no anchor yet (a new one, or one made before
/// anchors existed). Best effort: a read-only folder keeps the store usable.
pub(crate) fn start(conn: &Connection, path: &Path) {
    let fresh = matches!(read(path), Ok(None)) && matches!(was_anchored(conn), Ok(false));
    if !fresh {
        return;
    }
    let Ok((count, head)) = tip(conn) else { return };
    let anchor = Anchor {
        count,
        head,
        rollbacks: Vec::new(),
    };
    if write(path, &anchor).is_ok() {
        let _ = conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, 'true')",
            [ANCHORED],
        );
    }
}

/// Moves the anchor to the log's end after a commit. Best effort: the
/// entry is committed whatever happens here, and a lagging anchor is
/// allowed. An anchor the log no longer holds is left as it is, so the
/// verification keeps reporting it.
pub(crate) fn advance(conn: &Connection, path: &Path) {
    let rollbacks = match read(path) {
        Ok(Some(a)) if matches!(holds(conn, &a), Ok(true)) => a.rollbacks,
        _ => return,
    };
    if let Ok((count, head)) = tip(conn) {
        let _ = write(
            path,
            &Anchor {
                count,
                head,
                rollbacks,
            },
        );
    }
}

/// After a restore through the program: the anchor moves to the restored
/// log's end, and a rollback (fewer entries, or other ones) is written
/// into it.
pub(crate) fn restored(conn: &Connection, path: &Path, now: &str) -> Result<(), StoreError> {
    let (count, head) = tip(conn)?;
    let old = read(path).ok().flatten();
    let mut rollbacks = old
        .as_ref()
        .map(|a| a.rollbacks.clone())
        .unwrap_or_default();
    if let Some(old) = &old
        && !holds(conn, old)?
    {
        rollbacks.push(Rollback {
            at: now.to_owned(),
            from_count: old.count,
            to_count: count,
        });
    }
    write(
        path,
        &Anchor {
            count,
            head,
            rollbacks,
        },
    )?;
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, 'true')",
        [ANCHORED],
    )?;
    Ok(())
}

/// Checks the log's end against the anchor. Errors say what is wrong.
pub(crate) fn check(conn: &Connection, path: &Path) -> Result<Vec<Rollback>, StoreError> {
    match read(path)? {
        None if was_anchored(conn)? => Err(StoreError::AuditAnchorMissing),
        None => Ok(Vec::new()),
        Some(anchor) => {
            if holds(conn, &anchor)? {
                Ok(anchor.rollbacks)
            } else {
                let (found, _) = tip(conn)?;
                Err(if found < anchor.count {
                    StoreError::AuditTruncated {
                        anchored: anchor.count,
                        found,
                    }
                } else {
                    StoreError::AuditDiverged(anchor.count)
                })
            }
        }
    }
}
