use std::{io::Read, path::PathBuf, process::ExitCode};

use clap::Args;
use gongwen_domain::{DocKind, KindSource, structure, to_plain_text};
use gongwen_formats::{MAX_TEXT_BYTES, import_text};

use crate::Failure;

/// `gongwen import`: read a file and recover the document's structure.
#[derive(Args)]
pub struct ImportArgs {
    /// 要导入的文件（目前支持 .txt、.md）
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

pub fn run(args: ImportArgs) -> Result<ExitCode, Failure> {
    let kind = args
        .kind
        .as_deref()
        .map(str::parse::<DocKind>)
        .transpose()
        .map_err(|e| Failure::new("usage-kind", e.to_string()))?;
    let imported = read_text_file(&args.file)?;
    let structured = structure(&imported, kind);
    let kind_source = match structured.kind_source {
        KindSource::Given => "given",
        KindSource::Title => "title",
        KindSource::Assumed => "assumed",
    };
    let out = if args.json {
        let value = serde_json::json!({
            "file": args.file,

            "kind_source": kind_source,
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
        text.push_str(&to_plain_text(d));
        text
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Reads a text file (.txt/.md), bounded in size, in whatever encoding it
/// came in.
pub fn read_text_file(path: &std::path::Path) -> Result<String, Failure> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(extension.as_str(), "txt" | "md" | "text") {
        return Err(Failure::new(
            "import-unsupported",
            format!("不支持 .{extension} 文件：目前可读取 .txt、.md 文本文件"),
        ));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::new("io", format!("无法打开 {}：{e}", path.display())))?;
    // Read one byte past the limit, so an oversized file is refused without
    // reading all of it.
    let mut bytes = Vec::new();
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::new("io", format!("读取 {} 失败：{e}", path.display())))?;
    Ok(import_text(&bytes)?.text)
}
