//! `gongwen terms`: the unit's own vocabulary and ignore list, kept in the
//! store and applied by `gongwen check`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use gongwen_proofread::Options;
use gongwen_store::{TermList, data_dir_from_env, database_path};

use crate::{
    Failure,
    drafts::{now, open_store},
};

#[derive(Subcommand)]
pub enum TermsCommand {
    /// 列出本单位专用词和忽略词
    List {
        /// 输出 JSON：{"custom": [...], "ignore": [...]}
        #[arg(long)]
        json: bool,
    },
    /// 添加专用词（校对不再把它当错别字）；加 --ignore 则加入忽略词（任何提示都不再出现）
    Add(TermArgs),
    /// 删除专用词或忽略词
    Remove(TermArgs),
}

#[derive(Args)]
pub struct TermArgs {
    /// 词语，可写多个
    #[arg(required = true)]
    terms: Vec<String>,
    /// 作用于忽略词表
    #[arg(long)]
    ignore: bool,
}

impl TermArgs {
    fn list(&self) -> TermList {
        if self.ignore {
            TermList::Ignore
        } else {
            TermList::Custom
        }
    }
}

pub fn run(command: TermsCommand) -> Result<ExitCode, Failure> {
    let mut store = open_store()?;
    match command {
        TermsCommand::List { json } => {
            let custom = store.terms(TermList::Custom)?;
            let ignore = store.terms(TermList::Ignore)?;
            if json {
                let value = serde_json::json!({ "custom": custom, "ignore": ignore });
                println!("{value}");
            } else {
                println!("专用词（{}）：{}", custom.len(), custom.join("、"));
                println!("忽略词（{}）：{}", ignore.len(), ignore.join("、"));
            }
        }
        TermsCommand::Add(args) => {
            for term in &args.terms {
                store.add_term(args.list(), term, &now())?;
            }
        }
        TermsCommand::Remove(args) => {
            for term in &args.terms {
                store.remove_term(args.list(), term, &now())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The unit's lists for `check`: from the store when there is one. A store
/// that cannot be opened here (locked, no keyring) does not stop a check:
/// it runs on the rules alone and says so on stderr.
pub fn options_from_store() -> Options {
    if !database_path(&data_dir_from_env()).exists() {
        return Options::default();
    }
    let lists = open_store().and_then(|store| {
        Ok(Options {
            ignore: store.terms(TermList::Ignore)?,
            terms: store.terms(TermList::Custom)?,
        })
    });
    lists.unwrap_or_else(|e| {
        eprintln!(
            "提示：未能打开草稿库（{}），本次校对未使用本单位词库",
            e.message
        );
        Options::default()
    })
}
