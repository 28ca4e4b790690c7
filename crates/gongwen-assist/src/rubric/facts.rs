//! Facts: a draft invents none and keeps the brief's.
//!
//! A fact is a number (Arabic, or a Chinese numeral with a measure word —
//! "one" as an article excepted), a 文号, a 《title》, or a name (a person,
//! place or organisation as jieba tags it, or a word with an
//! organisation's ending). A name counts as known when the user's text
//! holds it, or an abbreviation of one it holds (市住建局 for
//! 青禾市住房和城乡建设局, 市政府 for 青禾市人民政府), or when it only
//! points at a group (各区县人民政府, 有关部门).

use std::{collections::HashSet, sync::LazyLock};

use gongwen_domain::DocKind;
use regex::Regex;
use serde::Serialize;

use super::{Applies, Check, CheckInfo, Context, Example, Failure, Place, Scope, Subject, fail};
use crate::facts as base;

/// An organisation named by its level and its kind of body (市住建局,
/// 县财政局, 国务院): jieba often splits these.
#[allow(clippy::unwrap_used)] // a constant pattern, covered by tests
static LEVELLED_ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:国家|[省市县区镇乡州国])",
        r"[^在由向和与及对把将的了是为等长省市县区镇乡，。、；：（）《》“”\s\d]{0,6}?",
        r"(?:委员会|办公室|政府|中心|局|委|办|厅|署|院)"
    ))
    .unwrap()
});

/// A development zone (滨江新区, 临港经济技术开发区): jieba does not tag
/// these as places, and a small model copies them from an example into a
/// draft about somewhere else.
#[allow(clippy::unwrap_used)] // a constant pattern, covered by tests
static ZONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(ZONE_ENDINGS).unwrap());

/// The endings of a development zone's name, longest first, as a pattern.
pub(crate) const ZONE_ENDINGS: &str = "经济技术开发区|高新技术产业开发区|开发区|高新区|新区";

/// Characters that make the two before a zone words of a sentence (加快新区,
/// 在新区, 各开发区, 城市新区), not its name.
const NOT_IN_ZONE_NAME: &str =
    "在的和与及各本该个推进建设快支持发展城市县省全国一几等了对向把将为是其此";

#[allow(clippy::unwrap_used)] // a constant pattern, covered by tests
static DOC_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[〔\[［(（](\d{4})[〕\]］)）](\d+)号").unwrap());

/// The year-and-number core of each 文号 in `text`, as 〔2026〕7号: the
/// 机关代字 before it runs into the sentence, and brackets vary.
fn doc_numbers(text: &str) -> impl Iterator<Item = String> + '_ {
    DOC_NUMBER
        .captures_iter(text)
        .map(|c| format!("〔{}〕{}号", &c[1], &c[2]))
}

/// Words that point at a group or at the writer, not at a named body.
const GENERIC_PREFIXES: [&str; 16] = [
    "各", "全", "本", "我", "该", "有关", "相关", "上级", "下级", "所属", "同级", "主管", "属地",
    "其他", "各级", "广大",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum DraftFact {
    Number(String),
    DocNumber(String),
    Title(String),
    Name(String),
}

impl DraftFact {
    pub fn text(&self) -> &str {
        match self {
            DraftFact::Number(s) | DraftFact::DocNumber(s) | DraftFact::Title(s) => s,
            DraftFact::Name(s) => s,
        }
    }
}

/// The facts a text asserts.
pub fn facts_of(text: &str) -> Vec<DraftFact> {
    let mut out = Vec::new();
    let arabic = base::arabic_numbers(text);
    let mut numbers: Vec<String> = base::numbers(text)
        .into_iter()
        // 一个、一项、一次: an article, not a count, unless written as 1.
        .filter(|n| n != "1" || arabic.contains("1"))
        .collect();
    numbers.sort();
    out.extend(numbers.into_iter().map(DraftFact::Number));
    out.extend(doc_numbers(text).map(DraftFact::DocNumber));
    out.extend(base::titles(text).map(|t| DraftFact::Title(t.to_owned())));
    out.extend(names(text).into_iter().map(DraftFact::Name));
    out
}

/// Titles a person's name stands next to in a 公文 (副市长陈立新,
/// 陈立新同志).
const PERSON_TITLES: [&str; 25] = [
    "省长",
    "市长",
    "县长",
    "区长",
    "镇长",
    "乡长",
    "局长",
    "主任",
    "书记",
    "处长",
    "科长",
    "部长",
    "主席",
    "秘书长",
    "委员",
    "组长",
    "院长",
    "校长",
    "所长",
    "队长",
    "助理",
    "同志",
    "联系人",
    "主持人",
    "负责人",
];

/// Endings of a place a 公文 names.
const PLACE_ENDINGS: [char; 10] = ['省', '市', '县', '区', '镇', '乡', '村', '州', '盟', '旗'];

/// The names a draft asserts, read conservatively: jieba tags many plain
/// words as names (严格执行, 师生, 最大化), so a name here is a word with an
/// organisation's ending, a place with an administrative ending, or a
/// person's name beside a title.
pub fn names(text: &str) -> Vec<String> {
    let jieba = gongwen_proofread::segmenter();
    let tags = jieba.tag(text, true);
    let mut out: Vec<String> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let word = tag.word;
        let chars = word.chars().count();
        // 县级政府, 各级部门: a level of government, not a named body.
        if chars < 2 || !word.chars().all(super::is_han) || word.contains(['和', '与', '及', '级'])
        {
            continue;
        }
        // 依法查处, 研究部署: dictionary words end like an organisation
        // with one character; a name jieba does not know, or tags as one,
        // is an organisation.
        let org = chars >= 3
            && base::ORG_ENDINGS.iter().any(|e| {
                word.ends_with(e)
                    && (e.chars().count() > 1 || tag.tag == "nt" || !jieba.has_word(word))
            });
        let place = tag.tag == "ns"
            && chars >= 3
            && word
                .chars()
                .last()
                .is_some_and(|c| PLACE_ENDINGS.contains(&c));
        // 联系人：张明 — the colon between them does not part them.
        let before = match i.checked_sub(1).and_then(|j| tags.get(j)) {
            Some(t) if t.word == "：" || t.word == ":" => i.checked_sub(2),
            _ => i.checked_sub(1),
        };
        let person = matches!(tag.tag, "nr" | "nrfg" | "nrt")
            && (2..=3).contains(&chars)
            && [before, Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| tags.get(j))
                .any(|t| PERSON_TITLES.iter().any(|p| t.word.ends_with(p)));
        if (org || place || person) && !out.iter().any(|w| w == word) {
            out.push(word.to_owned());
        }
        // 市长刘建华 where the user wrote 副市长刘建华: the person is known,
        // the office is not.
        if person
            && let Some(title) = i.checked_sub(1).and_then(|j| tags.get(j))
            && title.word.ends_with('长')
        {
            let deputy = i
                .checked_sub(2)
                .and_then(|j| tags.get(j))
                .is_some_and(|t| t.word.ends_with('副'))
                && !title.word.starts_with('副');
            let titled = format!("{}{}{word}", if deputy { "副" } else { "" }, title.word);
            if !out.contains(&titled) {
                out.push(titled);
            }
        }
    }
    for m in ZONE.find_iter(text) {
        // A zone's own name is the two characters before it (滨江新区).
        let before: Vec<char> = text[..m.start()].chars().rev().take(2).collect();
        let named = before.len() == 2
            && before
                .iter()
                .all(|c| super::is_han(*c) && !NOT_IN_ZONE_NAME.contains(*c));
        if named {
            let word = format!("{}{}{}", before[1], before[0], m.as_str());
            if !out.iter().any(|w| w.contains(&word)) {
                out.push(word);
            }
        }
    }
    for m in LEVELLED_ORG.find_iter(text) {
        let before: String = text[..m.start()].chars().rev().take(2).collect();
        let generic = before.starts_with(['各', '全', '本', '该']) || before == "关有";
        let word = m.as_str();
        let inside_known = out.iter().any(|w| w.contains(word));
        if !generic && !word.contains(['和', '与', '及', '级']) && !inside_known {
            out.push(word.to_owned());
        }
    }
    out
}

/// What the user's text holds, for judging a draft's facts.
pub struct Known<'a> {
    text: &'a str,
    doc_numbers: HashSet<String>,
    without_renmin: String,
    numbers: HashSet<String>,
    names: Vec<String>,
}

impl<'a> Known<'a> {
    pub fn new(text: &'a str) -> Known<'a> {
        Known {
            text,
            doc_numbers: doc_numbers(text).collect(),
            without_renmin: text.replace("人民", ""),
            numbers: base::numbers(text),
            names: names(text),
        }
    }

    pub fn holds(&self, fact: &DraftFact) -> bool {
        match fact {
            DraftFact::Number(n) => self.numbers.contains(n),
            DraftFact::DocNumber(s) => self.doc_numbers.contains(s),
            // A brief may name a document without its 《》.
            DraftFact::Title(s) => {
                self.text.contains(s.as_str())
                    || self
                        .text
                        .contains(s.trim_start_matches('《').trim_end_matches('》'))
            }
            DraftFact::Name(name) => self.knows_name(name),
        }
    }

    pub(crate) fn knows_name(&self, name: &str) -> bool {
        if let Some((title, person)) = split_titled(name) {
            // Not as the tail of 副市长…: a deputy is not the head. The
            // user may put the office after the name (刘建华副市长).
            let head = !title.starts_with('副');
            return self
                .text
                .match_indices(name)
                .any(|(at, _)| !head || !self.text[..at].ends_with('副'))
                || self.text.contains(&format!("{person}{title}"));
        }
        self.text.contains(name)
            || GENERIC_PREFIXES.iter().any(|p| name.starts_with(p))
            || self.without_renmin.contains(&name.replace("人民", ""))
            || self.names.iter().any(|k| abbreviates(name, k))
            || abbreviated_in(name, self.text)
    }
}

/// 副市长刘建华 → (副市长, 刘建华): a person with an office ending in 长.
fn split_titled(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix('副').unwrap_or(name);
    let title = PERSON_TITLES
        .iter()
        .filter(|t| t.ends_with('长') && rest.starts_with(*t))
        .max_by_key(|t| t.len())?;
    let split = name.len() - rest.len() + title.len();
    let person = &name[split..];
    (2..=3)
        .contains(&person.chars().count())
        .then(|| (&name[..split], person))
}

/// Shorter names a draft may use for `name`: without 人民, or without its
/// place (青禾市教育局 → 市教育局).
fn short_forms_of(name: &str) -> impl Iterator<Item = String> + '_ {
    let without = name.replace("人民", "");
    let local = PLACE_ENDINGS
        .iter()
        .filter_map(|end| name.find(*end).map(|at| name[at..].to_owned()))
        .filter(|rest| rest.chars().count() >= 3)
        .collect::<Vec<_>>();
    std::iter::once(without)
        .chain(local)
        .filter(move |s| s != name)
}

/// Two names for the same body: equal, one an abbreviation of the other,
/// or equal without 人民.
fn same_body(a: &str, b: &str) -> bool {
    a == b
        || abbreviates(a, b)
        || abbreviates(b, a)
        || a.replace("人民", "") == b.replace("人民", "")
}

/// `short` is an abbreviation of `long`: its characters in order, with the
/// same last character (市住建局 of 青禾市住房和城乡建设局).
pub(crate) fn abbreviates(short: &str, long: &str) -> bool {
    let s: Vec<char> = short.chars().collect();
    if s.len() < 3 || s.last() != long.chars().last().as_ref() {
        return false;
    }
    let mut rest = long.chars();
    s.iter().all(|c| rest.any(|l| l == *c))
}

/// `short` abbreviates a name written somewhere in `text`: its characters
/// in order within one phrase, ending where the name ends (市住建局 in
/// “青禾市住房和城乡建设局牵头”).
fn abbreviated_in(short: &str, text: &str) -> bool {
    const REACH: usize = 16;
    let s: Vec<char> = short.chars().collect();
    let Some(&last) = s.last() else { return false };
    if s.len() < 3 {
        return false;
    }
    let t: Vec<char> = text.chars().collect();
    t.iter()
        .enumerate()
        .filter(|(_, c)| **c == last)
        .any(|(end, _)| {
            let start = end.saturating_sub(REACH);
            let phrase: Vec<char> = t[start..end]
                .iter()
                .rev()
                .take_while(|c| !"，。；、：\n,;:（）()《》“”".contains(**c))
                .copied()
                .collect();
            // The characters before the last, in order, read backwards.
            let mut rest = phrase.into_iter();
            s[..s.len() - 1].iter().rev().all(|c| rest.any(|p| p == *c))
        })
}

/// The draft writes `phrase` (a name as the brief has it) shortened: some
/// run of three to eight characters of the draft, ending with the name's
/// last character, abbreviates it (住建局 for 市住房和城乡建设局).
fn written_short(phrase: &str, draft: &str) -> bool {
    let Some(last) = phrase.chars().last() else {
        return false;
    };
    let d: Vec<char> = draft.chars().collect();
    d.iter()
        .enumerate()
        .filter(|(_, c)| **c == last)
        .any(|(end, _)| {
            (3..=8).any(|len| {
                end + 1 >= len && {
                    let run: String = d[end + 1 - len..=end].iter().collect();
                    run.chars().all(super::is_han) && abbreviates(&run, phrase)
                }
            })
        })
}

/// The facts of `text` that `known` does not hold.
pub fn invented(text: &str, known: &Known<'_>) -> Vec<DraftFact> {
    let mut out: Vec<DraftFact> = facts_of(text)
        .into_iter()
        .filter(|f| !known.holds(f))
        .collect();
    // A number inside an invented 文号 or title is the same invention.
    let wholes: Vec<String> = out
        .iter()
        .filter(|f| matches!(f, DraftFact::DocNumber(_) | DraftFact::Title(_)))
        .map(|f| f.text().to_owned())
        .collect();
    out.retain(
        |f| !matches!(f, DraftFact::Number(n) if wholes.iter().any(|w| w.contains(n.as_str()))),
    );
    out
}

/// The brief's facts that `draft` (its whole text) does not carry.
pub fn dropped(brief: &str, draft: &str) -> Vec<DraftFact> {
    let numbers = base::numbers(draft);
    let names = names(draft);
    let phrase_of = |name: &str| -> String {
        // The name as the brief writes it, with the words before it that
        // jieba split off (市住房和 + 城乡建设局).
        let Some(at) = brief.find(name) else {
            return name.to_owned();
        };
        let before: String = brief[..at]
            .chars()
            .rev()
            .take_while(|c| super::is_han(*c))
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{before}{name}")
    };
    let numbers_of_draft: HashSet<String> = doc_numbers(draft).collect();
    let all = facts_of(brief);
    // 副市长刘建华 is kept when 刘建华 is: the draft may put the office after
    // the name.
    let titled = |n: &str| {
        all.iter().any(|f| match f {
            DraftFact::Name(m) => {
                m != n
                    && n.strip_suffix(m.as_str())
                        .is_some_and(|t| t.ends_with('长'))
            }
            _ => false,
        })
    };
    all.iter()
        .filter(|&f| match f {
            DraftFact::Name(name) if titled(name) => false,
            DraftFact::Number(n) => !numbers.contains(n),
            DraftFact::DocNumber(s) => !numbers_of_draft.contains(s),
            DraftFact::Title(s) => !draft.contains(s.as_str()),
            DraftFact::Name(name) => {
                let phrase = phrase_of(name);
                !draft.contains(name.as_str())
                    && !names
                        .iter()
                        .any(|d| same_body(d, name) || abbreviates(d, &phrase))
                    && !short_forms_of(name).any(|short| draft.contains(short.as_str()))
                    && !abbreviated_in(name, draft)
                    && !written_short(&phrase, draft)
            }
        })
        .cloned()
        .collect()
}

fn list(facts: &[DraftFact]) -> String {
    facts
        .iter()
        .map(DraftFact::text)
        .collect::<Vec<_>>()
        .join("、")
}

pub struct InventedFact;

static INVENTED: CheckInfo = CheckInfo {
    id: "invented-fact",
    name: "无中生有",
    scope: Scope::Paragraph,
    applies: Applies::All,
    summary: "稿中的数字、日期、金额、文号、《文件名》、机构和人名都出自要点或已填要素；可以说“根据有关规定”，不能编出是哪一个",
};

impl Check for InventedFact {
    fn info(&self) -> &'static CheckInfo {
        &INVENTED
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let known = Known::new(context.known);
        for (place, line) in super::lines(subject) {
            // A heading's own number (2. 加强培训) is numbering, not a fact.
            let invented = invented(super::unnumbered(line), &known);
            if !invented.is_empty() {
                out.push(fail(
                    &INVENTED,
                    place,
                    format!("要点和要素中没有的内容：{}", list(&invented)),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请追加老旧小区改造资金1200万元，用于剩余14个小区的管网改造。",
                wrong: "青禾市教育局关于追加老旧小区改造资金的请示\n根据《关于进一步推进城镇老旧小区改造工作的通知》（发改投资〔2021〕1375号）精神，2023年以来全市已改造小区86个。\n现申请追加老旧小区改造资金1200万元，用于剩余14个小区的管网改造。\n妥否，请批示。",
                right: "青禾市教育局关于追加老旧小区改造资金的请示\n按照上级有关要求，全市老旧小区改造工作有序推进，目前还有14个小区的管网亟待改造。\n为确保改造任务按期完成，现申请追加老旧小区改造资金1200万元，专项用于上述小区的管网改造。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Minutes,
                brief: "11月26日召开防汛工作会议，会议议定各区落实巡查责任。",
                wrong: "青禾市防汛工作会议纪要\n2023年11月26日，市政府在第三会议室召开防汛工作会议，副市长王建国主持。\n会议议定，各区要落实巡查责任。",
                right: "青禾市防汛工作会议纪要\n11月26日，召开防汛工作会议，研究部署防汛有关工作。现纪要如下：\n一、会议认为，当前防汛形势依然严峻，各有关单位要切实增强责任感和紧迫感，坚决克服麻痹思想和侥幸心理。\n二、会议议定，各区要落实巡查责任，确保责任到人，发现险情及时处置、及时报告。",
            },
        ]
    }
}

pub struct FactsKept;

static KEPT: CheckInfo = CheckInfo {
    id: "facts-kept",
    name: "遗漏要点事实",
    scope: Scope::Document,
    applies: Applies::Drafts,
    summary: "要点中的数字、日期、金额、文件名和单位名称都写进了稿子",
};

impl Check for FactsKept {
    fn info(&self) -> &'static CheckInfo {
        &KEPT
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let draft = format!(
            "{}\n{}\n{}",
            subject.title.unwrap_or(""),
            subject.body(),
            subject.elements
        );
        let dropped = dropped(context.brief, &draft);
        if !dropped.is_empty() {
            out.push(fail(
                &KEPT,
                Place::Whole,
                format!("稿中没有要点里的：{}", list(&dropped)),
            ));
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[Example {
            kind: DocKind::Request,
            brief: "申请拨付校舍维修资金800万元，涉及32所学校，9月底前完工。",
            wrong: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元。\n妥否，请批示。",
            right: "青禾市教育局关于拨付校舍维修资金的请示\n目前，32所学校的部分校舍老化，存在安全隐患。\n为保障师生安全，现申请拨付校舍维修资金800万元，确保维修工程9月底前完工。\n妥否，请批示。",
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_zone_is_a_name_and_a_zone_in_general_is_not() {
        let named = names("同意在滨江新区新建青禾市第三实验小学，纳入临港经济技术开发区规划。");
        assert!(named.contains(&"滨江新区".to_owned()), "{named:?}");
        assert!(
            named.contains(&"临港经济技术开发区".to_owned()),
            "{named:?}"
        );
        let general = names("推进各开发区建设，支持本新区企业发展，加快新区建设。");
        assert!(!general.iter().any(|n| n.ends_with('区')), "{general:?}");
    }

    #[test]
    fn abbreviations_and_groups_are_known() {
        let known = Known::new("青禾市住房和城乡建设局\n青禾市人民政府\n申请资金800万元");
        for name in ["市住建局", "市政府", "各区县人民政府", "有关部门"] {
            assert!(known.holds(&DraftFact::Name(name.to_owned())), "{name}");
        }
        assert!(!known.holds(&DraftFact::Name("市财政局".to_owned())));
        assert!(known.holds(&DraftFact::Number("800".to_owned())));
        assert!(!known.holds(&DraftFact::Number("900".to_owned())));
    }

    #[test]
    fn an_article_is_not_a_count() {
        let facts = facts_of("进一步做好一项工作，新建2个中心和三所学校");
        let numbers: Vec<&str> = facts
            .iter()
            .filter_map(|f| match f {
                DraftFact::Number(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(numbers, ["2", "3"]);
    }

    #[test]
    fn an_invented_doc_number_is_one_invention() {
        let known = Known::new("申请资金");
        let found = invented("根据《某通知》（发改投资〔2021〕1375号）", &known);
        assert!(found.iter().any(|f| matches!(f, DraftFact::DocNumber(_))));
        assert!(
            !found.iter().any(|f| matches!(f, DraftFact::Number(_))),
            "{found:?}"
        );
    }

    #[test]
    fn dropped_facts_are_named() {
        let gone = dropped("资金800万元，涉及32所学校", "现申请资金800万元");
        assert_eq!(gone, [DraftFact::Number("32".to_owned())]);
        assert!(dropped("市住房和城乡建设局牵头", "由市住建局牵头").is_empty());
    }

    #[test]
    fn a_deputy_is_not_made_the_head() {
        let brief = "5月12日市政府召开专题会议，副市长刘建华主持。";
        let known = Known::new(brief);
        let found = invented("市长刘建华主持召开专题会议。", &known);
        assert_eq!(found, [DraftFact::Name("市长刘建华".to_owned())]);
        assert!(invented("会议由副市长刘建华主持。", &known).is_empty());
        let contact = invented("联系人：张明。", &Known::new("请于下周三前函复。"));
        assert_eq!(contact, [DraftFact::Name("张明".to_owned())]);
        let after = Known::new("陈立新副市长主持专题会。");
        assert!(invented("副市长陈立新主持召开专题会议。", &after).is_empty());
        assert!(!invented("市长陈立新主持召开专题会议。", &after).is_empty());
        assert!(dropped(brief, "5月12日，刘建华副市长主持召开市政府专题会议。").is_empty());
    }
}
