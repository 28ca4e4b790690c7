//! Mending what the model wrote, before anyone sees it, by removing — never
//! by adding facts. A citation of a document the user never named
//! (根据《……》（……〔2026〕1号）要求) becomes 根据有关规定: a draft may say that
//! a basis exists, never invent which. A clause that carries another
//! invented fact goes, if the sentence stands without it; otherwise the
//! sentence goes. Each cut is recorded with its reason.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::rubric::{
    self, Context, Subject,
    facts::{DraftFact, Known, facts_of},
};

#[allow(clippy::unwrap_used)] // a constant pattern, covered by the tests
static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(根据|按照|依据|依照|遵照|贯彻落实|贯彻|落实|执行)",
        // The issuing body may come first: 根据国务院安委办《……》.
        r"((?:[\p{Han}]{0,12}?《[^》]{1,60}》(?:[（(][^）)]{0,40}[）)])?[、和及与]?)+)",
        r"(?:等)?(?:有关|相关)?(?:文件|法律法规|法律|法规|规定)?(?:的)?(?:有关|相关)?(要求|规定|精神|部署|安排)?"
    ))
    .unwrap()
});

/// A 文号 in brackets after a title (（文旅〔2026〕3号）): an aside.
#[allow(clippy::unwrap_used)] // a constant pattern, covered by the tests
static BRACKETED_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(][^（）()]{0,20}[〔\[［(（]\d{4}[〕\]］)）]\d+号[）)]").unwrap()
});

/// The asides of `pattern` in `text` whose facts of one sort (`sort`) the
/// user never gave go, each noted in `cut` as `what` it was; the sentence
/// says the same without them. `aside` tells a phrase that stands aside
/// from one that carries its sentence (judged with its sentence instead).
fn drop_unknown_asides(
    text: &str,
    known: &Known<'_>,
    cut: &mut Vec<String>,
    pattern: &Regex,
    sort: fn(&DraftFact) -> bool,
    aside: fn(&str) -> bool,
    what: &str,
) -> String {
    pattern
        .replace_all(text, |caps: &Captures<'_>| {
            let whole = &caps[0];
            let given = facts_of(whole)
                .iter()
                .filter(|f| sort(f))
                .all(|f| known.holds(f));
            if given || !aside(whole) {
                whole.to_owned()
            } else {
                cut.push(format!("“{whole}”（要点中没有这个{what}）"));
                String::new()
            }
        })
        .into_owned()
}

/// A 文号 the user never gave, in brackets, goes (你局《……的请示》收悉).
fn drop_unknown_doc_numbers(text: &str, known: &Known<'_>, cut: &mut Vec<String>) -> String {
    let sort = |f: &DraftFact| matches!(f, DraftFact::DocNumber(_));
    drop_unknown_asides(text, known, cut, &BRACKETED_NUMBER, sort, |_| true, "文号")
}

/// A date told as when something happens (于2026年8月27日, 在3月5日上午).
#[allow(clippy::unwrap_used)] // a constant pattern, covered by the tests
static DATE_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:于|在)?(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚上)?(?:\d{1,2}时)?")
        .unwrap()
});

/// A date the user never gave goes with its 于/在 (会议于2026年8月27日审查
/// 批准了… → 会议审查批准了…); one that carries the sentence (截至8月27日，)
/// is judged with its sentence.
fn drop_unknown_dates(text: &str, known: &Known<'_>, cut: &mut Vec<String>) -> String {
    let sort = |f: &DraftFact| matches!(f, DraftFact::Number(_));
    let aside = |p: &str| p.starts_with(['于', '在']);
    drop_unknown_asides(text, known, cut, &DATE_PHRASE, sort, aside, "日期")
}

/// A place told as where something is done (在滨江新区, 于临港开发区).
#[allow(clippy::unwrap_used)] // a constant pattern, covered by the tests
static ZONE_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:在|于)\p{{Han}}{{2}}(?:{})",
        crate::rubric::facts::ZONE_ENDINGS
    ))
    .unwrap()
});

/// A zone the user never named goes with its 在/于, as an unknown date
/// does: a small model takes it from an example about somewhere else
/// (同意在滨江新区新建… → 同意新建…).
fn drop_unknown_zones(text: &str, known: &Known<'_>, cut: &mut Vec<String>) -> String {
    let sort = |f: &DraftFact| matches!(f, DraftFact::Name(_));
    drop_unknown_asides(text, known, cut, &ZONE_PHRASE, sort, |_| true, "地方")
}

/// A citation whose documents the user named stays; any other becomes the
/// general form.
fn generalise_citations(text: &str, known: &Known<'_>, cut: &mut Vec<String>) -> String {
    CITATION
        .replace_all(text, |caps: &Captures<'_>| {
            let whole = &caps[0];
            let all_known = facts_of(&caps[2])
                .iter()
                .filter(|f| matches!(f, DraftFact::Title(_) | DraftFact::DocNumber(_)))
                .all(|f| known.holds(f));
            if all_known {
                return whole.to_owned();
            }
            let general = match &caps[1] {
                "根据" | "依据" | "依照" => "根据有关规定",
                "按照" | "遵照" | "执行" => "按照有关要求",
                // 为贯彻落实《……》精神 → 为贯彻落实上级有关部署: the verb
                // stays, so a 为 before it still reads.
                _ => "贯彻落实上级有关部署",
            };
            cut.push(format!("“{whole}”改为“{general}”（要点中没有这份文件）"));
            general.to_owned()
        })
        .into_owned()
}

/// The failures of one sentence on its own (copying and runaway lists are
/// judged on whole paragraphs).
fn sentence_failures(sentence: &str, context: &Context<'_>) -> Vec<rubric::Failure> {
    rubric::review_piece(
        &Subject::from_lines(None, rubric::unnumbered(sentence)),
        context,
    )
    .into_iter()
    .filter(|f| !matches!(f.check, "brief-copy" | "runaway"))
    .collect()
}

/// Clauses that only frame the sentence (who leads, on what basis, by what
/// means): the sentence reads the same without them.
const FRAMING: [&str; 10] = [
    "由", "经", "在", "按照", "根据", "依据", "通过", "会同", "联合", "同时",
];

/// Openings of a clause that leans on the next one (为了…，由于…，如果…):
/// a sentence that starts so cannot lose its later clauses.
const LEANING: [&str; 12] = [
    "为", "由于", "因为", "如果", "若", "虽然", "随着", "在", "根据", "按照", "通过", "经",
];

/// The sentence without its clauses that invent a fact: framing clauses
/// anywhere, and later clauses that only add detail (全年新设1.2万户，
/// 同比增长35% → 全年新设1.2万户). The first clause must stay and carry no
/// invention; what is left must pass.
fn without_invented_clauses(sentence: &str, context: &Context<'_>) -> Option<String> {
    let known = Known::new(context.known);
    let invents = |c: &str| !rubric::facts::invented(c, &known).is_empty();
    let framing = |c: &str| FRAMING.iter().any(|f| c.starts_with(f));
    // A short leading clause (其中，今年，) belongs to the one after it.
    let mut clauses: Vec<String> = Vec::new();
    for clause in sentence.split_inclusive('，') {
        let only = clauses.len() == 1;
        match clauses.last_mut() {
            Some(last) if only && last.chars().count() <= 5 => last.push_str(clause),
            _ => clauses.push(clause.to_owned()),
        }
    }
    let clauses: Vec<&str> = clauses.iter().map(String::as_str).collect();
    let first = *clauses.first()?;
    let end = sentence
        .chars()
        .last()
        .filter(|c| "。；！？".contains(*c))
        .unwrap_or('。');
    let kept: Vec<&str> = if !invents(first) {
        // Later clauses may go if the first one stands on its own.
        let stands = !LEANING.iter().any(|l| first.starts_with(l));
        if clauses[1..]
            .iter()
            .any(|c| invents(c) && !framing(c) && !stands)
        {
            return None;
        }
        clauses.iter().copied().filter(|c| !invents(c)).collect()
    } else if framing(first) {
        let rest: Vec<&str> = clauses[1..]
            .iter()
            .copied()
            .filter(|c| !invents(c))
            .collect();
        if rest.len() + 1 != clauses.len() || rest.is_empty() {
            return None;
        }
        rest
    } else {
        return None;
    };
    let mut text: String = kept.concat();
    // The sentence ends as it did, whichever clause is last now.
    while text.ends_with(['，', '。', '；', '！', '？']) {
        text.pop();
    }
    text.push(end);
    (text != sentence && !text.trim().is_empty() && sentence_failures(&text, context).is_empty())
        .then_some(text)
}

/// Mends a paragraph; returns what is left and what was cut, with why.
/// 我局向市教育局申请 in 市教育局's own 请示: the words 向市教育局 go, the
/// request stays.
fn drop_self_address(text: &str, context: &Context<'_>, cut: &mut Vec<String>) -> String {
    let (Some(issuer), Some(kind)) = (context.issuer, context.kind) else {
        return text.to_owned();
    };
    if !rubric::asks_up(kind) {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    for name in rubric::own_names(issuer.trim_end_matches("文件")) {
        let phrase = format!("向{name}");
        if out.contains(&phrase) {
            out = out.replace(&phrase, "");
            cut.push(format!("“{phrase}”（本单位不向自己行文）"));
        }
    }
    out
}

pub fn repair(paragraph: &str, context: &Context<'_>) -> (String, Vec<String>) {
    let known = Known::new(context.known);
    let mut cut = Vec::new();
    let text = generalise_citations(paragraph, &known, &mut cut);
    let text = drop_unknown_doc_numbers(&text, &known, &mut cut);
    let text = drop_unknown_dates(&text, &known, &mut cut);
    let text = drop_unknown_zones(&text, &known, &mut cut);
    let text = drop_self_address(&text, context, &mut cut);
    let mut kept = String::new();
    for sentence in text.split_inclusive(['。', '；', '！', '？']) {
        let failures = sentence_failures(sentence, context);
        let Some(first) = failures.first() else {
            kept.push_str(sentence);
            continue;
        };
        let only_facts = failures.iter().all(|f| f.check == "invented-fact");
        match only_facts
            .then(|| without_invented_clauses(sentence, context))
            .flatten()
        {
            Some(mended) => {
                cut.push(format!(
                    "“{}”删去了编造内容的分句（{}）",
                    sentence.trim(),
                    first.message
                ));
                kept.push_str(&mended);
            }
            None => cut.push(format!("“{}”（{}）", sentence.trim(), first.message)),
        }
    }
    // A heading whose words were cut has nothing left to head.
    if rubric::unnumbered(&kept).trim().is_empty() {
        kept.clear();
    }
    (kept.trim().to_owned(), cut)
}

#[cfg(test)]
mod tests {
    use gongwen_domain::DocKind;

    use super::*;

    fn context(known: &str) -> Context<'_> {
        Context {
            kind: Some(DocKind::Notice),
            brief: known,
            known,
            issuer: None,
        }
    }

    #[test]
    fn an_unknown_citation_becomes_the_general_form() {
        let brief = "开展2026年安全生产大检查，检查时间为4月1日至5月31日。";
        let (text, cut) = repair(
            "为全面加强安全生产监管，根据《国务院安委会办公室关于印发2026年安全生产大检查方案的通知》（安委办〔2026〕1号）要求，决定开展2026年安全生产大检查。",
            &context(brief),
        );
        assert_eq!(
            text,
            "为全面加强安全生产监管，根据有关规定，决定开展2026年安全生产大检查。"
        );
        assert_eq!(cut.len(), 1);
        let (text, _) = repair(
            "各单位要按照《安全生产大检查方案》要求，于4月1日前制定计划。",
            &context(brief),
        );
        assert_eq!(text, "各单位要按照有关要求，于4月1日前制定计划。");
        let (text, _) = repair(
            "根据国务院安委办《关于开展综合评估工作的通知》要求，于4月1日开展检查。",
            &context(brief),
        );
        assert_eq!(text, "根据有关规定，于4月1日开展检查。");
    }

    #[test]
    fn the_general_form_swallows_the_whole_citation() {
        let (text, _) = repair(
            "根据《某市城市道路建设管理办法》等相关规定，为加快推进项目实施，特致函贵局。",
            &context("商请提供规划资料。"),
        );
        assert_eq!(text, "根据有关规定，为加快推进项目实施，特致函贵局。");
    }

    #[test]
    fn an_invented_doc_number_in_brackets_goes() {
        let brief = "批复市文化和旅游局关于举办2026年旅游文化节的请示：同意10月1日至7日举办。";
        let (text, cut) = repair(
            "你局《关于举办2026年旅游文化节的请示》（文旅〔2026〕3号）收悉。",
            &context(brief),
        );
        assert_eq!(text, "你局《关于举办2026年旅游文化节的请示》收悉。");
        assert_eq!(cut.len(), 1);
    }

    #[test]
    fn an_invented_zone_goes_and_the_sentence_stays() {
        let brief = "同意市教育局关于设立青禾市第三实验小学的请示，学校规划办学规模36个班。";
        let (text, cut) = repair(
            "一、同意在滨江新区新建青禾市第三实验小学，办学规模为36个班。",
            &context(brief),
        );
        assert_eq!(text, "一、同意新建青禾市第三实验小学，办学规模为36个班。");
        assert_eq!(cut, ["“在滨江新区”（要点中没有这个地方）"]);
        // One the user named stays.
        let (text, cut) = repair(
            "学校建在滨江新区。",
            &context("在滨江新区设立青禾市第三实验小学。"),
        );
        assert_eq!(text, "学校建在滨江新区。");
        assert!(cut.is_empty(), "{cut:?}");
    }

    #[test]
    fn an_invented_date_goes_and_the_sentence_stays() {
        let brief = "第十八届人民代表大会第六次会议审查批准了2026年县级预算。";
        let (text, cut) = repair(
            "第十八届人民代表大会第六次会议于2026年8月27日审查批准了2026年县级预算。",
            &context(brief),
        );
        assert_eq!(
            text,
            "第十八届人民代表大会第六次会议审查批准了2026年县级预算。"
        );
        assert_eq!(cut.len(), 1);
        let known = "3月12日上午召开会议。";
        let line = "会议于3月12日上午召开。";
        assert_eq!(repair(line, &context(known)).0, line);
    }

    #[test]
    fn a_request_does_not_address_its_own_issuer() {
        let brief = "申请拨付校舍维修资金800万元。";
        let context = Context {
            kind: Some(DocKind::Request),
            brief,
            known: brief,
            issuer: Some("青禾市教育局"),
        };
        let (text, cut) = repair("我局向市教育局申请拨付校舍维修资金800万元。", &context);
        assert_eq!(text, "我局申请拨付校舍维修资金800万元。");
        assert_eq!(cut.len(), 1);
    }

    #[test]
    fn an_unknown_guideline_keeps_its_verb() {
        let (text, cut) = repair(
            "为贯彻落实《国务院办公厅关于深化医疗服务价格改革的指导意见》精神，进一步完善我市医疗保障支付方式。",
            &context("深化医疗保障支付方式改革。"),
        );
        assert_eq!(
            text,
            "为贯彻落实上级有关部署，进一步完善我市医疗保障支付方式。"
        );
        assert_eq!(cut.len(), 1);
    }

    #[test]
    fn a_known_citation_stays() {
        let brief = "贯彻《青禾市防汛条例》，做好汛期值守。";
        let line = "根据《青禾市防汛条例》规定，各单位要做好汛期值守。";
        assert_eq!(repair(line, &context(brief)), (line.to_owned(), Vec::new()));
    }

    #[test]
    fn an_invented_clause_goes_and_the_sentence_stays() {
        let brief = "4月1日开始检查，6月10日前报送市应急管理局。";
        let (text, cut) = repair(
            "检查自4月1日开始，由市住建局牵头，各单位于6月10日前报送市应急管理局。",
            &context(brief),
        );
        assert_eq!(
            text,
            "检查自4月1日开始，各单位于6月10日前报送市应急管理局。"
        );
        assert_eq!(cut.len(), 1);
    }

    #[test]
    fn a_clause_that_carries_the_point_takes_its_sentence_along() {
        let brief = "资金800万元，涉及32所学校。";
        let (text, _) = repair(
            "资金800万元用于32所学校。其中，15所学校将进行基础设施改造，包括修缮房屋等；",
            &context(brief),
        );
        assert_eq!(text, "资金800万元用于32所学校。");
    }

    #[test]
    fn a_trailing_detail_that_invents_goes() {
        let brief = "新设市场主体1.2万户。";
        let (text, _) = repair("全年新设市场主体1.2万户，同比增长35%。", &context(brief));
        assert_eq!(text, "全年新设市场主体1.2万户。");
        // A leaning first clause keeps its sentence whole or not at all.
        let (text, _) = repair(
            "为新设市场主体1.2万户，全市投入资金500万元。",
            &context(brief),
        );
        assert_eq!(text, "");
    }

    #[test]
    fn a_sentence_whose_point_is_invented_goes() {
        let brief = "4月1日开始检查。";
        let (text, cut) = repair("检查自4月1日开始。全年共检查企业3500家。", &context(brief));
        assert_eq!(text, "检查自4月1日开始。");
        assert!(cut[0].contains("3500"));
    }
}
