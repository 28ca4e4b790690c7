use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use gongwen_domain::{DocKind, KindSource, check_elements, structure, to_plain_text};

use crate::Failure;

/// `gongwen import`: read a file and recover the document's structure.
#[derive(Args)]
pub struct ImportArgs {
    /// 要导入的文件（.txt、.md、.docx、.pdf）
    file: PathBuf,
    /// 文种；不指定时按标题判断
    #[arg(long)]
    kind: Option<String>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

impl From<gongwen_formats::ImportError> for Failure {
    fn from(e: gongwen_formats::ImportError) -> Self {
        Failure::new(e.code(), e.to_string())
    }
}

/// The 文种 named on the command line, if any.
pub fn parse_kind(kind: Option<&str>) -> Result<Option<DocKind>, Failure> {
    kind.map(str::parse::<DocKind>)
        .transpose()
        .map_err(|e| Failure::new("usage-kind", e.to_string()))
}

pub fn run(args: ImportArgs) -> Result<ExitCode, Failure> {
    let kind = parse_kind(args.kind.as_deref())?;
    let imported = read_text_file(&args.file)?;
    let hidden = gongwen_domain::hidden::hidden_passages(&imported);
    if hidden > 0 {
        eprintln!(
            "注意：文件中有 {hidden} 处隐藏文字，已在正文中以“【隐藏文字：…】”标出，摘要不会引用"
        );
    }
    let structured = structure(&imported, kind);
    let kind_source = match structured.kind_source {
        KindSource::Given => "given",
        KindSource::Title => "title",
        KindSource::Assumed => "assumed",
    };
    let out = if args.json {
        let value = serde_json::json!({
            "file": args.file,
            "text": imported,
            "kind_source": kind_source,
            "element_issues": check_elements(&structured.document),
            "document": structured.document,
        });
        serde_json::to_string_pretty(&value).map_err(|e| Failure::new("internal", e.to_string()))?
    } else {
        let d = &structured.document;
        let mut text = format!(
            "文件：{}\n文种：{}{}\n",
            args.file.display(),
            d.kind,
            if structured.kind_source == KindSource::Assumed {
                "（未从标题识别，暂按通知处理）"
            } else {
                ""
            },
        );
        for issue in check_elements(d) {
            text.push_str(&format!("要素：{}\n", issue.message));
        }
        text.push_str(&to_plain_text(d));
        text
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Reads a document file as text, one line per paragraph: .txt/.md in
/// whatever encoding it came in, .docx or .pdf.
pub fn read_text_file(path: &std::path::Path) -> Result<String, Failure> {
    gongwen_desk::read_document(path).map_err(|e| Failure::new(e.code(), e.to_string()))
}
