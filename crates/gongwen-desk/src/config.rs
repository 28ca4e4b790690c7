//! The app's own settings that must be known before the draft store is
//! unlocked (the model loads at start): which model, threads, context size.
//! Not secret; kept as JSON beside the store.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::WriteError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppConfig {
    /// A manifest name ("default", "test") or a path to a .gguf file.
    #[serde(default = "default_model")]
    pub model: String,
    /// The user confirmed a file that is not in the manifest (its hash goes
    /// to the audit log when it loads).
    #[serde(default)]
    pub allow_unregistered: bool,
    /// The SHA-256 of the file the user confirmed: the consent holds for
    /// that file only.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub consented_sha256: Option<String>,
    /// Worker threads; none = the machine's physical cores.
    #[serde(default)]
    pub threads: Option<u32>,
    /// Context size in tokens; none = the engine's default.
    #[serde(default)]
    pub context: Option<u32>,
}

fn default_model() -> String {
    "default".to_owned()
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            model: default_model(),
            allow_unregistered: false,
            consented_sha256: None,
            threads: None,
            context: None,
        }
    }
}

/// Bounds a civil servant's PC can take: 1–64 threads, 1,024–32,768 tokens.
pub const THREADS: (u32, u32) = (1, 64);
pub const CONTEXT: (u32, u32) = (1024, 32768);

impl AppConfig {
    /// Reads the file's text; anything unreadable is the default (a damaged
    /// settings file must not keep the app from starting).
    pub fn parse(text: &str) -> AppConfig {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The config file beside the store in `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("app-config.json")
    }

    /// The settings saved in `data_dir`; the default when there are none.
    pub fn load(data_dir: &Path) -> AppConfig {
        std::fs::read_to_string(Self::path(data_dir))
            .map(|text| AppConfig::parse(&text))
            .unwrap_or_default()
    }

    /// Saves the settings in `data_dir`, whole or not at all.
    pub fn save(&self, data_dir: &Path) -> Result<(), WriteError> {
        let path = Self::path(data_dir);
        std::fs::create_dir_all(data_dir).map_err(|e| WriteError::of(data_dir, &e))?;
        let text = serde_json::to_string_pretty(self).map_err(|e| WriteError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        crate::write_atomically(&path, text.as_bytes())
    }

    /// What is wrong with these settings, in plain Chinese, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.model.trim().is_empty() {
            return Some("请选择模型".to_owned());
        }
        if let Some(t) = self.threads
            && !(THREADS.0..=THREADS.1).contains(&t)
        {
            return Some(format!("线程数应在 {} 到 {} 之间", THREADS.0, THREADS.1));
        }
        if let Some(c) = self.context
            && !(CONTEXT.0..=CONTEXT.1).contains(&c)
        {
            return Some(format!(
                "上下文长度应在 {} 到 {} 之间",
                CONTEXT.0, CONTEXT.1
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_file_gives_the_defaults() {
        assert_eq!(AppConfig::parse("{not json"), AppConfig::default());
        assert_eq!(AppConfig::parse("").model, "default");
        let config = AppConfig::parse(r#"{"model":"test","threads":4}"#);
        assert_eq!((config.model.as_str(), config.threads), ("test", Some(4)));
    }

    #[test]
    fn out_of_range_values_are_refused_plainly() {
        let mut config = AppConfig {
            threads: Some(0),
            ..AppConfig::default()
        };
        assert!(config.problem().unwrap().contains("线程数"));
        config.threads = Some(2);
        config.context = Some(100);
        assert!(config.problem().unwrap().contains("上下文"));
        config.context = Some(8192);
        assert_eq!(config.problem(), None);
    }

    #[test]
    fn saved_settings_come_back_and_none_saved_are_the_defaults() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data_dir = dir.path().join("新建的数据目录");
        assert_eq!(AppConfig::load(&data_dir), AppConfig::default());
        let config = AppConfig {
            model: "/媒体/模型.gguf".into(),
            allow_unregistered: true,
            consented_sha256: Some("ab".repeat(32)),
            threads: Some(4),
            context: Some(4096),
        };
        config.save(&data_dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(AppConfig::load(&data_dir), config);
    }
}
