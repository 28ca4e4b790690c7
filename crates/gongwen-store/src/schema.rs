//! Schema migrations, keyed by `PRAGMA user_version`. Each step runs in its
//! own transaction: an interrupted upgrade leaves the previous version.

use rusqlite::Connection;

use crate::StoreError;

const MIGRATIONS: &[&str] = &[
    // Version 1.
    "CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
    );
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        created_at TEXT NOT NULL,
        json TEXT NOT NULL,
        plain_text TEXT NOT NULL
    );
    CREATE INDEX revisions_by_document ON revisions(document_id, id);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );",
    // Version 2: full-text search that works for Chinese (trigram: any
    // three characters; shorter queries fall back to a LIKE scan), and the
    // recycle bin (documents.deleted_at, from version 1).
    "CREATE VIRTUAL TABLE drafts_fts USING fts5(document_id UNINDEXED, title, body, tokenize = 'trigram');
     INSERT INTO drafts_fts (document_id, title, body)
        SELECT d.id, d.title, r.plain_text FROM documents d
        JOIN revisions r ON r.id = (SELECT max(id) FROM revisions WHERE document_id = d.id);",
    // Version 3: settings (JSON values), the unit profile, 文号 counters,
    // the user's terms and ignore list, and feedback on suggestions.
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE unit_profile (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        code TEXT NOT NULL,
        recipients TEXT NOT NULL
     );
     CREATE TABLE doc_numbers (
        code TEXT NOT NULL,
        year INTEGER NOT NULL,
        next INTEGER NOT NULL,
        PRIMARY KEY (code, year)
     );
     CREATE TABLE terms (
        term TEXT NOT NULL,
        list TEXT NOT NULL CHECK (list IN ('custom', 'ignore')),
        added_at TEXT NOT NULL,
        PRIMARY KEY (term, list)
     );
     CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        original TEXT NOT NULL,
        suggestion TEXT NOT NULL,
        accepted INTEGER NOT NULL
     );",
];

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, CURRENT_VERSION)
}

pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > CURRENT_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: CURRENT_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found as usize)
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.pragma_update(
            None,
            "key",
            "x'0101010101010101010101010101010101010101010101010101010101010101'",
        )
        .unwrap();
        conn
    }

    /// A database left at every earlier version, with a draft in it, opens
    /// at the current version with the draft intact and searchable.
    #[test]
    fn upgrades_from_every_earlier_version() {
        for start in 1..CURRENT_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("old.db");
            let mut conn = keyed(&path);
            migrate_to(&mut conn, start).unwrap();
            conn.execute_batch(
                "INSERT INTO documents (kind, title, created_at, updated_at) VALUES ('通知', '关于旧版草稿的通知', 't', 't');
                 INSERT INTO revisions (document_id, created_at, json, plain_text) VALUES (1, 't', '{}', '关于旧版草稿的通知 正文');",
            )
            .unwrap();
            if start >= 2 {
                // What `save` does at that version.
                conn.execute_batch(
                    "INSERT INTO drafts_fts (document_id, title, body) VALUES (1, '关于旧版草稿的通知', '关于旧版草稿的通知 正文');",
                )
                .unwrap();
            }
            drop(conn);
            let mut conn = keyed(&path);
            migrate(&mut conn).unwrap();
            let version: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, CURRENT_VERSION);
            let found: i64 = conn
                .query_row(
                    "SELECT count(*) FROM drafts_fts WHERE body LIKE '%旧版草稿%'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(found, 1, "from version {start}");
            let tables: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE name IN
                        ('settings', 'unit_profile', 'doc_numbers', 'terms', 'feedback')",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(tables, 5, "from version {start}");
        }
    }

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = keyed(&dir.path().join("new.db"));
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
