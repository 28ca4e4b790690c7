use std::{
    fs::File,
    io::{ErrorKind, Read},
    path::Path,
};

use sha2::{Digest, Sha256};

use crate::{ModelError, ModelSpec};

/// Called with (bytes hashed so far, total bytes) as hashing goes on.
pub type HashProgress<'a> = &'a mut dyn FnMut(u64, u64);

/// What the copy of a known model on disk is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    Missing,
    /// Size and SHA-256 match the manifest.
    Verified,
    SizeMismatch {
        actual: u64,
    },
    ChecksumMismatch {
        actual: String,
    },
}

impl FileStatus {
    pub fn is_verified(&self) -> bool {
        matches!(self, FileStatus::Verified)
    }

    /// The error a caller reports when it needs the file and it is not right.
    pub fn into_error(self, spec: &ModelSpec) -> Option<ModelError> {
        match self {
            FileStatus::Verified | FileStatus::Missing => None,
            FileStatus::SizeMismatch { actual } => Some(ModelError::SizeMismatch {
                file: spec.file.clone(),
                expected: spec.size_bytes,
                actual,
            }),
            FileStatus::ChecksumMismatch { actual } => Some(ModelError::ChecksumMismatch {
                file: spec.file.clone(),
                expected: spec.sha256.clone(),
                actual,
            }),
        }
    }
}

/// Hex SHA-256 of a file, streamed (model files are gigabytes).
pub fn sha256_file(path: &Path, progress: HashProgress<'_>) -> Result<String, ModelError> {
    let mut file = File::open(path).map_err(ModelError::io(path))?;
    let total = file.metadata().map_err(ModelError::io(path))?.len();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(ModelError::io(path)(e)),
        };
        hasher.update(&buf[..n]);
        done += n as u64;
        progress(done, total);
    }
    Ok(hex(&hasher.finalize()))
}

/// Checks the copy of `spec` at `path`: the size first (cheap), then the hash.
pub fn status_of(
    spec: &ModelSpec,
    path: &Path,
    progress: HashProgress<'_>,
) -> Result<FileStatus, ModelError> {
    let size = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(FileStatus::Missing),
        Err(e) => return Err(ModelError::io(path)(e)),
    };
    if size != spec.size_bytes {
        return Ok(FileStatus::SizeMismatch { actual: size });
    }
    let actual = sha256_file(path, progress)?;
    Ok(if actual == spec.sha256 {
        FileStatus::Verified
    } else {
        FileStatus::ChecksumMismatch { actual }
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_for(content: &[u8]) -> ModelSpec {
        ModelSpec {
            name: "t".into(),
            display_name: "t".into(),
            file: "t.gguf".into(),
            size_bytes: content.len() as u64,
            sha256: hex(&Sha256::digest(content)),
            licence: "x".into(),
            source: "x".into(),
            parts: vec![],
        }
    }

    #[test]
    fn known_vector() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            sha256_file(&path, &mut |_, _| {}).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn status_detects_missing_truncated_and_tampered_files() {
        let dir = tempfile::tempdir().unwrap();
        let spec = spec_for(b"GGUF model bytes");
        let path = spec.path_in(dir.path());
        let mut no_progress = |_, _| {};
        assert_eq!(
            status_of(&spec, &path, &mut no_progress).unwrap(),
            FileStatus::Missing
        );

        std::fs::write(&path, b"GGUF model").unwrap();
        assert_eq!(
            status_of(&spec, &path, &mut no_progress).unwrap(),
            FileStatus::SizeMismatch { actual: 10 }
        );

        std::fs::write(&path, b"GGUF model BYTES").unwrap();
        let status = status_of(&spec, &path, &mut no_progress).unwrap();
        assert!(
            matches!(status, FileStatus::ChecksumMismatch { .. }),
            "{status:?}"
        );
        let err = status.into_error(&spec).unwrap();
        assert_eq!(err.code(), "model-checksum");
        assert!(err.to_string().contains("可能损坏或被篡改"));

        std::fs::write(&path, b"GGUF model bytes").unwrap();
        assert_eq!(
            status_of(&spec, &path, &mut no_progress).unwrap(),
            FileStatus::Verified
        );
    }
}
