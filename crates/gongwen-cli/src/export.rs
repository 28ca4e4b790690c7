//! `gongwen format` and `gongwen export`: documents out as GB/T 9704 .docx.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use gongwen_domain::{Document, structure};
use gongwen_formats::{Revision, export_docx, export_docx_tracked};

use crate::{
    Failure,
    import::{parse_kind, read_text_file},
};

#[derive(Args)]
pub struct FormatArgs {
    /// 公文文件（.txt、.md、.docx、.pdf）
    file: PathBuf,
    /// 输出的 .docx 文件
    #[arg(short, long)]
    output: PathBuf,
    /// 文种；不指定时按标题判断
    #[arg(long)]
    kind: Option<String>,
}

#[derive(Args)]
pub struct ExportArgs {
    /// 草稿编号
    id: i64,
    /// 输出的 .docx 文件
    #[arg(short, long)]
    output: PathBuf,
    /// 以此修订为底稿，把之后的改动标为修订（WPS、Word 中可逐条接受或拒绝）
    #[arg(long, value_name = "REV")]
    track_changes_from: Option<i64>,
}

impl From<gongwen_formats::FormatError> for Failure {
    fn from(e: gongwen_formats::FormatError) -> Self {
        Failure::new(e.code(), e.to_string())
    }
}

/// Writes next to the target and renames: a failed write never leaves half
/// a file under the user's name.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail =
        |e: std::io::Error| Failure::new("export-io", format!("无法写入 {}：{e}", path.display()));
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes).map_err(fail)?;
    std::fs::rename(&partial, path).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        fail(e)
    })
}

fn report(doc: &Document, output: &Path) {
    println!("已生成 {}（{}：{}）", output.display(), doc.kind, doc.title);
}

pub fn format(args: FormatArgs) -> Result<ExitCode, Failure> {
    let kind = parse_kind(args.kind.as_deref())?;
    let doc = structure(&read_text_file(&args.file)?, kind).document;
    write_file(&args.output, &export_docx(&doc)?)?;
    report(&doc, &args.output);
    Ok(ExitCode::SUCCESS)
}

pub fn export(args: ExportArgs) -> Result<ExitCode, Failure> {
    let mut store = crate::drafts::open_store()?;
    let doc = store.show(args.id)?;
    let now = crate::drafts::now();
    let (bytes, tracked) = match args.track_changes_from {
        None => (export_docx(&doc)?, String::new()),
        Some(base) => {
            let revision = Revision {
                author: "公文助手".to_owned(),
                date: now.clone(),
            };
            let base_doc = store.revision(args.id, base)?;
            (
                export_docx_tracked(&base_doc, &doc, &revision)?,
                format!("（标出自修订 {base} 以来的改动）"),
            )
        }
    };
    write_file(&args.output, &bytes)?;
    store.record(
        &now,
        "export",
        &format!("草稿 {} 导出为 {}{tracked}", args.id, args.output.display()),
    )?;
    report(&doc, &args.output);
    Ok(ExitCode::SUCCESS)
}
