use std::{io::Read, path::PathBuf, process::ExitCode};

use clap::Args;
use gongwen_domain::{DocKind, KindSource, check_elements, structure, to_plain_text};
use gongwen_formats::FileType;

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

/// Reads at most `limit` bytes of `path`; a larger file is refused without
/// reading all of it.
fn read_bounded(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, Failure> {
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::new("io", format!("无法打开 {}：{e}", path.display())))?;
    // Refuse by size before reading anything; `take` still bounds a file
    // that grows, or a pipe that reports no size.
    if let Ok(meta) = file.metadata()
        && meta.len() > limit
    {
        return Err(gongwen_formats::ImportError::TooLarge {
            size: meta.len(),
            limit,
        }
        .into());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::new("io", format!("读取 {} 失败：{e}", path.display())))?;
    if bytes.len() as u64 > limit {
        return Err(gongwen_formats::ImportError::TooLarge {
            size: std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len()),
            limit,
        }
        .into());
    }
    Ok(bytes)
}

/// Reads a document file as text, one line per paragraph: .txt/.md in
/// whatever encoding it came in, .docx or .pdf.
pub fn read_text_file(path: &std::path::Path) -> Result<String, Failure> {
    let file_type = FileType::of(&path.to_string_lossy())?;
    Ok(file_type.read(&read_bounded(path, file_type.max_bytes())?)?)
}
