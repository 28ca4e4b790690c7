use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use gongwen_engine::ContextConfig;
use gongwen_proofread::{Finding, Severity, check_with, spelling};
use serde::Serialize;

use crate::{
    Failure,
    generate::{load_request, ready_engine},
    import::read_text_file,
};

/// `gongwen check`: proofread a file with the rules.
#[derive(Args)]
pub struct CheckArgs {
    /// 要校对的文件（.txt、.md、.docx、.pdf）
    file: PathBuf,
    /// 输出 JSON：{"text", "findings": [...]}，偏移量按字符计
    #[arg(long)]
    json: bool,
    /// 每行作为独立文本校对，每行输出一个 JSON 对象
    #[arg(long)]
    lines: bool,
    /// 模型辅助纠错：none（仅规则）、test、default，或 GGUF 文件路径
    #[arg(long, default_value = "none")]
    model: String,
}

#[derive(Serialize)]
struct Checked<'a> {
    text: &'a str,
    findings: Vec<Finding>,
}

pub fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let text = read_text_file(&args.file)?;
    let units: Vec<&str> = if args.lines {
        text.lines().collect()
    } else {
        vec![text.as_str()]
    };
    let options = crate::terms::options_from_store();
    // The model loads once for all units.
    let engine = match args.model.as_str() {
        "none" => None,
        model => {
            let request = load_request(model, true, ContextConfig::for_this_machine())?;
            Some(ready_engine(request)?.0)
        }
    };
    let mut results: Vec<Checked<'_>> = Vec::with_capacity(units.len());
    for unit in units {
        let mut findings = check_with(unit, &options);
        if let Some(engine) = &engine {
            let protected = spelling::protected_spans(unit, &findings, &options);
            let corrections = engine.spell(unit, &protected).map_err(|(code, message)| {
                Failure::new(&code, format!("模型纠错失败：{message}"))
            })?;
            findings.extend(spelling::to_findings(&corrections));
            gongwen_proofread::sort(&mut findings);
        }
        results.push(Checked {
            text: unit,
            findings,
        });
    }
    let mut out = String::new();
    for result in &results {
        if args.json {
            let line = serde_json::to_string(result)
                .map_err(|e| Failure::new("internal", e.to_string()))?;
            out.push_str(&line);
            out.push('\n');
        } else {
            for f in &result.findings {
                let chars: String = result
                    .text
                    .chars()
                    .skip(f.start)
                    .take(f.end - f.start)
                    .collect();
                let severity = match f.severity {
                    Severity::Error => "错误",
                    Severity::Warning => "警告",
                    Severity::Info => "提示",
                };
                out.push_str(&format!(
                    "{}-{} [{severity}] “{chars}”：{}{}（{}）\n",
                    f.start,
                    f.end,
                    f.message,
                    f.suggestion
                        .as_ref()
                        .map(|s| format!("，建议改为“{s}”"))
                        .unwrap_or_default(),
                    f.rule,
                ));
            }
        }
    }
    print!("{out}");
    let any_error = results
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity == Severity::Error);
    Ok(if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
