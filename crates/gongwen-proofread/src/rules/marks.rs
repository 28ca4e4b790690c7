//! 标点: stray spaces and unpaired marks (GB/T 15834-2011).

use super::{Rule, finding, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pub struct StraySpace;

static STRAY_SPACE: RuleInfo = RuleInfo {
    id: "punct.stray-space",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 附录：中文文本中汉字、标点之间不加空格",
    summary: "汉字或标点之间有多余空格",
};

// Half-width spaces between two Chinese characters or marks. A full-width
// space is left alone: it pads two-character names in lists (王　伟).
pattern!(
    SPACED,
    r"[\p{Han}，。、；：！？（）《》“”‘’【】][ \t]+[\p{Han}，。、；：！？（）《》“”‘’【】]"
);

impl Rule for StraySpace {
    fn info(&self) -> &'static RuleInfo {
        &STRAY_SPACE
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        // Overlapping pairs (字 字 字) need a manual scan from each space run.
        let mut from = 0;
        while let Some(m) = SPACED.find_at(text.source, from) {
            let inner = m.as_str();
            let first = inner.chars().next().map_or(0, char::len_utf8);
            let last = inner.chars().last().map_or(0, char::len_utf8);
            let spaces = m.start() + first..m.end() - last;
            from = spaces.end;
            // 上行文 put 文号 and 签发人 on one line, apart.
            if text.source[spaces.end..].starts_with("签发人") {
                continue;
            }
            out.push(finding(
                &STRAY_SPACE,
                text,
                spaces.clone(),
                "汉字、标点之间不应有空格",
                Some(String::new()),
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[("各单位 要高度重视 。", "各单位要高度重视。")]
    }
}

pub struct UnpairedMark;

static UNPAIRED: RuleInfo = RuleInfo {
    id: "punct.unpaired",
    category: Category::Punctuation,
    severity: Severity::Error,
    reference: "GB/T 15834-2011 4.2、4.8、4.9：引号、括号、书名号成对使用",
    summary: "引号、括号或书名号不成对",
};

const PAIRS: [(char, char); 6] = [
    ('“', '”'),
    ('‘', '’'),
    ('（', '）'),
    ('《', '》'),
    ('【', '】'),
    ('〔', '〕'),
];

impl Rule for UnpairedMark {
    fn info(&self) -> &'static RuleInfo {
        &UNPAIRED
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        // Per paragraph: a quotation may run over several paragraphs, but in
        // 公文 it practically never does, and a per-paragraph check points at
        // the right place.
        let mut line_start = 0;
        for line in text.source.split_inclusive('\n') {
            let mut open: Vec<(usize, char)> = Vec::new();
            for (i, c) in line.char_indices() {
                let at = line_start + i;
                if PAIRS.iter().any(|&(o, _)| o == c) {
                    open.push((at, c));
                } else if let Some(&(o, _)) = PAIRS.iter().find(|&&(_, close)| close == c) {
                    match open.iter().rposition(|&(_, oc)| oc == o) {
                        // Closing the innermost open mark of its kind: any
                        // marks opened after it were never closed.
                        Some(p) => {
                            for (at, c) in open.drain(p..).skip(1) {
                                report(text, out, at, c);
                            }
                        }
                        None => report(text, out, at, c),
                    }
                }
            }
            for (at, c) in open {
                report(text, out, at, c);
            }
            line_start += line.len();
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("认真学习《条例》和《办法。", "认真学习《条例》和《办法》。"),
            ("坚持“两个毫不动摇。", "坚持“两个毫不动摇”。"),
            ("各单位）要按时报送。", "各单位要按时报送。"),
        ]
    }
}

fn report(text: &Text<'_>, out: &mut Vec<Finding>, at: usize, c: char) {
    out.push(finding(
        &UNPAIRED,
        text,
        at..at + c.len_utf8(),
        format!("“{c}”没有与之配对的标点"),
        None,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_beside_latin_digits_or_full_width_padding_pass() {
        for s in [
            "请于 11月30日前报送",
            "使用 WPS 打开",
            "王　伟　李　明",
            "  一、总体要求",
        ] {
            let mut out = Vec::new();
            StraySpace.check(&Text::new(s), &mut out);
            assert!(out.is_empty(), "{s}: {out:?}");
        }
    }

    #[test]
    fn nested_marks_pair_up() {
        let mut out = Vec::new();
        UnpairedMark.check(
            &Text::new("学习《关于“三个务必”的论述（摘编）》。"),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
    }
}
