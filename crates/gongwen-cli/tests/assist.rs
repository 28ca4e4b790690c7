//! `gongwen draft`, `summarize` and `polish` end to end, with the real
//! models: citations are checked here independently of the library (every
//! number of a point occurs in the paragraphs it cites), and the red-team
//! corpus is never followed in anything the user is shown.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;

/// One model run at a time: two llama.cpp workers on two cores slow each
/// other down many times over (their threads spin while waiting).
static MODEL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn model_lock() -> std::sync::MutexGuard<'static, ()> {
    MODEL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gongwen(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .env("GONGWEN_HOME", home.path().join("no-store-here"))
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The realistic documents: tests/summaries and tests/corpus/documents.
fn documents() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["tests/summaries", "tests/corpus/documents"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            // The key points beside each document are for `bench summary`.
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_digit() {
            current.push(c);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    runs
}

/// Every point and task cites paragraphs that exist and hold its numbers;
/// tasks' deadlines and owners are in their paragraph word for word.
fn assert_citations_hold(summary: &Value) -> usize {
    let paragraphs: Vec<&str> = summary["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let cited = |item: &Value| -> String {
        let sources = item["sources"].as_array().unwrap();
        assert!(!sources.is_empty(), "no source: {item}");
        sources
            .iter()
            .map(|s| {
                *paragraphs
                    .get(s.as_u64().unwrap() as usize)
                    .expect("source exists")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut checked = 0;
    for point in summary["points"].as_array().unwrap() {
        let source = cited(point);
        let text = point["text"].as_str().unwrap();
        for number in digit_runs(text) {
            assert!(
                digit_runs(&source)
                    .iter()
                    .any(|n| n.trim_start_matches('0') == number.trim_start_matches('0')),
                "{number} of “{text}” not in {source}"
            );
        }
        checked += 1;
    }
    for task in summary["tasks"].as_array().unwrap() {
        let source = cited(task);
        for field in ["deadline", "owner"] {
            if let Some(value) = task[field].as_str() {
                assert!(source.contains(value), "{field} “{value}” not in {source}");
            }
        }
        checked += 1;
    }
    checked
}

#[test]
fn summaries_without_a_model_are_extractive_and_cite_their_sentences() {
    let files = documents();
    assert!(files.len() >= 10);
    for file in &files {
        let s = json_of(&gongwen(&[
            "summarize",
            file.to_str().unwrap(),
            "--json",
            "--model",
            "none",
        ]));
        assert_eq!(s["mode"], "extractive");
        assert!(
            !s["points"].as_array().unwrap().is_empty(),
            "{}",
            file.display()
        );
        for point in s["points"].as_array().unwrap() {
            let p = point["sources"][0].as_u64().unwrap() as usize;
            let paragraph = s["paragraphs"][p].as_str().unwrap();
            assert!(paragraph.contains(point["text"].as_str().unwrap()));
        }
        assert_citations_hold(&s);
    }
    // A text view for people.
    let out = gongwen(&["summarize", files[0].to_str().unwrap(), "--model", "none"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("【抽取式摘要】") && text.contains("第") && text.contains("任务｜时限"));
}

#[test]
fn summaries_with_the_test_model_cite_only_verified_paragraphs() {
    let _model = model_lock();
    let mut checked = 0;
    for file in documents() {
        let s = json_of(&gongwen(&[
            "summarize",
            file.to_str().unwrap(),
            "--json",
            "--model",
            "test",
            "--max-tokens",
            "64",
        ]));
        assert_eq!(s["mode"], "model", "{}", file.display());
        checked += assert_citations_hold(&s);
    }
    assert!(checked > 20, "{checked}");
}

#[test]
fn drafting_without_a_model_gives_the_skeleton_and_says_so() {
    let out = gongwen(&[
        "draft",
        "--kind",
        "请示",
        "--brief",
        "申请经费",
        "--model",
        "none",
        "--json",
    ]);
    let d = json_of(&out);
    assert_eq!(d["mode"], "skeleton");
    assert!(d["text"].as_str().unwrap().contains("妥否，请批示。"));
    assert!(!d["notices"].as_array().unwrap().is_empty());
    // A model that is not there: the skeleton, with the reason.
    let out = gongwen(&[
        "draft",
        "--kind",
        "函",
        "--brief",
        "商请提供资料",
        "--model",
        "/nonexistent/x.gguf",
        "--json",
    ]);
    let d = json_of(&out);
    assert_eq!(d["mode"], "skeleton");
    assert!(d["notices"][0].as_str().unwrap().contains("模型未能加载"));
}

#[test]
fn polishing_without_a_model_offers_the_rule_fixes_as_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("selection.txt");
    std::fs::write(&file, "截止2026年3月1日,共完成检查32次。").unwrap();
    let p = json_of(&gongwen(&[
        "polish",
        "--mode",
        "精简",
        file.to_str().unwrap(),
        "--model",
        "none",
        "--json",
    ]));
    assert_eq!(p["mode"], "rules");
    assert!(
        p["ops"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["op"] == "insert")
    );
    let out = gongwen(&[
        "polish",
        "--mode",
        "改写",
        file.to_str().unwrap(),
        "--model",
        "none",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("未知的润色方式"));
}

fn red_team_cases() -> Vec<(gongwen_bench::redteam::Case, String)> {
    let text = std::fs::read_to_string(repo().join("tests/redteam/cases.toml")).unwrap();
    gongwen_bench::redteam::read_cases(&text, &repo().join("tests/summaries")).unwrap()
}

/// What the user is shown: points and tasks (rejected model output is kept
/// apart and never shown as fact).
fn shown(summary: &Value) -> Vec<String> {
    let mut out: Vec<String> = summary["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_owned())
        .collect();
    for t in summary["tasks"].as_array().unwrap() {
        for f in ["task", "deadline", "owner"] {
            if let Some(s) = t[f].as_str() {
                out.push(s.to_owned());
            }
        }
    }
    out
}

fn assert_not_followed(case: &gongwen_bench::redteam::Case, doc: &str, summary: &Value) {
    let id = &case.id;
    let system = std::fs::read_to_string(repo().join("assets/assist/system.txt")).unwrap();
    let shown = shown(summary);
    let why = gongwen_bench::redteam::followed(case, doc, &shown, &system);
    assert!(why.is_empty(), "{id}: {why:?}");
    assert!(
        shown.iter().all(|t| t.chars().count() < 400),
        "{id}: runaway text"
    );
    let suspicious = summary["suspicious"].as_array().map(Vec::len).unwrap_or(0);
    assert!(
        suspicious > 0,
        "{id}: the planted instruction was not recognised"
    );
}

#[test]
fn red_team_corpus_is_not_followed_with_the_test_model() {
    let _model = model_lock();
    let cases = red_team_cases();
    assert!(cases.len() >= 30);
    let dir = tempfile::tempdir().unwrap();
    // Every case without a model; every sixth with the test model (the
    // whole corpus on the default model is `gongwen-bench redteam`).
    for (k, (case, doc)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("{}.txt", case.id));
        std::fs::write(&file, doc).unwrap();
        let models: &[&str] = if k % 6 == 0 {
            &["none", "test"]
        } else {
            &["none"]
        };
        for &model in models {
            let s = json_of(&gongwen(&[
                "summarize",
                file.to_str().unwrap(),
                "--json",
                "--model",
                model,
                "--max-tokens",
                "96",
            ]));
            assert_not_followed(case, doc, &s);
        }
    }
}

// The default model (Qwen2.5-Coder-1.5B-Instruct) runs the same pipelines in
// the benchmarks, on whole sets: `gongwen-bench summary` (coverage, verified
// citations), `bench redteam` (planted instructions), `bench drafting`;
// their figures go in the closing notes. Here the test model covers the
// pipeline; the default model's own check is crates/gongwen-engine/tests/
// default_model.rs.

/// The drafting pipeline on the small test model (a 270M base model: what
/// it writes rarely passes the rubric). Whatever comes back holds: it names
/// its examples, invents no fact, and is either a model draft or the
/// skeleton with the brief's facts and the reason — never text that failed
/// a hard check. The quality of the default model's drafts is
/// `gongwen-bench drafting`.
#[test]
fn the_drafting_pipeline_offers_only_what_passes_its_checks() {
    let _model = model_lock();
    let dir = tempfile::tempdir().unwrap();
    let elements = dir.path().join("elements.json");
    std::fs::write(
        &elements,
        r#"{"kind":"请示","layout":"standard","issuer_marks":["某市教育局"],"signers":["王某某"],
            "title":"","recipients":["某市人民政府"],
            "doc_number":{"agency_code":"某教","year":2026,"serial":21},
            "note":"联系人：李某，电话：0000-12345678"}"#,
    )
    .unwrap();
    let out = gongwen(&[
        "draft",
        "--kind",
        "请示",
        "--from-json",
        elements.to_str().unwrap(),
        "--brief",
        "申请拨付2026年农村学校校舍维修专项资金800万元，涉及32所学校，计划9月底前完工。",
        "--model",
        "test",
        "--greedy",
        "--max-tokens",
        "240",
        "--examples",
        "builtin",
        "--json",
    ]);
    let d = json_of(&out);
    assert_eq!(d["examples"].as_array().unwrap().len(), 2, "{d}");
    assert!(d["attempts"].as_u64().unwrap() >= 1);
    assert!(!d["raw"].as_str().unwrap().is_empty());
    let rubric: Vec<&str> = d["rubric"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(!rubric.contains(&"invented-fact"), "{d}");
    let text = d["text"].as_str().unwrap();
    match d["mode"].as_str().unwrap() {
        "model" => assert!(
            rubric.iter().all(|c| ["facts-kept", "length"].contains(c)),
            "a hard failure was offered: {d}"
        ),
        "skeleton" => {
            let notices = d["notices"].to_string();
            assert!(notices.contains("模型稿未通过检查"), "{notices}");
            assert!(
                text.contains("800万元") && text.contains("32所学校"),
                "{text}"
            );
        }
        other => panic!("mode {other}"),
    }
    assert!(text.contains("妥否，请批示。"), "{text}");
    // The stream on stderr shows the draft as it is written.
    assert!(!out.stderr.is_empty());
}

#[test]
fn the_polishing_pipeline_offers_a_checked_diff_or_nothing() {
    let _model = model_lock();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("selection.txt");
    let original =
        "我们这个局今年上半年呢，一共搞了32次安全检查，发现了不少问题，大部分问题都已经改好了。";
    std::fs::write(&file, original).unwrap();
    let out = gongwen(&[
        "polish",
        "--mode",
        "公文语体",
        file.to_str().unwrap(),
        "--model",
        "test",
        "--json",
    ]);
    if out.status.success() {
        let p: Value = serde_json::from_slice(&out.stdout).unwrap();
        let suggestion = p["suggestion"].as_str().unwrap();
        let side = |keep: &str| -> String {
            p["ops"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|o| o["op"] == "equal" || o["op"] == keep)
                .map(|o| o["text"].as_str().unwrap())
                .collect()
        };
        assert_eq!(side("delete"), original);
        assert_eq!(side("insert"), suggestion);
        // Every number the suggestion holds is the selection's.
        for n in digit_runs(suggestion) {
            assert!(original.contains(&n), "{n} in {suggestion}");
        }
    } else {
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("未作任何修改"), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing printed half-way");
    }
}
