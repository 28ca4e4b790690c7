//! Faults of the machine around the store: a full disk in the middle of a
//! save and a read-only data directory. The store lives on a small tmpfs in
//! a private mount namespace (so the test needs no loop device and leaves
//! nothing mounted); each `gongwen` runs inside that namespace.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
}

/// A tmpfs of `size` mounted on `dir`, seen only by processes entered into
/// its mount namespace; unmounted when the holder process ends.
struct SmallDisk {
    holder: Child,
    dir: PathBuf,
}

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> SmallDisk {
        let mut unshare = Command::new("unshare");
        if !is_root() {
            unshare.arg("--map-root-user");
        }
        let script = format!(
            "mount -t tmpfs -o size={size},mode=0700 tmpfs \"$1\" && echo mounted && exec sleep 600"
        );
        let mut holder = unshare
            .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
            .arg(script)
            .arg("small-disk")
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(holder.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "mounted", "tmpfs could not be mounted");
        SmallDisk {
            holder,
            dir: dir.to_owned(),
        }
    }

    /// A command run inside the namespace that sees the small disk.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new("nsenter");
        command.arg("--target").arg(self.holder.id().to_string());
        if !is_root() {
            command.args(["--user", "--preserve-credentials"]);
        }
        command.args(["--mount", "--"]).arg(program);
        command
    }

    fn gongwen(&self, args: &[&str]) -> Output {
        self.command(env!("CARGO_BIN_EXE_gongwen"))
            .args(args)
            .env("GONGWEN_HOME", &self.dir)
            .env("GONGWEN_PASSPHRASE", "故障测试口令")
            .output()
            .unwrap()
    }

    fn sh(&self, script: &str) -> Output {
        self.command("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(&self.dir)
            .output()
            .unwrap()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn body(marker: &str, chars: usize) -> String {
    let line = format!("{marker}各地区、各部门要切实做好汛期值班值守工作，确保信息畅通。\n");
    format!(
        "关于做好汛期值班工作的通知\n各区人民政府：\n{}某某市人民政府办公室\n2026年6月1日\n",
        line.repeat(chars / line.chars().count() + 1)
    )
}

#[test]
fn a_full_disk_fails_the_save_plainly_and_keeps_the_last_revision() {
    let work = tempfile::tempdir().unwrap();
    let home = work.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let disk = SmallDisk::mount(&home, "8m");
    // The files to save live outside the small disk.
    let first = work.path().join("第一稿.txt");
    std::fs::write(&first, body("第一稿", 2_000)).unwrap();
    let second = work.path().join("第二稿.txt");
    std::fs::write(&second, body("第二稿", 20_000)).unwrap();

    ok(&disk.gongwen(&["drafts", "save", first.to_str().unwrap()]));
    // Fill the disk to the last block.
    disk.sh("dd if=/dev/zero of=\"$1/填充\" bs=64k 2>/dev/null; sync");

    let out = disk.gongwen(&["drafts", "save", second.to_str().unwrap(), "--id", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("磁盘空间已满"), "{stderr}");
    assert!(!stderr.contains("os error"), "English OS text: {stderr}");

    // Space freed (reading needs a few pages for SQLite's WAL index too):
    // the last revision is whole and the failed save left nothing behind.
    disk.sh("rm \"$1/填充\"");
    let shown = ok(&disk.gongwen(&["drafts", "show", "1"]));
    assert!(shown.contains("第一稿各地区"), "{shown}");
    assert!(!shown.contains("第二稿"), "{shown}");
    let history = ok(&disk.gongwen(&["drafts", "history", "1"]));
    let revisions = |h: &str| h.lines().filter(|l| l.starts_with("修订")).count();
    assert_eq!(revisions(&history), 1, "{history}");

    // The same save now succeeds, as the second revision.
    ok(&disk.gongwen(&["drafts", "save", second.to_str().unwrap(), "--id", "1"]));
    let shown = ok(&disk.gongwen(&["drafts", "show", "1"]));
    assert!(shown.contains("第二稿各地区"));
    let history = ok(&disk.gongwen(&["drafts", "history", "1"]));
    assert_eq!(revisions(&history), 2, "{history}");
    ok(&disk.gongwen(&["audit", "verify"]));
}

#[test]
fn a_read_only_data_directory_is_named_as_such() {
    let work = tempfile::tempdir().unwrap();
    let home = work.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let disk = SmallDisk::mount(&home, "8m");
    let file = work.path().join("通知.txt");
    std::fs::write(&file, body("只读前", 500)).unwrap();
    ok(&disk.gongwen(&["drafts", "save", file.to_str().unwrap()]));

    let remount = disk.sh("mount -o remount,ro \"$1\"");
    assert!(remount.status.success(), "{remount:?}");
    let out = disk.gongwen(&["drafts", "save", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("只读"), "{stderr}");
    assert!(!stderr.contains("os error"), "English OS text: {stderr}");

    // Writable again: what was saved before is all there.
    disk.sh("mount -o remount,rw \"$1\"");
    let shown = ok(&disk.gongwen(&["drafts", "show", "1"]));
    assert!(shown.contains("只读前各地区"), "{shown}");
}
