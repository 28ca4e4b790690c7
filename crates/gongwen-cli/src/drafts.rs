use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::OnceLock,
};

use clap::Subcommand;
use gongwen_domain::{structure, to_plain_text};
use gongwen_store::{
    Credentials, Key, KeySource, NewKey, Store, StoreError, change_key, data_dir_from_env,
    database_path, key_source,
};
use zeroize::Zeroizing;

use crate::{
    Failure,
    import::{parse_kind, read_text_file},
};

#[derive(Subcommand)]
pub enum DraftsCommand {
    /// 保存文件为草稿（新建，或用 --id 保存为已有草稿的新修订）
    Save {
        file: PathBuf,
        #[arg(long)]
        id: Option<i64>,
        /// 文种；不指定时按标题判断
        #[arg(long)]
        kind: Option<String>,
    },
    /// 列出草稿
    List {
        #[arg(long)]
        json: bool,
    },
    /// 显示草稿的最新修订（或用 --rev 指定修订）
    Show {
        id: i64,
        #[arg(long)]
        rev: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// 列出草稿的全部修订
    History { id: i64 },
    /// 把草稿恢复到某个修订（作为新修订保存，历史不变）
    Restore {
        id: i64,
        #[arg(long)]
        revision: i64,
    },
    /// 全文搜索草稿（标题与正文，支持中文）
    Search {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// 删除草稿（移入回收站，可恢复）
    Delete { id: i64 },
    /// 列出回收站中的草稿
    Bin,
    /// 从回收站恢复草稿
    Undelete { id: i64 },
}

#[derive(Subcommand)]
pub enum BackupCommand {
    /// 把草稿库备份到文件：用备份口令加密（至少 8 个字符），写完后读回校验；
    /// 换了电脑也只凭备份口令即可恢复。口令在终端中输入（不回显），
    /// 或由环境变量 GONGWEN_BACKUP_PASSPHRASE 给出（脚本用）
    Create { file: PathBuf },
    /// 用备份文件替换当前草稿库：先用备份口令打开并校验，再把当前草稿库另存一份，
    /// 然后替换；任何一步失败时当前草稿库不变。没有草稿库时新建一个再恢复
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志链是否完整
    Verify,
    /// 列出审计日志
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// 显示草稿库密钥的来源（口令或系统密钥环）
    Status,
    /// 改用系统密钥环保存的随机密钥（重新加密草稿库）
    UseKeyring,
    /// 改用口令，或更换口令（新口令在终端中输入两次，不回显；至少 8 个字符）
    UsePassphrase {
        /// 从文件描述符 N 读取新口令（第一行），供脚本使用
        #[arg(long, value_name = "N")]
        new_passphrase_fd: Option<u32>,
    },
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NeedPassphrase => Failure::new(
                e.code(),
                "草稿库已加密：请在终端中运行以输入口令，或用 --passphrase-fd N 提供口令",
            ),
            e => Failure::new(e.code(), e.to_string()),
        }
    }
}

pub fn now() -> String {
    gongwen_desk::clock::now()
}

/// The passphrase given on a file descriptor (`--passphrase-fd N`).
static PASSPHRASE_FROM_FD: OnceLock<Zeroizing<String>> = OnceLock::new();

/// Reads the store's passphrase from descriptor `fd` (its first line), for
/// scripts: nothing lands in the environment or the shell's history.
pub fn read_passphrase_fd(fd: u32) -> Result<(), Failure> {
    let _ = PASSPHRASE_FROM_FD.set(line_from_fd(fd)?);
    Ok(())
}

/// The first line readable from descriptor `fd`.
fn line_from_fd(fd: u32) -> Result<Zeroizing<String>, Failure> {
    // Through /proc: the descriptor's file, without unsafe code.
    let text = Zeroizing::new(
        std::fs::read_to_string(format!("/proc/self/fd/{fd}")).map_err(|e| {
            Failure::new(
                "usage-passphrase-fd",
                format!("无法从文件描述符 {fd} 读取口令：{e}"),
            )
        })?,
    );
    Ok(Zeroizing::new(text.lines().next().unwrap_or("").to_owned()))
}

/// How the store is unlocked: `--passphrase-fd`, else `GONGWEN_PASSPHRASE`,
/// else — for a passphrase store, when `ask` and at a terminal — the
/// passphrase typed without echo; and the system keyring.
fn credentials(ask: bool) -> Credentials {
    let mut credentials = Credentials::from_env();
    if let Some(p) = PASSPHRASE_FROM_FD.get() {
        credentials.passphrase = Some(p.clone());
    }
    let passphrase_store = matches!(
        key_source(&data_dir_from_env()),
        Ok(Some(KeySource::Passphrase { .. }))
    );
    if credentials.passphrase.is_none()
        && ask
        && passphrase_store
        && std::io::stdin().is_terminal()
        && let Ok(p) = rpassword::prompt_password("草稿库口令：")
    {
        credentials.passphrase = Some(Zeroizing::new(p));
    }
    credentials
}

/// Opens the store, creating it on first use; asks for the passphrase at a
/// terminal if it needs one.
pub fn open_store() -> Result<Store, Failure> {
    Ok(gongwen_store::open_store(
        &data_dir_from_env(),
        &credentials(true),
    )?)
}

/// The same, never asking: for work that goes on without the store.
pub fn open_store_quietly() -> Result<Store, Failure> {
    Ok(gongwen_store::open_store(
        &data_dir_from_env(),
        &credentials(false),
    )?)
}

/// The backup passphrase: `GONGWEN_BACKUP_PASSPHRASE` for scripts, else
/// typed at the terminal without echo (twice when making a backup).
fn backup_passphrase(confirm: bool) -> Result<Zeroizing<String>, Failure> {
    if let Ok(p) = std::env::var("GONGWEN_BACKUP_PASSPHRASE") {
        return Ok(Zeroizing::new(p));
    }
    let typed = typed_passphrase(
        "备份口令：",
        "需要备份口令：请在终端中运行以输入口令，或设置环境变量 GONGWEN_BACKUP_PASSPHRASE",
        "backup-need-passphrase",
    )?;
    if !confirm {
        return typed.first();
    }
    typed.twice(
        gongwen_store::check_backup_passphrase,
        "backup-passphrase-mismatch",
        "两次输入的备份口令不一致，没有备份",
    )
}

/// A passphrase to be typed at the terminal without echo.
struct Typed {
    prompt: &'static str,
    code: &'static str,
}

/// Refuses when there is no terminal to type at (`missing` says what else
/// to do).
fn typed_passphrase(
    prompt: &'static str,
    missing: &str,
    code: &'static str,
) -> Result<Typed, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(code, missing));
    }
    Ok(Typed { prompt, code })
}

impl Typed {
    fn read(&self, prompt: &str) -> Result<Zeroizing<String>, Failure> {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|e| Failure::new(self.code, format!("无法读取口令：{e}")))
    }

    fn first(&self) -> Result<Zeroizing<String>, Failure> {
        self.read(self.prompt)
    }

    /// Typed twice: long enough by `check`, and the same both times.
    fn twice(
        &self,
        check: fn(&str) -> Result<(), StoreError>,
        mismatch_code: &str,
        mismatch: &str,
    ) -> Result<Zeroizing<String>, Failure> {
        let first = self.first()?;
        check(&first)?;
        if *self.read("再输入一次：")? != *first {
            return Err(Failure::new(mismatch_code, mismatch));
        }
        Ok(first)
    }
}

/// The new store passphrase for `key use-passphrase`: from descriptor `fd`,
/// `GONGWEN_NEW_PASSPHRASE` (tests), or typed twice at the terminal.
fn new_store_passphrase(fd: Option<u32>) -> Result<Zeroizing<String>, Failure> {
    if let Some(fd) = fd {
        return line_from_fd(fd);
    }
    if let Some(p) = std::env::var("GONGWEN_NEW_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(Zeroizing::new(p));
    }
    typed_passphrase(
        "新口令（至少 8 个字符）：",
        "需要新口令：请在终端中运行以输入新口令，或用 --new-passphrase-fd N 从文件描述符读取",
        "usage-new-passphrase",
    )?
    .twice(
        gongwen_store::check_new_passphrase,
        "key-passphrase-mismatch",
        "两次输入的新口令不一致，草稿库未改动",
    )
}

/// The database path and its key.
fn unlock() -> Result<(PathBuf, Key), Failure> {
    let dir = data_dir_from_env();
    let key = gongwen_store::unlock(&dir, &credentials(true))?;
    Ok((database_path(&dir), key))
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Failure::new("internal", e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn print_drafts(
    drafts: &[gongwen_store::DraftSummary],
    json: bool,
    empty: &str,
) -> Result<(), Failure> {
    if json {
        return print_json(&drafts);
    }
    if drafts.is_empty() {
        println!("{empty}");
    }
    for d in drafts {
        println!(
            "{:>4}  {}  {}  {}（{} 个修订）",
            d.id, d.updated_at, d.kind, d.title, d.revisions
        );
    }
    Ok(())
}

fn load_document(file: &Path, kind: Option<&str>) -> Result<gongwen_domain::Document, Failure> {
    Ok(structure(&read_text_file(file)?, parse_kind(kind)?).document)
}

pub fn run(command: DraftsCommand) -> Result<ExitCode, Failure> {
    match command {
        DraftsCommand::Save { file, id, kind } => {
            let doc = load_document(&file, kind.as_deref())?;
            let mut store = open_store()?;
            let (draft, revision) = store.save(id, &doc, &now())?;
            store.record(
                &now(),
                "import",
                &format!("导入 {} 为草稿 {draft} 修订 {revision}", file.display()),
            )?;
            println!("已保存：草稿 {draft}，修订 {revision}（{}）", doc.title);
        }
        DraftsCommand::List { json } => print_drafts(&open_store()?.list()?, json, "还没有草稿")?,
        DraftsCommand::Search { query, json } => {
            print_drafts(&open_store()?.search(&query)?, json, "没有找到匹配的草稿")?;
        }
        DraftsCommand::Bin => print_drafts(&open_store()?.bin()?, false, "回收站是空的")?,
        DraftsCommand::Restore { id, revision } => {
            let new_revision = open_store()?.restore(id, revision, &now())?;
            println!("已恢复：草稿 {id} 的修订 {revision} 另存为修订 {new_revision}");
        }
        DraftsCommand::Delete { id } => {
            open_store()?.delete(id, &now())?;
            println!("草稿 {id} 已移入回收站");
        }
        DraftsCommand::Undelete { id } => {
            open_store()?.undelete(id, &now())?;
            println!("草稿 {id} 已从回收站恢复");
        }
        DraftsCommand::Show { id, rev, json } => {
            let store = open_store()?;
            let doc = match rev {
                Some(rev) => store.revision(id, rev)?,
                None => store.show(id)?,
            };
            if json {
                print_json(&doc)?;
            } else {
                println!("{}", to_plain_text(&doc));
            }
        }
        DraftsCommand::History { id } => {
            for r in open_store()?.history(id)? {
                println!("修订 {:>4}  {}  {} 字", r.id, r.created_at, r.chars);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn backup(command: BackupCommand) -> Result<ExitCode, Failure> {
    match command {
        BackupCommand::Create { file } => {
            let mut store = open_store()?;
            let passphrase = backup_passphrase(true)?;
            let report = store.backup(&file, &passphrase, &now())?;
            println!(
                "已备份到 {}：{} 份草稿，{} 个修订，{} 字节，已读回校验。恢复时需要这次设定的备份口令",
                file.display(),
                report.drafts,
                report.revisions,
                report.bytes
            );
        }
        BackupCommand::Restore { file } => {
            let info = gongwen_store::backup_info(&file)?;
            let passphrase = if info.portable {
                Some(backup_passphrase(false)?)
            } else {
                None
            };
            let (db, key) = unlock()?;
            let restored = gongwen_desk::backup::restore(
                &db,
                &key,
                &file,
                passphrase.as_ref().map(|p| p.as_str()),
                Some(&file),
                &now(),
            );
            let report = restored.report?;
            restored.store?;
            println!(
                "已从 {} 恢复：{} 份草稿，{} 个修订",
                file.display(),
                report.drafts,
                report.revisions
            );
            if let Some(e) = &restored.unlogged {
                eprintln!("注意：{}", gongwen_desk::backup::unlogged_warning(e));
            }
            if let Some(copy) = &report.safety_copy {
                let how = if report.safety_copy_verified {
                    "已校验"
                } else {
                    "原库无法读取，按原样复制"
                };
                println!("恢复前的草稿库另存为 {}（{how}）", copy.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn key(command: KeyCommand) -> Result<ExitCode, Failure> {
    let dir = data_dir_from_env();
    let credentials = credentials(!matches!(command, KeyCommand::Status));
    let new_passphrase;
    let new = match command {
        KeyCommand::Status => {
            match key_source(&dir)? {
                Some(source @ KeySource::Passphrase { .. }) => {
                    println!("草稿库密钥来源：{}（Argon2id 派生）", source.describe());
                }
                Some(source @ KeySource::Keyring { .. }) => {
                    println!("草稿库密钥来源：{}（随机 256 位密钥）", source.describe());
                }
                None => println!("还没有草稿库"),
            }
            return Ok(ExitCode::SUCCESS);
        }
        KeyCommand::UsePassphrase { new_passphrase_fd } => {
            new_passphrase = new_store_passphrase(new_passphrase_fd)?;
            NewKey::Passphrase(&new_passphrase)
        }
        KeyCommand::UseKeyring => NewKey::Keyring(
            credentials
                .keyring
                .as_ref()
                .ok_or(StoreError::KeyringUnavailable("未启用".into()))?,
        ),
    };
    let store = gongwen_store::open_store(&dir, &credentials)?;
    let store = change_key(&dir, store, &credentials, new, &now())?;
    let drafts = store.list()?.len();
    let source = key_source(&dir)?.map_or("未知", |s| s.describe());
    println!("已重新加密草稿库（{drafts} 份草稿），密钥来源：{source}");
    Ok(ExitCode::SUCCESS)
}

pub fn audit(command: AuditCommand) -> Result<ExitCode, Failure> {
    match command {
        AuditCommand::Verify => {
            let store = open_store()?;
            let count = store.verify_audit()?;
            println!("审计日志完整：共 {count} 条，哈希链连续，末尾与库外记录一致");
            for rollback in store.audit_rollbacks()? {
                println!("注意：{}", rollback.describe());
            }
        }
        AuditCommand::List { json } => {
            let log = open_store()?.audit_log()?;
            if json {
                print_json(&log)?;
            } else {
                for e in log {
                    println!("{:>5}  {}  {:<14} {}", e.id, e.at, e.action, e.detail);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
