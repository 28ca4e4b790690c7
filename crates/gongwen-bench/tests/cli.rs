//! The `gongwen-bench` binary: each benchmark runs and ends with its figures
//! line. No timing is asserted; the figures are read, not judged.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use gongwen_domain::structure;
use gongwen_formats::export_docx;

/// Runs `gongwen-bench ARGS`, which must succeed; its stdout.
fn bench(args: &[&str]) -> String {
    let models = std::env::var_os("GONGWEN_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/gongwen/models")
        });
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen-bench"))
        .args(args)
        .env("GONGWEN_MODELS", &models)
        .env("GONGWEN_HOME", models.join("no-store-here"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bench_spelling_reports_sentence_level_figures() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.tsv");
    std::fs::write(
        &file,
        "1\t进一步完善退出机智。\t进一步完善退出机制。\n0\t请认真贯彻落实。\t请认真贯彻落实。\n",
    )
    .unwrap();
    let stdout = bench(&["spelling", file.to_str().unwrap(), "--model", "test"]);
    let last: Vec<&str> = stdout.lines().last().unwrap().split(' ').collect();
    assert_eq!(last[0], "spelling");
    assert_eq!(last[1], "precision");
    assert_eq!(last[9], "sentences/s");
    assert!(last[10].parse::<f64>().unwrap() > 0.0);
}

#[test]
fn bench_proofread_ends_with_chars_per_second() {
    let stdout = bench(&["proofread", "--runs", "2"]);
    let last = stdout.lines().last().unwrap();
    let rate: f64 = last
        .strip_prefix("proofread chars/s ")
        .unwrap()
        .parse()
        .unwrap();
    assert!(rate > 0.0, "{last}");
}

#[test]
fn bench_store_ends_with_ratios_against_plain_sqlite() {
    let stdout = bench(&["store", "--saves", "5"]);
    let last: Vec<&str> = stdout.lines().last().unwrap().split(' ').collect();
    assert_eq!(last[..2], ["store/plain", "save-p50"], "{stdout}");
    assert_eq!(last[3], "save-p99", "{stdout}");
    for ratio in [last[2], last[4]] {
        assert!(ratio.parse::<f64>().unwrap() > 0.0, "{stdout}");
    }
}

/// `docx` and `pdf` end with their ratio lines; the PDF is one LibreOffice
/// made from our own export.
#[test]
fn bench_docx_and_pdf_end_with_ratios_against_outside_programs() {
    let stdout = bench(&["docx", "--runs", "1"]);
    let last = stdout.lines().last().unwrap();
    let ratio: f64 = last
        .strip_prefix("docx/libreoffice time ")
        .unwrap()
        .parse()
        .unwrap();
    assert!(ratio > 0.0, "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/notice.txt");
    let doc = structure(&std::fs::read_to_string(fixture).unwrap(), None).document;
    let docx = dir.path().join("notice.docx");
    std::fs::write(&docx, export_docx(&doc).unwrap()).unwrap();
    let converted = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("lo").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .unwrap();
    assert!(converted.status.success());
    let pdf = dir.path().join("notice.pdf");
    let stdout = bench(&["pdf", pdf.to_str().unwrap(), "--runs", "1"]);
    let fields: Vec<&str> = stdout.lines().last().unwrap().split(' ').collect();
    assert_eq!(fields[..2], ["pdf/pdftotext", "time"], "{stdout}");
    assert_eq!(fields[3], "accuracy");
    let accuracy: f64 = fields[4].parse().unwrap();
    assert!(accuracy >= 0.995, "{stdout}");
}
