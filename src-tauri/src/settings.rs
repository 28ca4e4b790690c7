//! 设置: the unit profile, the unit's word lists, the model and its
//! threads and context, backups, and the audit log. Thin adapters over the
//! store and `gongwen_desk::AppConfig`; the config file is the only thing
//! written here.

use gongwen_desk::AppConfig;
use gongwen_models::Manifest;
use gongwen_store::{AuditEntry, TermList, UnitProfile};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use zeroize::Zeroizing;

use gongwen_desk::clock::now;

use crate::{AppState, dto::ApiError, files};

type Answer<T> = Result<T, ApiError>;

#[derive(Serialize, TS)]
pub struct KnownModel {
    pub name: String,
    pub display_name: String,
    pub file: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// The file is in the models folder with the manifest's size (its
    /// SHA-256 is checked when it loads).
    pub present: bool,
}

#[derive(Serialize, TS)]
pub struct SettingsInfo {
    pub profile: UnitProfile,
    pub custom_terms: Vec<String>,
    pub ignore_terms: Vec<String>,
    /// 口令 or 系统密钥环.
    pub key_source: Option<String>,
    pub data_dir: String,
    pub export_dir: String,
    pub config: AppConfig,
    /// `$GONGWEN_MODEL`, which overrides the setting.
    pub model_from_env: Option<String>,
    pub models: Vec<KnownModel>,
}

#[tauri::command(async)]
pub fn settings_info(state: State<'_, AppState>) -> Answer<SettingsInfo> {
    let data_dir = state.storage.data_dir().to_path_buf();
    let (profile, custom_terms, ignore_terms) = state.store(|store| {
        Ok((
            store.unit_profile()?,
            store.terms(TermList::Custom)?,
            store.terms(TermList::Ignore)?,
        ))
    })?;
    let models = Manifest::builtin()
        .map(|m| m.models)
        .unwrap_or_default()
        .into_iter()
        .map(|spec| {
            let present = std::fs::metadata(gongwen_models::locate(&spec))
                .is_ok_and(|meta| meta.len() == spec.size_bytes);
            KnownModel {
                name: spec.name.clone(),
                display_name: spec.display_name.clone(),
                file: spec.file.clone(),
                size_bytes: spec.size_bytes,
                present,
            }
        })
        .collect();
    Ok(SettingsInfo {
        profile,
        custom_terms,
        ignore_terms,
        key_source: state.storage.key_source().map(str::to_owned),
        data_dir: data_dir.display().to_string(),
        export_dir: files::export_dir().display().to_string(),
        config: AppConfig::load(&data_dir),
        model_from_env: std::env::var("GONGWEN_MODEL")
            .ok()
            .filter(|m| !m.is_empty()),
        models,
    })
}

#[tauri::command(async)]
pub fn save_profile(state: State<'_, AppState>, profile: UnitProfile) -> Answer<UnitProfile> {
    let profile = UnitProfile {
        name: profile.name.trim().to_owned(),
        code: profile.code.trim().to_owned(),
        recipients: profile
            .recipients
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
    };
    state.store(|store| {
        store.set_unit_profile(&profile, &now())?;
        store.unit_profile()
    })
}

/// Adds a word to the unit's 专用词库 or ignore list; answers the list.
#[tauri::command(async)]
pub fn add_term(state: State<'_, AppState>, list: TermList, term: String) -> Answer<Vec<String>> {
    let term = term.trim().to_owned();
    if term.is_empty() {
        return Err(ApiError::new("settings-term", "请输入词语"));
    }
    state.store(|store| {
        store.add_term(list, &term, &now())?;
        store.terms(list)
    })
}

#[tauri::command(async)]
pub fn remove_term(
    state: State<'_, AppState>,
    list: TermList,
    term: String,
) -> Answer<Vec<String>> {
    state.store(|store| {
        store.remove_term(list, &term, &now())?;
        store.terms(list)
    })
}

#[derive(Serialize, TS)]
pub struct AuditView {
    /// Newest first, at most `AUDIT_SHOWN`.
    pub entries: Vec<AuditEntry>,
    pub total: usize,
    /// The chain checked out: entries verified.
    pub verified: Option<usize>,
    /// Or where it broke, in plain Chinese.
    pub broken: Option<String>,
    /// Restores that took the log back, one line each.
    pub rollbacks: Vec<String>,
}

const AUDIT_SHOWN: usize = 500;

/// The audit log with its hash chain verified.
#[tauri::command(async)]
pub fn audit_log(state: State<'_, AppState>) -> Answer<AuditView> {
    state.store(|store| {
        let mut entries = store.audit_log()?;
        let total = entries.len();
        entries.reverse();
        entries.truncate(AUDIT_SHOWN);
        let (verified, broken) = match store.verify_audit() {
            Ok(n) => (Some(n), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let rollbacks = store
            .audit_rollbacks()
            .map(|r| r.iter().map(|r| r.describe()).collect())
            .unwrap_or_default();
        Ok(AuditView {
            entries,
            total,
            verified,
            broken,
            rollbacks,
        })
    })
}

#[derive(Serialize, TS)]
pub struct BackupDone {
    pub path: String,
    #[ts(type = "number")]
    pub drafts: i64,
    #[ts(type = "number")]
    pub revisions: i64,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Where a restore kept the store it replaced.
    pub safety_copy: Option<String>,
    /// A restore that took but could not be written to the audit log.
    pub warning: Option<String>,
}

/// A backup in the export folder, encrypted with the backup passphrase the
/// user set for it (so it restores on another PC), verified.
#[tauri::command(async)]
pub fn create_backup(state: State<'_, AppState>, passphrase: String) -> Answer<BackupDone> {
    let passphrase = Zeroizing::new(passphrase);
    let dir = files::export_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::new("backup-io", format!("无法创建 {}：{e}", dir.display())))?;
    let path = dir.join(gongwen_desk::backup::file_name(&now()));
    let report = state.store(|store| store.backup(&path, &passphrase, &now()))?;
    Ok(BackupDone {
        path: path.display().to_string(),
        drafts: report.drafts,
        revisions: report.revisions,
        bytes: report.bytes,
        safety_copy: None,
        warning: None,
    })
}

/// Restores a backup the user picked: its bytes as the raw body, the backup
/// passphrase as hex of its UTF-8 in the `x-backup-passphrase` header
/// (headers are ASCII). Written beside the store, opened and verified, the current
/// store kept as a copy, then swapped in.
#[tauri::command(async)]
pub fn restore_backup(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Answer<BackupDone> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(ApiError::new("backup-body", "没有收到备份文件的内容"));
    };
    let passphrase = request
        .headers()
        .get("x-backup-passphrase")
        .and_then(|v| v.to_str().ok())
        .map(|v| from_hex(v).map(Zeroizing::new))
        .transpose()?
        .filter(|p| !p.is_empty());
    let data_dir = state.storage.data_dir().to_path_buf();
    let incoming = data_dir.join("gongwen.db.incoming");
    std::fs::write(&incoming, bytes)
        .map_err(|e| ApiError::new("backup-io", format!("无法写入备份文件：{e}")))?;
    let result = state.storage.restore(
        &incoming,
        passphrase.as_ref().map(|p| p.as_str()),
        None,
        &now(),
    );
    let _ = std::fs::remove_file(&incoming);
    let done = result?;
    Ok(BackupDone {
        path: String::new(),
        drafts: done.report.drafts,
        revisions: done.report.revisions,
        bytes: done.report.bytes,
        safety_copy: done.report.safety_copy.map(|p| p.display().to_string()),
        warning: done
            .unlogged
            .map(|e| gongwen_desk::backup::unlogged_warning(&e)),
    })
}

fn from_hex(text: &str) -> Answer<String> {
    let bad = || ApiError::new("backup-body", "备份口令的编码无效");
    if !text.len().is_multiple_of(2) {
        return Err(bad());
    }
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    String::from_utf8(bytes).map_err(|_| bad())
}

/// Saves the model settings; they apply at the next start (the model loads
/// then, in the background). A file outside the manifest needs the user's
/// confirmation.
#[tauri::command(async)]
pub fn save_model_config(state: State<'_, AppState>, config: AppConfig) -> Answer<AppConfig> {
    if let Some(problem) = config.problem() {
        return Err(ApiError::new("settings-model", problem));
    }
    let model = config.model.trim().to_owned();
    let named = Manifest::builtin().is_ok_and(|m| m.get(&model).is_ok());
    if !named && !std::path::Path::new(&model).is_file() {
        return Err(ApiError::new(
            "settings-model",
            format!("找不到模型文件 {model}"),
        ));
    }
    // The same resolution the engine loads by: a manifest name, or a file
    // known by its name, or a file the user consents to.
    let request = gongwen_engine::LoadRequest::resolve(
        &model,
        config.allow_unregistered,
        gongwen_engine::ContextConfig::for_this_machine(),
    )
    .map_err(|e| match e {
        gongwen_models::ModelError::Unregistered(_) => ApiError::new(
            "settings-unregistered",
            "此文件不在已知模型清单中，无法核对其来源与 SHA-256。确认使用请勾选“我确认使用此文件”",
        ),
        e => ApiError::new(e.code(), e.to_string()),
    })?;
    // The consent is for this file: its hash is kept with it, and a file
    // replaced later is refused at the next start.
    let consented = match request.identity {
        gongwen_engine::ModelIdentity::Known(_) => None,
        _ => Some(
            gongwen_models::sha256_file(&request.path, &mut |_, _| {})
                .map_err(|e| ApiError::new(e.code(), e.to_string()))?,
        ),
    };
    let config = AppConfig {
        model,
        consented_sha256: consented,
        ..config
    };
    config
        .save(state.storage.data_dir())
        .map_err(|e| ApiError::new(e.code(), format!("无法保存设置：{e}")))?;
    let _ = state.store(|store| {
        store.record(
            &now(),
            "settings-model",
            &match &config.consented_sha256 {
                Some(sha256) => format!(
                    "模型设置改为 {}（未登记文件，确认使用，SHA-256 {sha256}；下次启动生效）",
                    config.model
                ),
                None => format!("模型设置改为 {}（下次启动生效）", config.model),
            },
        )
    });
    Ok(config)
}

/// 改用口令 (a new passphrase) or 改用系统密钥环 (`passphrase` none): the
/// store is re-encrypted; answers where the key is kept now.
#[tauri::command(async)]
pub fn change_key_source(state: State<'_, AppState>, passphrase: Option<String>) -> Answer<String> {
    let passphrase = passphrase.map(zeroize::Zeroizing::new);
    if let Some(p) = &passphrase
        && p.chars().count() < 8
    {
        return Err(ApiError::new("settings-passphrase", "口令至少 8 个字符"));
    }
    state.storage.change_key(passphrase, &now())?;
    Ok(state.storage.key_source().unwrap_or("未知").to_owned())
}
