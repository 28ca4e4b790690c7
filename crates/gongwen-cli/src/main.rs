//! `gongwen`: the command line over the same libraries as the app.
//!
//! Exit codes: 0 success, 1 findings (for `check`), 2 failure. Errors go to
//! stderr in plain Chinese with a short English code; nothing is printed
//! half-way to stdout on failure.

// A command-line program's job is to print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod assist;
mod check;
mod drafts;
mod export;
mod generate;
mod import;
mod models;
mod terms;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "gongwen", version, about = "公文助手命令行（离线）")]
struct Cli {
    /// 从文件描述符 N 读取草稿库口令（第一行），供脚本使用；不写入环境变量和命令历史。
    /// 不给出时依次用 GONGWEN_PASSPHRASE、终端中询问（不回显）、系统密钥环
    #[arg(long, global = true, value_name = "N")]
    passphrase_fd: Option<u32>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 模型：获取、列出与校验
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// 校对：按规则检查错别字、标点、日期、文号等（退出码：0 无错误，1 有错误，2 失败）
    Check(check::CheckArgs),
    /// 本单位专用词与忽略词（校对时使用，保存在草稿库中）
    #[command(subcommand)]
    Terms(terms::TermsCommand),
    /// 草稿：保存、列出、查看、修订历史（加密存储）
    #[command(subcommand)]
    Drafts(drafts::DraftsCommand),
    /// 审计日志
    #[command(subcommand)]
    Audit(drafts::AuditCommand),
    /// 备份与恢复草稿库
    #[command(subcommand)]
    Backup(drafts::BackupCommand),
    /// 草稿库密钥：口令或系统密钥环，更换口令
    #[command(subcommand)]
    Key(drafts::KeyCommand),
    /// 一键排版：把纯文本公文排成符合 GB/T 9704-2012 的 .docx
    Format(export::FormatArgs),
    /// 把草稿导出为符合 GB/T 9704-2012 的 .docx
    Export(export::ExportArgs),
    /// 导入文件并识别公文结构（一键排版）
    Import(import::ImportArgs),
    /// 起草：按文种结构和要点用本机模型起草正文（无模型时给出结构模板）
    Draft(assist::DraftArgs),
    /// 摘要：要点逐条注明并核对出处段落，提取任务、时限、责任单位（无模型时为抽取式）
    Summarize(assist::SummarizeArgs),
    /// 润色：润色、精简、扩写、公文语体，以修改对照给出建议
    Polish(assist::PolishArgs),
    /// 用本机模型生成文本（调试用），逐字输出到标准输出
    Generate(generate::GenerateArgs),
    /// The inference worker process (started by gongwen itself; speaks JSON on stdio).
    /// `engine-worker speed MODEL THREADS REPETITIONS` measures instead (`gongwen-bench engine`).
    #[command(name = "engine-worker", hide = true)]
    EngineWorker {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// A failure the user sees: plain Chinese plus a stable code.
#[derive(Debug)]
pub struct Failure {
    pub code: String,
    pub message: String,
}

impl Failure {
    pub fn new(code: &str, message: impl Into<String>) -> Failure {
        Failure {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl From<gongwen_models::ModelError> for Failure {
    fn from(e: gongwen_models::ModelError) -> Self {
        Failure {
            code: e.code().to_owned(),
            message: e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    // Best effort: a kernel that refuses is no reason to refuse the work.
    let _ = gongwen_engine::no_core_dumps();
    let cli = Cli::parse();
    if let Some(fd) = cli.passphrase_fd
        && let Err(failure) = drafts::read_passphrase_fd(fd)
    {
        eprintln!("错误：{} [{}]", failure.message, failure.code);
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Models(command) => models::run(command),
        Command::Generate(args) => generate::run(args),
        Command::Draft(args) => assist::draft(args),
        Command::Summarize(args) => assist::summarize(args),
        Command::Polish(args) => assist::polish(args),
        Command::Import(args) => import::run(args),
        Command::Check(args) => check::run(args),
        Command::Terms(command) => terms::run(command),
        Command::Drafts(command) => drafts::run(command),
        Command::Audit(command) => drafts::audit(command),
        Command::Backup(command) => drafts::backup(command),
        Command::Key(command) => drafts::key(command),
        Command::Format(args) => export::format(args),
        Command::Export(args) => export::export(args),
        Command::EngineWorker { .. } => return gongwen_engine::worker_main(),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("错误：{} [{}]", failure.message, failure.code);
            ExitCode::from(2)
        }
    }
}
