//! The store under faults: killed mid-save, damaged on disk, a foreign file
//! in its place; and read by an independent SQLCipher 4 implementation.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gongwen_domain::{Block, DocKind, Document};
use gongwen_store::{Key, Store};

const KEY: [u8; 32] = [0x42; 32];

fn draft(i: usize) -> Document {
    let mut doc = Document::new(DocKind::Notice);
    doc.title = format!("关于第{i}次保存的通知");
    doc.body = vec![Block::Paragraph {
        text: format!(
            "第{i}次保存。{}",
            "为做好防汛工作，现就有关事项通知如下。".repeat(100)
        ),
    }];
    doc
}

/// Not a test by itself: the child that `killed_mid_save_loses_nothing`
/// starts and kills. It saves in a loop and acknowledges each committed save
/// on stdout.
#[test]
#[ignore = "run as a child process by killed_mid_save_loses_nothing"]
fn crash_child() {
    let Some(db) = std::env::var_os("GONGWEN_CRASH_CHILD_DB") else {
        return;
    };
    let mut store = Store::open(Path::new(&db), &Key::from_bytes(KEY)).unwrap();
    let mut stdout = std::io::stdout().lock();
    for i in 0.. {
        let id = (i % 4 != 0).then_some(1 + (i % 3) as i64);
        let id = id.filter(|id| store.history(*id).is_ok());
        let (draft_id, revision) = store.save(id, &draft(i), "2026-11-28T00:00:00Z").unwrap();
        writeln!(stdout, "ack {draft_id} {revision}").unwrap();
        stdout.flush().unwrap();
    }
}

/// A child process saving revisions is SIGKILLed at 100 random moments.
/// After every kill the database opens, passes `integrity_check`, and holds
/// every save the child had acknowledged.
#[test]
fn killed_mid_save_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let mut acknowledged: Vec<(i64, i64)> = Vec::new();
    // A fixed-seed generator: random moments, reproducible failures.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..100 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash_child", "--exact", "--ignored", "--nocapture"])
            .env("GONGWEN_CRASH_CHILD_DB", &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let acks = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let stdout = child.stdout.take().unwrap();
            let acks = acks.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let mut parts = line.split_whitespace();
                    if parts.next() == Some("ack") {
                        let draft = parts.next().unwrap().parse().unwrap();
                        let revision = parts.next().unwrap().parse().unwrap();
                        acks.lock().unwrap().push((draft, revision));
                    }
                }
            })
        };
        // Let it get going, then kill it somewhere in a save.
        while acks.lock().unwrap().len() < 2 && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_micros(next() % 40_000));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none(),
            "round {round}: the child stopped by itself"
        );
        reader.join().unwrap();
        acknowledged.extend(acks.lock().unwrap().iter().copied());

        let store = Store::open(&db, &Key::from_bytes(KEY))
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        store
            .integrity_check()
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        let mut present = std::collections::HashSet::new();
        for d in store.list().unwrap() {
            present.extend(store.history(d.id).unwrap().iter().map(|r| (d.id, r.id)));
        }
        for &(draft, revision) in &acknowledged {
            assert!(
                present.contains(&(draft, revision)),
                "round {round}: acknowledged revision {revision} of draft {draft} is gone"
            );
        }
        store
            .verify_audit()
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
    }
    assert!(acknowledged.len() >= 200, "{} saves", acknowledged.len());
}

fn store_with_drafts(dir: &Path) -> PathBuf {
    let db = dir.join("gongwen.db");
    let mut store = Store::open(&db, &Key::from_bytes(KEY)).unwrap();
    for i in 0..20 {
        store.save(None, &draft(i), "t").unwrap();
    }
    db
}

/// One flipped byte anywhere in a page is caught by SQLCipher's per-page
/// HMAC: a clear error, never a panic and never wrong text.
#[test]
fn a_flipped_byte_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_drafts(dir.path());
    let len = std::fs::metadata(&db).unwrap().len();
    for offset in [100, 4096 + 1000, len / 2, len - 100] {
        let copy = dir.path().join(format!("flipped-{offset}.db"));
        let mut bytes = std::fs::read(&db).unwrap();
        bytes[offset as usize] ^= 0x01;
        std::fs::write(&copy, bytes).unwrap();
        let outcome = Store::open(&copy, &Key::from_bytes(KEY)).and_then(|store| {
            store.integrity_check()?;
            for d in store.list()? {
                store.show(d.id)?;
            }
            Ok(())
        });
        let err = outcome.err().unwrap_or_else(|| panic!("offset {offset}"));
        assert!(
            matches!(err.code(), "store-damaged" | "store-wrong-key"),
            "offset {offset}: {err:?}"
        );
        assert!(err.to_string().contains("损坏"), "{err}");
    }
}

#[test]
fn a_plain_sqlite_file_in_its_place_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gongwen.db");
    let plain = Store::open_unencrypted_for_benchmark(&db).unwrap();
    drop(plain);
    let before = std::fs::read(&db).unwrap();
    let err = Store::open(&db, &Key::from_bytes(KEY)).err().unwrap();
    assert_eq!(err.code(), "store-wrong-key");
    assert_eq!(std::fs::read(&db).unwrap(), before, "left untouched");
}

/// Python with the packages scripts/test.sh installs (sqlcipher3-binary).
fn python() -> Command {
    let path = std::env::var_os("GONGWEN_PYTHONPATH").unwrap_or_else(|| {
        let home = std::env::var_os("HOME").unwrap();
        Path::new(&home)
            .join(".cache/gongwen/python")
            .into_os_string()
    });
    let mut command = Command::new("python3");
    command.env("PYTHONPATH", path);
    command
}

/// The database is standard SQLCipher 4: an independent implementation
/// (the sqlcipher3 Python package) reads it with the key, and plain SQLite
/// cannot.
#[test]
fn an_independent_sqlcipher_reads_it_and_plain_sqlite_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_drafts(dir.path());
    let key_hex: String = KEY.iter().map(|b| format!("{b:02x}")).collect();
    let script = r#"
import sys, sqlcipher3, sqlite3
db, key = sys.argv[1], sys.argv[2]
c = sqlcipher3.connect(db)
c.execute(f"PRAGMA key = \"x'{key}'\"")
print(c.execute("PRAGMA cipher_version").fetchone()[0])
print(c.execute("SELECT count(*) FROM documents").fetchone()[0])
print(c.execute("SELECT title FROM documents ORDER BY id LIMIT 1").fetchone()[0])
try:
    sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()
    print("plain sqlite read it")
except sqlite3.DatabaseError as e:
    print("plain sqlite:", e)
"#;
    let out = python()
        .args(["-c", script])
        .arg(&db)
        .arg(&key_hex)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{} (scripts/test.sh installs sqlcipher3-binary)",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with('4'), "SQLCipher 4.x: {stdout}");
    assert_eq!(lines[1], "20");
    assert_eq!(lines[2], "关于第0次保存的通知");
    assert_eq!(lines[3], "plain sqlite: file is not a database");
}
