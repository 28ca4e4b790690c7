//! 规范表述: wording that published guidance rules out, from
//! `assets/proofread/expressions.tsv`.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Rule, finding};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

struct Entry {
    wrong: &'static str,
    right: &'static str,
    basis: &'static str,
}

struct Table {
    entries: Vec<Entry>,
    matcher: Option<AhoCorasick>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let entries: Vec<Entry> = include_str!("../../../../assets/proofread/expressions.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut fields = l.split('\t');
            Some(Entry {
                wrong: fields.next()?,
                right: fields.next()?,
                basis: fields.next()?,
            })
        })
        .collect();
    // Longest first: 中港两地 before 中港.
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(entries.iter().map(|e| e.wrong))
        .ok();
    Table { entries, matcher }
});

pub struct Expression;

static EXPRESSION: RuleInfo = RuleInfo {
    id: "expression.standard",
    category: Category::Expression,
    severity: Severity::Error,
    reference: "新华社《新闻信息报道中的禁用词和慎用词》；涉台宣传用语规定（assets/proofread/expressions.tsv）",
    summary: "不规范的政治或地区表述",
};

impl Rule for Expression {
    fn info(&self) -> &'static RuleInfo {
        &EXPRESSION
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let table = &*TABLE;
        let Some(matcher) = &table.matcher else {
            return;
        };
        for m in matcher.find_iter(text.source) {
            let Some(entry) = table.entries.get(m.pattern().as_usize()) else {
                continue;
            };
            out.push(finding(
                &EXPRESSION,
                text,
                m.range(),
                format!("“{}”不规范：{}", entry.wrong, entry.basis),
                (!entry.right.is_empty()).then(|| entry.right.to_owned()),
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("台湾总统发表讲话", "台湾地区领导人发表讲话"),
            ("促进两岸三地交流", "促进海峡两岸和香港、澳门交流"),
            ("加强中港两地合作", "加强内地与香港合作"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_loads_with_every_entry_complete() {
        assert!(TABLE.entries.len() >= 10);
        assert!(TABLE.matcher.is_some());
        assert!(
            TABLE
                .entries
                .iter()
                .all(|e| !e.wrong.is_empty() && !e.basis.is_empty())
        );
    }
}
