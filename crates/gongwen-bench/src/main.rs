//! `gongwen-bench`: the benchmarks, each printing absolute figures and, on
//! its last line, ratios against an outside reference run in the same
//! process or script. A binary of its own so that what offices install
//! (`gongwen`, the app) carries no benchmark and none of its set-up steps
//! (building llama-bench from downloaded llama.cpp sources).

// A command-line program's job is to print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "gongwen-bench",
    version,
    about = "公文助手性能基准：打印绝对数值，最后一行给出与外部参照的比值"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Bench(commands::BenchCommand),
    /// The inference worker (`bench engine` and the assistant benchmarks
    /// start this binary again as their model process, as `gongwen` does).
    #[command(name = "engine-worker", hide = true)]
    EngineWorker {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// A failure: plain Chinese, with a short code where the benchmark knows
/// one, printed as the `gongwen` CLI prints its own.
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

impl<E: std::error::Error> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::new("bench", e.to_string())
    }
}

fn main() -> ExitCode {
    let _ = gongwen_engine::no_core_dumps();
    let result = match Cli::parse().command {
        Command::Bench(command) => commands::run(command),
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
