//! Drafting a 文种 from the user's brief.
//!
//! The program owns the document: the title's frame ((发文机关)关于……的
//! 文种), the 主送 line, the lead-in before numbered items, the numbering and
//! the closing line come from the elements and the 文种. The model writes
//! only what needs prose — the title's 事由, the opening paragraph, the
//! items or paragraphs of the body — each as a short continuation of a page
//! that already holds one or two finished documents of the same 文种
//! (`examples`, `page`). Each piece is checked by the rubric as it comes:
//! sentences that invent a fact or talk about the task are cut, a piece
//! that still fails is written again (sampled, ranked by the rubric and then
//! by the model's own likelihood). A draft that still fails a hard check
//! is not offered: the user gets the 文种's skeleton with the brief's
//! facts slotted in, and is told why.

pub mod examples;
mod page;
pub(crate) mod repair;

use gongwen_domain::{
    DocKind, Document, Element, ElementIssue, Presence, WrittenDate, check_elements, structure,
    to_plain_text,
};
use gongwen_proofread::Finding;
use serde::Serialize;

use crate::{
    AssistError, Completed, Completion, Finish, Flow, Mode, ModelError, Prompt, TextModel, prompts,
    rubric::{self, Context, Failure, Subject},
};
pub use examples::{Exemplar, ExemplarSource};

#[derive(Debug, Clone, PartialEq)]
pub struct DraftRequest {
    pub kind: DocKind,
    /// The user's 要点: what the document must say.
    pub brief: String,
    /// Elements already filled in; their body is ignored.
    pub elements: Document,
    /// 成文日期 when the elements carry none (the caller's today).
    pub date: Option<WrittenDate>,
    /// Sample from the first try (a new draft each time); otherwise the
    /// first try is greedy and repeatable (tests, benchmarks).
    pub creative: bool,
    /// The most tokens the model may write for the whole draft, retries
    /// included.
    pub max_tokens: u32,
    /// The examples to continue from; none = the built-in ones closest to
    /// the brief.
    pub examples: Option<Vec<Exemplar>>,
}

/// Enough for a two-page body with a retry or two.
pub const DRAFT_MAX_TOKENS: u32 = 1200;

/// How many examples a page holds: two teach the form; more cost time.
pub const EXAMPLES_PER_DRAFT: usize = 2;

impl DraftRequest {
    pub fn new(kind: DocKind, brief: &str) -> DraftRequest {
        DraftRequest {
            kind,
            brief: brief.to_owned(),
            elements: Document::new(kind),
            date: None,
            creative: true,
            max_tokens: DRAFT_MAX_TOKENS,
            examples: None,
        }
    }

    /// The 发文机关 as a name: the 标志 without 文件, else the 署名.
    pub fn issuer(&self) -> Option<String> {
        self.elements
            .issuer_marks
            .first()
            .map(|m| m.trim_end_matches("文件").to_owned())
            .or_else(|| self.elements.signature.first().cloned())
            .filter(|s| !s.is_empty())
    }

    /// The examples this request drafts from.
    pub fn chosen_examples(&self) -> Vec<Exemplar> {
        self.examples
            .clone()
            .unwrap_or_else(|| examples::pick(self.kind, &self.brief, EXAMPLES_PER_DRAFT))
    }

    /// Everything the user supplied, as text: where every fact of the
    /// draft must come from.
    pub fn known(&self) -> String {
        let mut doc = self.elements.clone();
        doc.body.clear();
        if doc.date.is_none() {
            doc.date = self.date;
        }
        let mut known = to_plain_text(&doc);
        if let Some(issuer) = self.issuer() {
            known.push('\n');
            known.push_str(&issuer);
        }
        known.push('\n');
        known.push_str(&self.brief);
        // 今年/明年/去年 in the brief name a year the draft may write out.
        if let Some(date) = doc.date {
            for (word, offset) in [("今年", 0), ("明年", 1), ("去年", -1)] {
                if self.brief.contains(word) {
                    known.push_str(&format!("\n{}年", i32::from(date.year) + offset));
                }
            }
        }
        known
    }
}

/// What the window and the CLI see while a draft is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftEvent<'a> {
    /// More text, as the model or the program writes it.
    Text(&'a str),
    /// What was shown since the last reset is taken back (a piece failed
    /// the checks and is written again, or sentences were cut): show
    /// `shown` instead — the draft as accepted so far. `why` names the
    /// problem of a failed piece, or is empty.
    Reset { shown: &'a str, why: &'a str },
}

/// An example as the result names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemplarUsed {
    pub source: ExemplarSource,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drafted {
    pub mode: Mode,
    pub document: Document,
    /// The whole document as plain text, as proofread.
    pub text: String,
    pub findings: Vec<Finding>,
    pub element_issues: Vec<ElementIssue>,
    /// What the rubric finds in the draft offered (empty = passes).
    pub rubric: Vec<Failure>,
    /// The same, one line each, for a reader.
    pub structure_problems: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// The examples the draft was written from.
    pub examples: Vec<ExemplarUsed>,
    /// Sentences of the model's that were cut before anyone saw them, and
    /// why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Pieces the model wrote, retries included.
    pub attempts: usize,
    /// The model's text as written, every attempt, before any cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// A reasoning model's thinking, never part of the draft.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub thinking: String,
    pub generated_tokens: usize,
    pub tokens_per_second: f64,
}

/// Checks whose failure means the draft must not be offered as the model's
/// (the others are named to the user beside the draft).
fn is_hard(check: &str) -> bool {
    !matches!(check, "facts-kept" | "length")
}

/// No model: the type's skeleton with placeholders, around the user's
/// elements.
pub fn skeleton(request: &DraftRequest) -> Drafted {
    let mut drafted = skeleton_with(request, None, &[]);
    drafted
        .notices
        .push("未使用模型：以下是该文种的结构模板，【】处请按实际内容填写".to_owned());
    drafted
}

/// The skeleton, with the brief's sentences slotted in where the skeleton
/// has its matters (numbered items, or the paragraph between the opening
/// and the closing), and a title if one was written.
fn skeleton_with(request: &DraftRequest, title: Option<&str>, facts: &[String]) -> Drafted {
    let kind = request.kind;
    let guide = prompts::guide(kind);
    let skeleton: Vec<&str> = guide
        .map(|g| g.skeleton.trim().lines().collect())
        .unwrap_or_else(|| vec!["【正文】"]);
    let mut body: Vec<String> = Vec::new();
    if facts.is_empty() || skeleton.len() < 2 {
        body.extend(skeleton.iter().map(|l| (*l).to_owned()));
    } else {
        let closing = guide.is_some_and(|g| {
            g.closing
                .iter()
                .any(|c| skeleton.last() == Some(&c.as_str()))
        });
        let end = if closing {
            skeleton.len() - 1
        } else {
            skeleton.len()
        };
        body.push(skeleton[0].to_owned());
        let numbered = skeleton[1..end].iter().any(|l| is_level_one(l));
        if numbered {
            for (i, fact) in facts.iter().enumerate() {
                body.push(format!("{}、{fact}", chinese_numeral(i + 1)));
            }
        } else {
            body.push(facts.concat());
        }
        if closing {
            body.push(skeleton[skeleton.len() - 1].to_owned());
        }
    }
    let mut doc = base_document(request);
    if doc.title.is_empty() {
        doc.title = title.map(str::to_owned).unwrap_or_else(|| {
            let issuer = request.issuer().unwrap_or_default();
            match kind {
                DocKind::Minutes => format!("{issuer}【会议名称】纪要"),
                DocKind::Order => format!("{issuer}令"),
                _ => format!("{issuer}关于【事由】的{}", prompts::title_word(kind)),
            }
        });
    }
    if doc.recipients.is_empty() && kind.presence(Element::Recipients) == Presence::Required {
        doc.recipients.push("【主送机关】".to_owned());
    }
    doc.body = structure(&format!("{}\n{}", doc.title, body.join("\n")), Some(kind))
        .document
        .body;
    let mut drafted = finish(doc, Mode::Skeleton, request);
    // A frame to fill in: its 【】 and the brief it holds are the point, not
    // failures to report.
    drafted.rubric.clear();
    drafted.structure_problems.clear();
    drafted
}

/// The brief's sentences, each ending in 。, for the skeleton.
fn brief_sentences(brief: &str) -> Vec<String> {
    brief
        .split_inclusive(['。', '；', '\n'])
        .map(|s| s.trim().trim_end_matches(['；', '\n']).trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.ends_with(['。', '！', '？']) {
                s.to_owned()
            } else {
                format!("{s}。")
            }
        })
        .collect()
}

/// Drafts with the model, streaming to `on_event`. If the model is not
/// there or its worker dies, the skeleton comes back with a notice.
pub fn draft(
    request: &DraftRequest,
    model: &dyn TextModel,
    on_event: &mut dyn FnMut(DraftEvent<'_>) -> Flow,
) -> Result<Drafted, AssistError> {
    let examples = request.chosen_examples();
    let known = request.known();
    let issuer = request.issuer();
    let context = Context {
        kind: Some(request.kind),
        brief: &request.brief,
        known: &known,
        issuer: issuer.as_deref(),
    };
    let mut writer = Writer {
        model,
        on_event,
        page: page::head(
            &examples,
            &request.brief,
            page::Shape {
                issuer: issuer.is_some(),
                recipients: !request.elements.recipients.is_empty(),
            },
        ),
        shown: String::new(),
        creative: request.creative,
        tokens_left: request.max_tokens as i64,
        attempts: 0,
        generated: 0,
        generation_ms: 0.0,
        stopped: false,
        raw: String::new(),
        thinking: String::new(),
        removed: Vec::new(),
    };
    let written = match writer.write_document(request, &context) {
        Ok(written) => written,
        Err(e) if e.is_unavailable() => {
            let mut drafted = skeleton(request);
            drafted.notices.insert(0, format!("模型不可用（{e}）"));
            return Ok(drafted);
        }
        Err(e) => return Err(e.into()),
    };
    let mut drafted = finish(document_of(request, &written), Mode::Model, request);
    let hard: Vec<&Failure> = drafted.rubric.iter().filter(|f| is_hard(f.check)).collect();
    if !writer.stopped && !hard.is_empty() {
        let why: Vec<String> = hard
            .iter()
            .map(|f| format!("{}：{}", rubric::name_of(f.check), f.message))
            .collect();
        let title = (!drafted
            .rubric
            .iter()
            .any(|f| f.place == rubric::Place::Title))
        .then(|| written.title.clone());
        drafted = skeleton_with(request, title.as_deref(), &brief_sentences(&request.brief));
        drafted.notices.push(format!(
            "模型稿未通过检查（{}），改为给出结构模板，已填入要点中的事实，【】处请补全",
            why.join("；")
        ));
    }
    if writer.stopped {
        drafted
            .notices
            .push("已停止：以下是停止前生成的部分".to_owned());
    }
    if request.elements.recipients.is_empty()
        && request.kind.presence(Element::Recipients) == Presence::Required
    {
        drafted
            .notices
            .push("主送机关未填写，请在要素中补充".to_owned());
    }
    drafted.examples = examples
        .iter()
        .map(|e| ExemplarUsed {
            source: e.source.clone(),
            title: e.title.clone(),
        })
        .collect();
    drafted.removed = writer.removed;
    drafted.attempts = writer.attempts as usize;
    drafted.raw = Some(writer.raw);
    drafted.thinking = writer.thinking;
    drafted.generated_tokens = writer.generated;
    drafted.tokens_per_second = if writer.generation_ms > 0.0 {
        writer.generated as f64 * 1000.0 / writer.generation_ms
    } else {
        0.0
    };
    Ok(drafted)
}

/// What the writer produced: the title and the body lines.
struct Written {
    title: String,
    body: Vec<String>,
}

/// One piece the model wrote.
struct Piece {
    text: String,
    /// Mean log-probability per token: the model's own confidence.
    confidence: f64,
}

struct Writer<'a> {
    model: &'a dyn TextModel,
    on_event: &'a mut dyn FnMut(DraftEvent<'_>) -> Flow,
    /// The page the model continues: examples, brief, the draft so far.
    page: String,
    /// The draft as accepted so far, as the user sees it.
    shown: String,
    creative: bool,
    tokens_left: i64,
    attempts: u32,
    generated: usize,
    /// Time spent writing tokens (prompt time excluded), for the rate.
    generation_ms: f64,
    stopped: bool,
    raw: String,
    thinking: String,
    removed: Vec<String>,
}

/// Tries at each piece: the first, then sampled ones.
const TRIES: u32 = 3;

impl Writer<'_> {
    /// Program-written text: onto the page and the screen.
    fn write(&mut self, text: &str) {
        self.page.push_str(text);
        self.shown.push_str(text);
        if !self.stopped && (self.on_event)(DraftEvent::Text(text)) == Flow::Stop {
            self.stopped = true;
        }
    }

    /// The screen goes back to the accepted draft; `why` says what was
    /// wrong with what is taken back (empty: nothing, it only changed).
    fn reset(&mut self, why: &str) {
        let event = DraftEvent::Reset {
            shown: &self.shown,
            why,
        };
        if !self.stopped && (self.on_event)(event) == Flow::Stop {
            self.stopped = true;
        }
    }

    fn out_of_budget(&self) -> bool {
        self.stopped || self.tokens_left <= 16
    }

    /// The model continues the page after `prefix` (shown first).
    fn continue_page(
        &mut self,
        prefix: &str,
        stop: Vec<String>,
        max_tokens: u32,
        try_no: u32,
    ) -> Result<Piece, ModelError> {
        if !prefix.is_empty() && (self.on_event)(DraftEvent::Text(prefix)) == Flow::Stop {
            self.stopped = true;
        }
        let completion = Completion {
            prompt: Prompt::Continue(format!("{}{prefix}", self.page)),
            max_tokens: (max_tokens as i64).min(self.tokens_left).max(1) as u32,
            creative: self.creative || try_no > 0,
            seed: self.attempts,
            stop,
            full_batches: true,
            prose: true,
        };
        self.attempts += 1;
        let on_event = &mut self.on_event;
        let stopped = &mut self.stopped;
        let done: Completed = self.model.complete(&completion, &mut |piece| {
            if *stopped {
                return Flow::Stop;
            }
            let flow = on_event(DraftEvent::Text(piece));
            if flow == Flow::Stop {
                *stopped = true;
            }
            flow
        })?;
        if done.finish == Finish::Stopped {
            self.stopped = true;
        }
        self.tokens_left -= done.generated_tokens as i64;
        self.generated += done.generated_tokens;
        if done.tokens_per_second > 0.0 {
            self.generation_ms += done.generated_tokens as f64 * 1000.0 / done.tokens_per_second;
        }
        self.raw.push_str(prefix);
        self.raw.push_str(&done.text);
        self.raw.push('\n');
        self.thinking.push_str(&done.thinking);
        let confidence = if done.generated_tokens > 0 {
            done.logprob / done.generated_tokens as f64
        } else {
            f64::NEG_INFINITY
        };
        Ok(Piece {
            text: format!("{prefix}{}", done.text),
            confidence,
        })
    }

    fn write_document(
        &mut self,
        request: &DraftRequest,
        context: &Context<'_>,
    ) -> Result<Written, ModelError> {
        let title = if request.elements.title.trim().is_empty() {
            self.title(request, context)?
        } else {
            request.elements.title.trim().to_owned()
        };
        self.write(&format!("{title}\n"));
        self.write(&page::recipients_line(&request.elements.recipients));
        if self.stopped {
            return Ok(Written {
                title,
                body: Vec::new(),
            });
        }
        let body = self.body(request, context, &title)?;
        for line in &body {
            self.write(&format!("{line}\n"));
        }
        Ok(Written { title, body })
    }

    /// Up to `tries` candidates from `attempt`, stopping at the first with
    /// no problem; the best one (fewest problems, then the model's own
    /// confidence). After a failed candidate the screen goes back to the
    /// accepted draft, saying why.
    fn best_of<T>(
        &mut self,
        tries: u32,
        mut attempt: impl FnMut(&mut Self, u32) -> Result<Candidate<T>, ModelError>,
    ) -> Result<Option<Candidate<T>>, ModelError> {
        let mut best: Option<Candidate<T>> = None;
        for try_no in 0..tries {
            if best.is_some() && self.out_of_budget() {
                break;
            }
            let candidate = attempt(self, try_no)?;
            let done = candidate.problems.is_empty() || self.stopped;
            let why = candidate.problems.first().cloned().unwrap_or_default();
            if best.as_ref().is_none_or(|b| candidate.beats(b)) {
                best = Some(candidate);
            }
            if done {
                break;
            }
            self.reset(&why);
        }
        self.reset("");
        Ok(best)
    }

    /// The title: the program writes the issuer and 关于, the model the
    /// 事由; 命令 titles are the issuer's name and 令.
    fn title(
        &mut self,
        request: &DraftRequest,
        context: &Context<'_>,
    ) -> Result<String, ModelError> {
        let kind = request.kind;
        let issuer = request.issuer().unwrap_or_default();
        let word = prompts::title_word(kind);
        if kind == DocKind::Order {
            return Ok(format!("{issuer}{word}"));
        }
        let prefix = if kind == DocKind::Minutes {
            issuer.clone()
        } else {
            format!("{issuer}关于")
        };
        let best = self.best_of(TRIES - 1, |w, try_no| {
            let piece = w.continue_page(&prefix, vec!["\n".to_owned()], 48, try_no)?;
            let title = normalise_title(&piece.text, word);
            let problems = messages(rubric::review_title(&title, context));
            Ok(Candidate::new(title, problems, &piece))
        })?;
        Ok(best.map(|c| c.value).unwrap_or_default())
    }

    /// The body: the model writes it on from the 主送 line; the program
    /// cuts the sentences the rubric rejects, writes the lead-in before
    /// numbered items, numbers the headings in order and writes the
    /// closing. A body that leaves the draft failing is written again.
    fn body(
        &mut self,
        request: &DraftRequest,
        context: &Context<'_>,
        title: &str,
    ) -> Result<Vec<String>, ModelError> {
        let mut stop = page::stops();
        stop.extend(CLOSING_STARTS.iter().map(|s| (*s).to_owned()));
        let best = self.best_of(TRIES, |w, try_no| {
            let piece = w.continue_page("", stop.clone(), 800, try_no)?;
            let tidied = tidy_body(&piece.text, request.kind, context);
            let mut body = tidied.lines.clone();
            if let Some(c) = closing_for(request, tidied.closing.as_deref()) {
                body.push(c);
            }
            let written = Written {
                title: title.to_owned(),
                body,
            };
            // The title is settled: only the body's failures count here.
            let failures: Vec<Failure> = review_written(request, &written, context)
                .into_iter()
                .filter(|f| f.place != rubric::Place::Title && f.check != "title-form")
                .collect();
            let weight = weight(
                &failures,
                request,
                &written,
                tidied.cut.len(),
                tidied.kept_share,
            );
            let mut candidate =
                Candidate::new((written.body, tidied.cut), messages(failures), &piece);
            candidate.weight = weight;
            Ok(candidate)
        })?;
        Ok(match best {
            Some(c) => {
                let (body, cut) = c.value;
                self.removed.extend(cut);
                body
            }
            None => Vec::new(),
        })
    }
}

/// How bad a candidate is, for ranking: a hard failure outweighs any
/// number of soft ones; each fact of the brief left out and each sentence
/// cut counts; a body that lost much of what the model wrote is thin.
fn weight(
    failures: &[Failure],
    request: &DraftRequest,
    written: &Written,
    cut: usize,
    kept_share: f32,
) -> usize {
    let hard = failures.iter().filter(|f| is_hard(f.check)).count();
    let text = format!("{}\n{}", written.title, written.body.join("\n"));
    let dropped = rubric::facts::dropped(&request.brief, &text).len();
    let thin = usize::from(kept_share < 0.6);
    hard * 100 + dropped * 3 + cut + thin * 3
}

/// One candidate for a piece of the draft.
struct Candidate<T> {
    value: T,
    problems: Vec<String>,
    /// How bad it is (`weight`); by default its number of problems.
    weight: usize,
    confidence: f64,
}

impl<T> Candidate<T> {
    fn new(value: T, problems: Vec<String>, piece: &Piece) -> Candidate<T> {
        Candidate {
            value,
            weight: problems.len(),
            problems,
            confidence: piece.confidence,
        }
    }

    fn beats(&self, other: &Candidate<T>) -> bool {
        (self.weight, -self.confidence) < (other.weight, -other.confidence)
    }
}

fn messages(failures: Vec<Failure>) -> Vec<String> {
    failures
        .into_iter()
        .map(|f| format!("{}：{}", rubric::name_of(f.check), f.message))
        .collect()
}

/// A brief's deadline for an answer: 请于4月15日前函复.
#[allow(clippy::unwrap_used)] // a constant pattern, covered by the tests
static REPLY_BY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"请(?:于|在)([^，。；、]{1,16}?)(?:前|之前)(?:函复|回复|复函|反馈|答复)")
        .unwrap()
});

/// Where a model's closing begins: the program writes the closing itself.
const CLOSING_STARTS: [&str; 15] = [
    "特此",
    "妥否",
    "当否",
    "以上请示",
    "此复",
    "现提请审议",
    "请予函复",
    "盼复",
    "请审议",
    "请批准",
    "请予批准",
    "请审批",
    "请予审批",
    "请批示",
    "恳请",
];

/// The title the model's continuation gives: its first line, up to the
/// first 的＋文种, with that ending if the model left it off.
fn normalise_title(text: &str, word: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    // A 纪要 is named by its meeting: 某市人民政府老旧小区改造专题会议纪要.
    let joined;
    let line = match line.split_once("关于") {
        Some((issuer, rest)) if word == "纪要" => {
            joined = format!("{issuer}{rest}");
            joined.as_str()
        }
        _ => line,
    };
    let line = line.trim_end_matches(|c: char| "。，；：！ ".contains(c));
    let ending = if word == "纪要" || word == "令" {
        word.to_owned()
    } else {
        format!("的{word}")
    };
    if let Some(at) = line.find(&ending) {
        return line[..at + ending.len()].to_owned();
    }
    if line.ends_with(word) {
        return line.to_owned();
    }
    // The model named another 文种 (……的通告 for a 公告): the 文种 is ours.
    let other = DocKind::ALL
        .iter()
        .filter_map(|k| line.find(&format!("的{}", prompts::title_word(*k))))
        .min();
    match other {
        Some(at) => format!("{}{ending}", &line[..at]),
        None => format!("{line}{ending}"),
    }
}

/// The opening with the 文种's lead-in: a half-written lead-in of the
/// model's is replaced.
fn with_lead_in(opening: &str, lead_in: &str) -> String {
    if lead_in.is_empty() {
        return opening.to_owned();
    }
    let mut o = opening.trim_end().to_owned();
    if let Some(at) = ["现将", "现就", "特将"]
        .iter()
        .filter_map(|w| o.rfind(w))
        .max()
    {
        o.truncate(at);
    }
    let o = o.trim_end_matches(['，', '：', '；']);
    if o.ends_with(['。', '！', '？']) {
        format!("{o}{lead_in}")
    } else {
        format!("{o}。{lead_in}")
    }
}

/// The closing line: the model's own if it chose one of the 文种's, else
/// the customary one (a 函 answering a letter closes 特此函复).
fn closing_for(request: &DraftRequest, model: Option<&str>) -> Option<String> {
    let guide = prompts::guide(request.kind)?;
    if request.kind == DocKind::Letter {
        // A letter that asks for an answer by a date closes with the date.
        if let Some(by) = REPLY_BY.captures(&request.brief) {
            return Some(format!("请于{}前函复。", &by[1]));
        }
        if ["答复", "回复", "复函", "来函", "收悉"]
            .iter()
            .any(|w| request.brief.contains(w))
        {
            return Some("特此函复。".to_owned());
        }
    }
    if let Some(c) = model.and_then(|m| guide.closing.iter().find(|c| c.as_str() == m)) {
        return Some(c.clone());
    }
    guide.closing.first().cloned()
}

/// Cuts a paragraph to its last whole sentence (a stop string may end the
/// model mid-sentence); a heading keeps its words.
fn complete_sentences(line: &str) -> String {
    let line = line.trim();
    if line.ends_with(['。', '！', '？', '：', '；']) || is_heading_only(line) {
        return line.to_owned();
    }
    match line.rfind(['。', '！', '？', '；']) {
        Some(at) => {
            let end = at + line[at..].chars().next().map_or(0, char::len_utf8);
            line[..end].trim_end_matches('；').to_owned()
                + if line[..end].ends_with('；') {
                    "。"
                } else {
                    ""
                }
        }
        None if line.chars().count() >= 8 => format!("{}。", line.trim_end_matches(['，', '、'])),
        None => String::new(),
    }
}

/// A heading line with no sentence: 一、总体要求.
fn is_heading_only(line: &str) -> bool {
    let bare = rubric::unnumbered(line);
    bare.len() != line.len() && bare.chars().count() <= 20 && !bare.contains(['，', '。'])
}

/// A body as the program makes it from the model's text.
struct Tidied {
    lines: Vec<String>,
    /// The model's own closing line, if it wrote one of the 文种's.
    closing: Option<String>,
    /// Sentences and lines cut, with why.
    cut: Vec<String>,
    /// Share of the model's characters that survived the cuts.
    kept_share: f32,
}

/// The lines of a body: complete sentences, bad sentences cut, failing
/// lines dropped, a closing taken off the end (returned apart), the lead-in
/// written before numbered items, headings numbered in order.
fn tidy_body(text: &str, kind: DocKind, context: &Context<'_>) -> Tidied {
    let mut lines: Vec<String> = Vec::new();
    let mut closing = None;
    let mut cut = Vec::new();
    let mut written = 0;
    let mut kept = 0;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        let bare = rubric::unnumbered(line);
        if is_any_closing(bare) || CLOSING_STARTS.iter().any(|s| bare.starts_with(s)) {
            closing = Some(bare.to_owned());
            break;
        }
        // A second title or an addressee line before the body starts.
        if lines.is_empty() && (is_title_line(line, kind) || is_address(line)) {
            cut.push(format!("“{line}”（正文前多出的标题或称呼）"));
            continue;
        }
        written += line.chars().count();
        let line = complete_sentences(line);
        let (line, mut removed) = repair::repair(&line, context);
        cut.append(&mut removed);
        if line.is_empty() {
            continue;
        }
        let subject = Subject::from_lines(None, &line);
        if let Some(f) = rubric::review_piece(&subject, context).first() {
            cut.push(format!("“{line}”（{}）", f.message));
            continue;
        }
        kept += line.chars().count();
        lines.push(line);
    }
    // A closing of another 文种 is not ours to keep.
    if let Some(c) = &closing
        && !prompts::guide(kind).is_some_and(|g| g.closing.iter().any(|own| own == c))
    {
        closing = None;
    }
    if let Some(guide) = prompts::guide(kind).filter(|g| g.items)
        && let Some(first) = lines.iter().position(|l| is_level_one(l))
        && first > 0
    {
        let before = &lines[first - 1];
        if !(before.ends_with('：') || before.contains("如下")) {
            lines[first - 1] = with_lead_in(before, &guide.lead_in);
        }
    }
    Tidied {
        lines: renumber(&lines),
        closing,
        cut,
        kept_share: if written == 0 {
            0.0
        } else {
            kept as f32 / written as f32
        },
    }
}

/// A line that reads as a title: no sentence punctuation, ending with a
/// 文种.
fn is_title_line(line: &str, kind: DocKind) -> bool {
    !line.contains(['。', '，', '；', '：'])
        && (line.ends_with(prompts::title_word(kind))
            || DocKind::ALL
                .iter()
                .any(|k| line.ends_with(&format!("的{}", prompts::title_word(*k)))))
}

/// A short line naming addressees, ending with a colon.
fn is_address(line: &str) -> bool {
    line.ends_with('：')
        && line.chars().count() <= 40
        && !line.contains(['，', '。'])
        && !line.contains("如下")
}

fn is_any_closing(line: &str) -> bool {
    DocKind::ALL
        .iter()
        .filter_map(|k| prompts::guide(*k))
        .any(|g| {
            g.closing
                .iter()
                .any(|c| line == c || line == c.trim_end_matches('。'))
        })
}

/// Headings of levels one and two numbered from one, in order (a dropped
/// line must leave no gap).
fn renumber(lines: &[String]) -> Vec<String> {
    let mut one = 0;
    let mut two = 0;
    lines
        .iter()
        .map(|line| {
            if is_level_one(line) {
                one += 1;
                two = 0;
                let rest = line.split_once('、').map_or("", |(_, r)| r);
                format!("{}、{rest}", chinese_numeral(one))
            } else if let Some(rest) = level_two(line) {
                two += 1;
                format!("（{}）{rest}", chinese_numeral(two))
            } else {
                line.clone()
            }
        })
        .collect()
}

fn is_level_one(line: &str) -> bool {
    let t = line.trim_start();
    let numeral = t.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c));
    numeral.len() != t.len() && numeral.starts_with('、')
}

fn level_two(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('（')?;
    let (n, after) = rest.split_once('）')?;
    (!n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))).then_some(after)
}

fn chinese_numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".to_owned(),
        1..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => format!("{}十{}", DIGITS[(n / 10).min(9)], DIGITS[n % 10]),
    }
}

fn base_document(request: &DraftRequest) -> Document {
    let mut doc = request.elements.clone();
    doc.kind = request.kind;
    doc.body.clear();
    if doc.signature.is_empty()
        && request.kind.presence(Element::Signature) != Presence::NotUsed
        && let Some(issuer) = request.issuer()
    {
        doc.signature.push(issuer);
    }
    if doc.date.is_none() {
        doc.date = request.date;
    }
    doc
}

/// The document the written title and body make.
fn document_of(request: &DraftRequest, written: &Written) -> Document {
    let mut doc = base_document(request);
    if doc.title.is_empty() {
        doc.title = written.title.clone();
    }
    let text = format!("{}\n{}", doc.title, written.body.join("\n"));
    doc.body = structure(&text, Some(request.kind)).document.body;
    doc
}

fn review_written(
    request: &DraftRequest,
    written: &Written,
    context: &Context<'_>,
) -> Vec<Failure> {
    review_document(&document_of(request, written), context)
}

/// The rubric's verdict on a drafted document for `request`.
pub fn review(request: &DraftRequest, doc: &Document) -> Vec<Failure> {
    let known = request.known();
    let issuer = request.issuer();
    let context = Context {
        kind: Some(request.kind),
        brief: &request.brief,
        known: &known,
        issuer: issuer.as_deref(),
    };
    review_document(doc, &context)
}

fn review_document(doc: &Document, context: &Context<'_>) -> Vec<Failure> {
    let text = to_plain_text(doc);
    let body: Vec<String> = doc.body.iter().map(|b| b.to_text()).collect();
    let mut elements = doc.clone();
    elements.body.clear();
    elements.title.clear();
    let elements = to_plain_text(&elements);
    let subject = Subject {
        title: Some(&doc.title),
        paragraphs: body.iter().map(String::as_str).collect(),
        elements: &elements,
        document: Some(&text),
    };
    rubric::review(&subject, context)
}

fn finish(document: Document, mode: Mode, request: &DraftRequest) -> Drafted {
    let text = to_plain_text(&document);
    let findings = gongwen_proofread::check(&text);
    let element_issues = check_elements(&document);
    let rubric = review(request, &document);
    Drafted {
        mode,
        document,
        text,
        findings,
        element_issues,
        structure_problems: rubric
            .iter()
            .map(|f| format!("{}：{}", rubric::name_of(f.check), f.message))
            .collect(),
        rubric,
        notices: Vec::new(),
        examples: Vec::new(),
        removed: Vec::new(),
        attempts: 0,
        raw: None,
        thinking: String::new(),
        generated_tokens: 0,
        tokens_per_second: 0.0,
    }
}
