//! `gongwen format` and `gongwen export`: documents out as GB/T 9704 .docx.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use gongwen_domain::{Document, structure};
use gongwen_formats::export_docx;

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

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    gongwen_desk::write_atomically(path, bytes).map_err(|e| Failure::new(e.code(), e.to_string()))
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
    let base = args
        .track_changes_from
        .map(|base| store.revision(args.id, base))
        .transpose()?;
    let bytes = gongwen_desk::export::docx_bytes(&doc, base.as_ref(), &now)?;
    write_file(&args.output, &bytes)?;
    store.record(
        &now,
        "export",
        &gongwen_desk::export::audit_entry(
            &doc,
            Some(args.id),
            &args.output,
            args.track_changes_from,
        ),
    )?;
    report(&doc, &args.output);
    Ok(ExitCode::SUCCESS)
}
