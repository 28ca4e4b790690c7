use std::path::Path;

use gongwen_domain::{Document, to_plain_text};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::{Key, StoreError, anchor, schema};

pub struct Store {
    pub(crate) conn: Connection,
    /// A shared lock on `<database>.lock` while open: replacing the file
    /// (restoring a backup, changing the key) needs it exclusively.
    lock: std::fs::File,
    /// `gongwen.db.audit`: the audit log's end, kept outside the database.
    pub(crate) anchor: std::path::PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DraftSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub updated_at: String,
    #[ts(type = "number")]
    pub revisions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RevisionSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub created_at: String,
    #[ts(type = "number")]
    pub chars: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub action: String,
    pub detail: String,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn chain_hash(prev: &str, at: &str, action: &str, detail: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [prev, at, action, detail] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Opens (or creates) the encrypted database at `path` with `key`, and
    /// brings its schema up to date. A wrong key is reported as such before
    /// anything is written.
    pub fn open(path: &Path, key: &Key) -> Result<Store, StoreError> {
        Store::open_with(path, Some(key))
    }

    /// The same store in a plain, unencrypted SQLite file: only for
    /// measuring what encryption costs (`gongwen-bench store`).
    #[doc(hidden)]
    pub fn open_unencrypted_for_benchmark(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, None)
    }

    fn open_with(path: &Path, key: Option<&Key>) -> Result<Store, StoreError> {
        let lock = open_lock(path)?;
        lock.lock_shared().map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let key_pragma = key.map(Key::pragma_value).unwrap_or_default();
        let mut conn = match key {
            Some(_) => keyed_connection(path, rusqlite::OpenFlags::default(), &key_pragma)?,
            None => {
                sqlcipher_ready();
                Connection::open(path)?
            }
        };
        // The first read is where a wrong key shows.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
            row.get::<_, i64>(0)
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // A save the user saw succeed survives a power cut, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&mut conn)?;
        let anchor = anchor::path_for(path);
        anchor::start(&conn, &anchor);
        Ok(Store { conn, lock, anchor })
    }

    /// Reads every page (each is authenticated by SQLCipher's HMAC) and
    /// checks the database's structure.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let check: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if check == "ok" {
            Ok(())
        } else {
            Err(StoreError::Damaged)
        }
    }

    /// Fails with `Busy` while another program has the store open.
    pub(crate) fn lock_exclusively(&self) -> Result<(), StoreError> {
        lock_exclusively(&self.lock)
    }

    /// Closes the database (checkpointing the WAL into it) and hands back
    /// the lock, still held, so nobody opens the file while it is replaced.
    pub(crate) fn close(self) -> Result<std::fs::File, StoreError> {
        self.conn.close().map_err(|(_, e)| StoreError::from(e))?;
        Ok(self.lock)
    }

    /// Writes a copy of the database encrypted with another key to `dest`,
    /// verifies it with that key, and syncs it to disk.
    pub(crate) fn export_rekeyed(&mut self, dest: &Path, key: &Key) -> Result<(), StoreError> {
        let _ = std::fs::remove_file(dest);
        let dest_text = dest
            .to_str()
            .ok_or_else(|| StoreError::Sqlite("路径不是有效的 UTF-8".into()))?;
        let key_pragma = key.pragma_value();
        self.conn.execute(
            "ATTACH DATABASE ?1 AS rekeyed KEY ?2",
            params![dest_text, key_pragma.as_str()],
        )?;
        let exported = self
            .conn
            .query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))
            .and_then(|()| {
                // sqlcipher_export copies tables, not the schema version.
                self.conn.execute_batch(&format!(
                    "PRAGMA rekeyed.user_version = {}",
                    schema::CURRENT_VERSION
                ))
            });
        self.conn.execute("DETACH DATABASE rekeyed", [])?;
        exported?;
        let expected = Store::counts(&self.conn)?;
        if Store::verify_copy(dest, &key_pragma)? != expected {
            return Err(StoreError::Corrupt("换密钥后的副本与草稿库不一致".into()));
        }
        std::fs::File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(|source| StoreError::Io {
                path: dest.to_path_buf(),
                source,
            })
    }

    pub(crate) fn counts(conn: &Connection) -> Result<(i64, i64), StoreError> {
        Ok(conn.query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM revisions)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?)
    }

    /// Opens a copy with the key and checks it page by page.
    pub(crate) fn verify_copy(path: &Path, key_pragma: &str) -> Result<(i64, i64), StoreError> {
        let conn = keyed_connection(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY, key_pragma)?;
        let check: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(check));
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if version > schema::CURRENT_VERSION {
            return Err(StoreError::TooNew {
                found: version,
                supported: schema::CURRENT_VERSION,
            });
        }
        Store::counts(&conn)
    }

    /// Saves a document as a new revision: of draft `id`, or of a new draft.
    /// Returns (draft id, revision id). `now` is an ISO 8601 timestamp.
    pub fn save(
        &mut self,
        id: Option<i64>,
        doc: &Document,
        now: &str,
    ) -> Result<(i64, i64), StoreError> {
        let json = serde_json::to_string(doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let plain = to_plain_text(doc);
        let tx = self.conn.transaction()?;
        let (draft, action) = match id {
            Some(id) => {
                let changed = tx.execute(
                    "UPDATE documents SET kind = ?1, title = ?2, updated_at = ?3 WHERE id = ?4 AND deleted_at IS NULL",
                    params![doc.kind.name(), doc.title, now, id],
                )?;
                if changed == 0 {
                    return Err(StoreError::NoSuchDraft(id));
                }
                (id, "save")
            }
            None => {
                tx.execute(
                    "INSERT INTO documents (kind, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                    params![doc.kind.name(), doc.title, now],
                )?;
                (tx.last_insert_rowid(), "create")
            }
        };
        tx.execute(
            "INSERT INTO revisions (document_id, created_at, json, plain_text) VALUES (?1, ?2, ?3, ?4)",
            params![draft, now, json, plain],
        )?;
        let revision = tx.last_insert_rowid();
        // The search index holds each draft's latest text.
        tx.execute(
            "DELETE FROM drafts_fts WHERE CAST(document_id AS INTEGER) = ?1",
            [draft],
        )?;
        tx.execute(
            "INSERT INTO drafts_fts (document_id, title, body) VALUES (?1, ?2, ?3)",
            params![draft, doc.title, plain],
        )?;
        append_audit(
            &tx,
            now,
            action,
            &format!("草稿 {draft} 修订 {revision}：{}", doc.title),
        )?;
        tx.commit()?;
        anchor::advance(&self.conn, &self.anchor);
        Ok((draft, revision))
    }

    pub fn list(&self) -> Result<Vec<DraftSummary>, StoreError> {
        self.summaries("d.deleted_at IS NULL", [])
    }

    /// Drafts in the recycle bin.
    pub fn bin(&self) -> Result<Vec<DraftSummary>, StoreError> {
        self.summaries("d.deleted_at IS NOT NULL", [])
    }

    /// Drafts whose title or text contains `query`. Three characters or
    /// more use the trigram index (a phrase query); shorter queries, which
    /// trigrams cannot index, scan with instr().
    pub fn search(&self, query: &str) -> Result<Vec<DraftSummary>, StoreError> {
        let query = query.trim();
        if query.is_empty() {
            return self.list();
        }
        if query.chars().count() >= 3 {
            let phrase = format!("\"{}\"", query.replace('"', "\"\""));
            self.summaries(
                "d.deleted_at IS NULL AND d.id IN (SELECT CAST(document_id AS INTEGER) FROM drafts_fts
                    WHERE drafts_fts MATCH ?1)",
                [phrase],
            )
        } else {
            self.summaries(
                "d.deleted_at IS NULL AND d.id IN (SELECT CAST(document_id AS INTEGER) FROM drafts_fts
                    WHERE instr(title, ?1) > 0 OR instr(body, ?1) > 0)",
                [query],
            )
        }
    }

    /// Drafts of one 文种 most alike to `text` in wording, best first: the
    /// trigram index ranks them by how many of the text's three-character
    /// pieces they share (bm25). The unit's earlier documents serve as
    /// examples for a new draft.
    pub fn similar(
        &self,
        kind: &str,
        text: &str,
        limit: usize,
    ) -> Result<Vec<DraftSummary>, StoreError> {
        let query = trigram_query(text);
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.kind, d.title, d.updated_at,
                    (SELECT count(*) FROM revisions r WHERE r.document_id = d.id)
             FROM drafts_fts f JOIN documents d ON d.id = CAST(f.document_id AS INTEGER)
             WHERE drafts_fts MATCH ?1 AND d.kind = ?2 AND d.deleted_at IS NULL
             ORDER BY bm25(drafts_fts) LIMIT ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![query, kind, limit as i64], draft_summary)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn summaries<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
    ) -> Result<Vec<DraftSummary>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT d.id, d.kind, d.title, d.updated_at, count(r.id)
             FROM documents d JOIN revisions r ON r.document_id = d.id
             WHERE {filter} GROUP BY d.id ORDER BY d.updated_at DESC, d.id DESC"
        ))?;
        let rows = stmt.query_map(params, draft_summary)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest revision of a draft.
    pub fn show(&self, id: i64) -> Result<Document, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT r.json FROM revisions r JOIN documents d ON d.id = r.document_id
                 WHERE d.id = ?1 AND d.deleted_at IS NULL ORDER BY r.id DESC LIMIT 1",
                [id],
                |row| row.get(0),
            )
            .optional()?;
        let json = json.ok_or(StoreError::NoSuchDraft(id))?;
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// One revision of a draft (of any draft, deleted or not).
    pub fn revision(&self, id: i64, revision: i64) -> Result<Document, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT json FROM revisions WHERE id = ?1 AND document_id = ?2",
                [revision, id],
                |row| row.get(0),
            )
            .optional()?;
        let json = json.ok_or(StoreError::NoSuchRevision { id, revision })?;
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    pub fn history(&self, id: i64) -> Result<Vec<RevisionSummary>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, created_at, length(plain_text) FROM revisions WHERE document_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |row| {
            Ok(RevisionSummary {
                id: row.get(0)?,
                created_at: row.get(1)?,
                chars: row.get(2)?,
            })
        })?;
        let history: Vec<RevisionSummary> = rows.collect::<Result<_, _>>()?;
        if history.is_empty() {
            return Err(StoreError::NoSuchDraft(id));
        }
        Ok(history)
    }

    /// Walks the audit chain; returns the number of entries, or the first
    /// entry that was edited (or follows a deleted one).
    pub fn verify_audit(&self) -> Result<usize, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, at, action, detail, prev_hash, hash FROM audit ORDER BY id")?;
        let mut rows = stmt.query([])?;
        let mut expected_prev = GENESIS.to_owned();
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let (at, action, detail): (String, String, String) =
                (row.get(1)?, row.get(2)?, row.get(3)?);
            let (prev, hash): (String, String) = (row.get(4)?, row.get(5)?);
            if prev != expected_prev || hash != chain_hash(&prev, &at, &action, &detail) {
                return Err(StoreError::AuditBroken(id));
            }
            expected_prev = hash;
            count += 1;
        }
        anchor::check(&self.conn, &self.anchor)?;
        Ok(count)
    }

    /// The restores that took the audit log back to an earlier state (each
    /// kept in the anchor when it happened), after checking the log's end.
    pub fn audit_rollbacks(&self) -> Result<Vec<anchor::Rollback>, StoreError> {
        anchor::check(&self.conn, &self.anchor)
    }

    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, at, action, detail FROM audit ORDER BY id")?;
        let rows = stmt.query_map([], |row| {
            Ok(AuditEntry {
                id: row.get(0)?,
                at: row.get(1)?,
                action: row.get(2)?,
                detail: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Moves a draft to the recycle bin; nothing is erased.
    pub fn delete(&mut self, id: i64, now: &str) -> Result<(), StoreError> {
        self.set_deleted(id, Some(now), now, "delete", "移入回收站")
    }

    /// Brings a draft back from the recycle bin.
    pub fn undelete(&mut self, id: i64, now: &str) -> Result<(), StoreError> {
        self.set_deleted(id, None, now, "undelete", "从回收站恢复")
    }

    fn set_deleted(
        &mut self,
        id: i64,
        deleted_at: Option<&str>,
        now: &str,
        action: &str,
        what: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE documents SET deleted_at = ?1 WHERE id = ?2 AND (deleted_at IS NULL) = (?1 IS NOT NULL)",
            params![deleted_at, id],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchDraft(id));
        }
        append_audit(&tx, now, action, &format!("草稿 {id} {what}"))?;
        tx.commit()?;
        anchor::advance(&self.conn, &self.anchor);
        Ok(())
    }

    /// Makes an earlier revision current again, as a new revision: history
    /// is never rewritten.
    pub fn restore(&mut self, id: i64, revision: i64, now: &str) -> Result<i64, StoreError> {
        let doc = self.revision(id, revision)?;
        let (_, new_revision) = self.save(Some(id), &doc, now)?;
        self.record(
            now,
            "restore",
            &format!("草稿 {id} 由修订 {revision} 恢复为修订 {new_revision}"),
        )?;
        Ok(new_revision)
    }

    /// Records an event that is not a save (model loaded, export, …).
    pub fn record(&mut self, now: &str, action: &str, detail: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        append_audit(&tx, now, action, detail)?;
        tx.commit()?;
        anchor::advance(&self.conn, &self.anchor);
        Ok(())
    }
}

/// A row of (id, kind, title, updated_at, revision count).
fn draft_summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<DraftSummary> {
    Ok(DraftSummary {
        id: row.get(0)?,
        kind: row.get(1)?,
        title: row.get(2)?,
        updated_at: row.get(3)?,
        revisions: row.get(4)?,
    })
}

pub(crate) fn open_lock(db: &Path) -> Result<std::fs::File, StoreError> {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    let path = std::path::PathBuf::from(name);
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StoreError::Io { path, source })
}

pub(crate) fn lock_exclusively(lock: &std::fs::File) -> Result<(), StoreError> {
    lock.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => StoreError::Busy,
        std::fs::TryLockError::Error(source) => StoreError::Io {
            path: "gongwen.db.lock".into(),
            source,
        },
    })
}

/// Completes SQLCipher's one-time set-up before any of our connections
/// opens. SQLite marks itself initialised *before* SQLCipher's extra init
/// registers `sqlcipher_export`, so a connection opened on another thread
/// in that window lacks the function (seen as a failed restore when tests
/// run in parallel). `Once` makes every other thread wait for the whole
/// set-up, which an in-memory connection drives to the end (if even that
/// fails, the real open that follows reports why).
fn sqlcipher_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| drop(Connection::open_in_memory()));
}

/// A connection to an SQLCipher file with its key set. SQLCipher would log
/// a wrong key to stderr itself; our error says it in Chinese instead.
pub(crate) fn keyed_connection(
    path: &Path,
    flags: rusqlite::OpenFlags,
    key_pragma: &str,
) -> Result<Connection, StoreError> {
    sqlcipher_ready();
    let conn = Connection::open_with_flags(path, flags)?;
    let _ = conn.pragma_update(None, "cipher_log_level", "NONE");
    conn.pragma_update(None, "key", key_pragma)?;
    Ok(conn)
}

pub(crate) fn append_audit(
    conn: &Connection,
    at: &str,
    action: &str,
    detail: &str,
) -> Result<(), StoreError> {
    let prev: String = conn
        .query_row(
            "SELECT hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let hash = chain_hash(&prev, at, action, detail);
    conn.execute(
        "INSERT INTO audit (at, action, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at, action, detail, prev, hash],
    )?;
    Ok(())
}

/// An FTS5 query matching any of the distinct three-character pieces of
/// the text's Chinese runs (at most 64), each as a quoted phrase.
fn trigram_query(text: &str) -> String {
    let mut pieces: Vec<String> = Vec::new();
    for run in text.split(|c: char| !is_cjk_letter(c)) {
        let chars: Vec<char> = run.chars().collect();
        for w in chars.windows(3) {
            let piece: String = w.iter().collect();
            if !pieces.contains(&piece) {
                pieces.push(piece);
            }
        }
    }
    pieces.truncate(64);
    pieces
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn is_cjk_letter(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF)
}
