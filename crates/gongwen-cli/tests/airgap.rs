//! Air-gap proof for the command line: the whole workflow (models, import,
//! check, format, draft and summarize on the real test model, drafts,
//! export, backup) runs in a network namespace that has no interface but
//! loopback, and passes; every step runs under `strace -f`, and the trace —
//! the model worker's included — shows no socket but a local (AF_UNIX) one.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `unshare -n` needs CAP_SYS_ADMIN; without root, a user namespace gives it.
fn isolated() -> Command {
    let mut command = Command::new("unshare");
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    if !root {
        command.arg("--map-root-user");
    }
    command.arg("--net").arg("--");
    command
}

/// Socket calls seen in a trace that are not local: a `socket()` of any
/// family but AF_UNIX, or a `connect`/`sendto`/`bind` naming a non-local
/// address.
fn non_local_calls(trace: &str) -> Vec<String> {
    trace
        .lines()
        .filter(|line| {
            let call = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .split('(')
                .next()
                .unwrap_or_default();
            match call {
                "socket" | "socketpair" => !line.contains("(AF_UNIX"),
                "connect" | "bind" | "sendto" | "sendmsg" => {
                    line.contains("sa_family=AF_") && !line.contains("sa_family=AF_UNIX")
                }
                _ => false,
            }
        })
        .map(str::to_owned)
        .collect()
}

struct Step<'a> {
    name: &'a str,
    args: Vec<String>,
    codes: &'a [i32],
}

fn run_traced(home: &Path, step: &Step, trace: &Path) -> Output {
    let out = isolated()
        .arg("strace")
        .args(["-f", "-qq", "-e", "trace=network,execve", "-o"])
        .arg(trace)
        .arg(env!("CARGO_BIN_EXE_gongwen"))
        .args(&step.args)
        .env("GONGWEN_HOME", home)
        .env("GONGWEN_PASSPHRASE", "离线口令")
        .env("GONGWEN_BACKUP_PASSPHRASE", "离线备份口令离线备份")
        .env("GONGWEN_EXPORT_DIR", home)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        step.codes.contains(&code),
        "{}: exit {code}\nstdout: {}\nstderr: {}",
        step.name,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_cli_workflow_passes_with_no_network_and_opens_no_network_socket() {
    // The namespace really has no way out: only `lo`, and it is down.
    let links = isolated().args(["cat", "/proc/net/dev"]).output().unwrap();
    assert!(links.status.success(), "unshare -n is not available");
    let interfaces: Vec<String> = String::from_utf8_lossy(&links.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next().map(|s| s.trim().to_owned()))
        .collect();
    assert_eq!(interfaces, vec!["lo"]);

    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    let notice = repo().join("tests/fixtures/notice.txt");
    let notice = notice.to_str().unwrap();
    let docx = dir.join("通知.docx");
    let docx = docx.to_str().unwrap();
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let steps = [
        Step {
            name: "models list",
            args: s(&["models", "list", "--json"]),
            codes: &[0],
        },
        Step {
            name: "format",
            args: s(&["format", notice, "-o", docx]),
            codes: &[0],
        },
        Step {
            name: "import",
            args: s(&["import", docx, "--json"]),
            codes: &[0],
        },
        // 0: clean, 1: findings; both are a finished check.
        Step {
            name: "check",
            args: s(&["check", docx, "--json"]),
            codes: &[0, 1],
        },
        Step {
            name: "draft",
            args: s(&[
                "draft",
                "--kind",
                "通知",
                "--brief",
                "做好汛期值班值守",
                "--model",
                "test",
                "--greedy",
                "--max-tokens",
                "48",
                "--json",
            ]),
            codes: &[0],
        },
        Step {
            name: "summarize",
            args: s(&[
                "summarize",
                notice,
                "--model",
                "test",
                "--max-tokens",
                "48",
                "--json",
            ]),
            codes: &[0],
        },
        Step {
            name: "drafts save",
            args: s(&["drafts", "save", notice]),
            codes: &[0],
        },
        Step {
            name: "drafts list",
            args: s(&["drafts", "list"]),
            codes: &[0],
        },
        Step {
            name: "export",
            args: s(&["export", "1", "-o", dir.join("导出.docx").to_str().unwrap()]),
            codes: &[0],
        },
        Step {
            name: "backup",
            args: s(&[
                "backup",
                "create",
                dir.join("草稿库.gwbak").to_str().unwrap(),
            ]),
            codes: &[0],
        },
    ];
    let mut traced_calls = 0;
    for (i, step) in steps.iter().enumerate() {
        let trace_path = dir.join(format!("trace-{i}.txt"));
        let out = run_traced(dir, step, &trace_path);
        let trace = std::fs::read_to_string(&trace_path).unwrap();
        traced_calls += trace.lines().count();
        assert_eq!(
            non_local_calls(&trace),
            Vec::<String>::new(),
            "{}",
            step.name
        );
        match step.name {
            // The model ran in its worker process, and strace followed it.
            "draft" | "summarize" => {
                assert!(trace.contains("engine-worker"), "{}: {trace}", step.name);
                let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                let mode = json["mode"].as_str().unwrap_or_default().to_owned();
                assert_eq!(mode, "model", "{}: the model did not run", step.name);
            }
            "drafts list" => {
                assert!(String::from_utf8_lossy(&out.stdout).contains("防汛抗旱"));
            }
            _ => {}
        }
    }
    for file in ["通知.docx", "导出.docx", "草稿库.gwbak"] {
        assert!(dir.join(file).metadata().unwrap().len() > 1000, "{file}");
    }
    assert!(traced_calls > 10, "the traces are empty: {traced_calls}");
}

#[test]
fn the_trace_check_flags_network_sockets() {
    let trace = r#"101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3
101 connect(3, {sa_family=AF_UNIX, sun_path="/run/user/0/bus"}, 110) = 0
102 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 4
102 connect(4, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}, 16) = -1 ENETUNREACH
103 execve("/usr/bin/gongwen", ["gongwen", "engine-worker"], 0x7ffd /* 20 vars */) = 0
"#;
    let flagged = non_local_calls(trace);
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    assert!(flagged[0].contains("AF_INET, SOCK_STREAM"));
    assert!(flagged[1].contains("443"));
}
