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
    DocKind, Document, Element, ElementIssue, Presence, WrittenDate, check_elements,
    structure::body_block, to_plain_text,
};
use gongwen_proofread::Finding;
use serde::Serialize;
use ts_rs::TS;

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
    /// Why a piece was written again, each time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rewrites: Vec<String>,
    /// Clauses of the brief the program put back because the model left
    /// their facts out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
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

/// No model: the type's skeleton around the user's elements, with the
/// brief's sentences where its matters go (the user typed them; a bare
/// template would drop them) and placeholders for the rest.
pub fn skeleton(request: &DraftRequest) -> Drafted {
    let facts = brief_sentences(&request.brief);
    let mut drafted = skeleton_with(request, None, &facts);
    drafted.notices.push(
        if facts.is_empty() {
            "未使用模型：以下是该文种的结构模板，【】处请按实际内容填写"
        } else {
            "未使用模型：以下是该文种的结构模板，已填入要点中的事实，【】处请补全"
        }
        .to_owned(),
    );
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
    if kind == DocKind::Reply
        && let (Some(first), Some(opening)) = (body.first_mut(), reply_opening(&request.brief))
    {
        *first = first.replacen(BLANK_SOURCE, &opening, 1);
    }
    doc.body = body.iter().map(|l| body_block(l)).collect();
    let mut drafted = finish(doc, Mode::Skeleton, request);
    // A frame to fill in: its 【】 and the brief it holds are the point, not
    // failures to report.
    drafted.rubric.clear();
    drafted.structure_problems.clear();
    drafted
}

/// The 批复 skeleton's citation of its 请示, to fill in (assets/assist/kinds.toml).
const BLANK_SOURCE: &str = "你单位《【来文标题】》（【来文文号】）收悉。";

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
        rewrites: Vec::new(),
        added: Vec::new(),
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
    if request.elements.recipients.is_empty() {
        // Filled from the brief (a 批复's 请示 sender), not a 【】 blank:
        // the user should know where it came from.
        let filled: Vec<&str> = (drafted.document.recipients.iter())
            .map(String::as_str)
            .filter(|r| !r.contains('【'))
            .collect();
        if !filled.is_empty() {
            drafted.notices.push(format!(
                "主送机关按要点填为“{}”，请核对全称",
                filled.join("、")
            ));
        } else if request.kind.presence(Element::Recipients) == Presence::Required {
            drafted
                .notices
                .push("主送机关未填写，请在要素中补充".to_owned());
        }
    }
    drafted.examples = examples
        .iter()
        .map(|e| ExemplarUsed {
            source: e.source.clone(),
            title: e.title.clone(),
        })
        .collect();
    drafted.removed = writer.removed;
    drafted.rewrites = writer.rewrites;
    drafted.added = writer.added;
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
    /// Why each piece written again was.
    rewrites: Vec<String>,
    /// The brief's clauses put back into the body.
    added: Vec<String>,
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
            self.rewrites.push(why.clone());
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
        // A 批复 that approves names what it approves in the 请示's words.
        if kind == DocKind::Reply
            && let Some(what) = approved(&request.brief)
        {
            return Ok(format!("{issuer}关于同意{what}的{word}"));
        }
        let prefix = if kind == DocKind::Minutes {
            issuer.clone()
        } else {
            format!("{issuer}关于")
        };
        let known = rubric::facts::Known::new(context.known);
        let best = self.best_of(TRIES - 1, |w, try_no| {
            let piece = w.continue_page(&prefix, vec!["\n".to_owned()], 48, try_no)?;
            let title = without_unknown_years(&normalise_title(&piece.text, word), &known);
            let problems = messages(rubric::review_title(&title, context));
            Ok(Candidate::new(title, problems, &piece))
        })?;
        Ok(match best {
            Some(c) if c.problems.is_empty() => c.value,
            // The brief's own words, framed: never an invention.
            _ => title_from_brief(request, &prefix, word)
                .filter(|t| rubric::review_title(t, context).is_empty())
                .or(best.map(|c| c.value))
                .unwrap_or_default(),
        })
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
        // What the elements already say (a 批复's 主送机关) need not be
        // repeated in the body.
        let stated = base_document(request).recipients.join("\n");
        // A 纪要 opens with the meeting as the user gave it (date, who
        // convened, who chaired): a small model rewrites those into errors
        // (市长 for 副市长), so the program writes them and the model goes on.
        // A 批复 opens by citing the 请示 it answers: the program writes it
        // from the brief, where the model would copy an example's title.
        let opening = match request.kind {
            DocKind::Minutes => minutes_opening(&request.brief),
            DocKind::Reply => reply_opening(&request.brief),
            _ => None,
        }
        .unwrap_or_default();
        let best = self.best_of(TRIES, |w, try_no| {
            let piece = w.continue_page(&opening, stop.clone(), 800, try_no)?;
            let tidied = tidy_body(&piece.text, request.kind, context);
            let mut body = tidied.lines.clone();
            let added = complete_facts(&mut body, &request.brief, &stated);
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
                &request.brief,
                &stated,
                &written,
                tidied.cut.len() + 2 * added.len(),
                tidied.kept_share,
            );
            let mut candidate = Candidate::new(
                (written.body, tidied.cut, added),
                messages(failures),
                &piece,
            );
            candidate.weight = weight;
            Ok(candidate)
        })?;
        Ok(match best {
            Some(c) => {
                let (body, cut, added) = c.value;
                self.removed.extend(cut);
                self.added.extend(added);
                body
            }
            None => Vec::new(),
        })
    }
}

/// How bad a candidate is, for ranking: a hard failure outweighs any
/// number of soft ones; each fact of the brief left out (what the elements
/// already state, `stated`, is not) and each sentence cut counts; a body
/// that lost much of what the model wrote is thin.
fn weight(
    failures: &[Failure],
    brief: &str,
    stated: &str,
    written: &Written,
    cut: usize,
    kept_share: f32,
) -> usize {
    let hard = failures.iter().filter(|f| is_hard(f.check)).count();
    let text = format!("{}\n{}\n{stated}", written.title, written.body.join("\n"),);
    let dropped = rubric::facts::dropped(brief, &text).len();
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
    // …办公室召开……推进会纪要: a 纪要 is named by the meeting, not the act.
    let unconvened;
    let line = if word == "纪要" && line.contains("召开") {
        unconvened = line.replacen("召开", "", 1);
        unconvened.as_str()
    } else {
        line
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

/// A title without the years the user never gave (关于2022年……的请示 →
/// 关于……的请示).
fn without_unknown_years(title: &str, known: &rubric::facts::Known<'_>) -> String {
    YEAR.replace_all(title, |caps: &regex::Captures<'_>| {
        let year = rubric::facts::DraftFact::Number(caps[1].to_owned());
        if known.holds(&year) {
            caps[0].to_owned()
        } else {
            String::new()
        }
    })
    .into_owned()
}

#[allow(clippy::unwrap_used)] // a constant pattern
static YEAR: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(\d{4})年度?").unwrap());

/// A title from the brief's first clause, when the model's would not do:
/// 通报2026年第一季度热线办理情况：… → 关于2026年第一季度热线办理情况的通报.
fn title_from_brief(request: &DraftRequest, prefix: &str, word: &str) -> Option<String> {
    // A 纪要's brief opens with the date and the meeting, not its 事由.
    if request.kind == DocKind::Minutes {
        return None;
    }
    let first = request
        .brief
        .split(['，', '。', '；', '：', '\n'])
        .map(str::trim)
        .find(|c| !c.is_empty())?;
    let subject = first
        .trim_start_matches("关于")
        .trim_start_matches(word)
        .trim_end_matches(&format!("的{word}"))
        .trim_end_matches(word);
    if subject.chars().count() < 4 || subject.chars().count() > 40 {
        return None;
    }
    Some(format!("{prefix}{subject}的{word}"))
}

/// The meeting sentence of a 纪要's brief: its first sentence (up to 。
/// or ；, or to where the meeting's conclusions begin) when it says who
/// met (召开, 主持) and holds no decision yet. The conclusions are the
/// model's to set out as the 纪要's items, not part of its opening.
fn minutes_opening(brief: &str) -> Option<String> {
    let brief = brief.trim();
    let mut first = &brief[..brief.find(['。', '；']).unwrap_or(brief.len())];
    if let Some(at) = [
        "会议明确",
        "会议议定",
        "会议决定",
        "会议要求",
        "会议强调",
        "会议指出",
        "会议认为",
    ]
    .iter()
    .filter_map(|w| first.find(w))
    .min()
    {
        first = &first[..at];
    }
    let first = first.trim_end_matches(['，', '：', ':', ' ']);
    let about_meeting = first.contains("召开") || first.contains("主持");
    let decided = ["议定", "决定", "定：", "要求", "认为", "明确"]
        .iter()
        .any(|w| first.contains(w));
    (about_meeting && !decided && first.chars().count() <= 80).then(|| format!("{first}。"))
}

/// The 请示 a 批复's brief answers: who sent it, its title, its 文号.
#[allow(clippy::unwrap_used)] // a constant pattern, covered by the tests
static ANSWERED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(concat!(
        r"(?:同意|对)?(?P<who>\p{Han}{2,16}?)?(?:报送|上报|呈报|报来|提交)?的?",
        r"《?(?P<title>关于[^《》。；，、]{2,60}?的请示)》?",
        r"(?P<number>[（(][^（）()]{0,20}[〔\[［]\d{4}[〕\]］]\d+号[）)])?"
    ))
    .unwrap()
});

/// The 请示 a 批复's brief answers, as the brief names it.
struct Answered<'a> {
    /// Who sent it (市教育局): the 批复's 主送机关.
    sender: Option<&'a str>,
    /// 关于……的请示.
    title: &'a str,
    /// （青教〔2026〕8号）, or empty.
    number: &'a str,
    /// The brief approves it (同意, 原则同意; not 不同意).
    approves: bool,
}

fn answered(brief: &str) -> Option<Answered<'_>> {
    let caps = ANSWERED.captures(brief)?;
    let whole = caps.get(0)?;
    let who_match = caps.name("who");
    let mut who = who_match.map_or("", |m| m.as_str());
    let mut approving_at = whole.as_str().starts_with("同意").then_some(whole.start());
    // 原则同意市教育局……, 市政府研究同意……: the sender follows the 同意.
    if let Some(m) = who_match
        && let Some(at) = m.as_str().rfind("同意")
    {
        approving_at = Some(m.start() + at);
        who = &m.as_str()[at + "同意".len()..];
    }
    // 批复县发展和改革局《……》: the user's instruction, not the sender's name.
    let who = ["批复", "答复", "回复"]
        .iter()
        .find_map(|w| who.strip_prefix(w))
        .unwrap_or(who);
    let approves = approving_at.is_some_and(|at| !brief[..at].ends_with('不'));
    Some(Answered {
        sender: (who.chars().count() >= 2).then_some(who),
        title: caps.name("title")?.as_str(),
        number: caps.name("number").map_or("", |m| m.as_str()),
        approves,
    })
}

/// Who sent the 请示 a 批复's brief answers (同意市教育局关于……的请示 →
/// 市教育局): the 批复's 主送机关.
fn reply_sender(brief: &str) -> Option<String> {
    answered(brief)?.sender.map(str::to_owned)
}

/// What a 批复's brief approves, in its 请示's words (同意市教育局关于设立
/// 第三实验小学的请示 → 设立第三实验小学); none unless it approves.
fn approved(brief: &str) -> Option<String> {
    let answered = answered(brief).filter(|a| a.approves)?;
    let what = answered
        .title
        .strip_prefix("关于")?
        .strip_suffix("的请示")?;
    (what.chars().count() >= 2).then(|| what.to_owned())
}

/// A 批复's opening when its brief names the 请示 it answers
/// (同意市教育局关于设立……的请示 → 你局《关于设立……的请示》收悉。).
fn reply_opening(brief: &str) -> Option<String> {
    let answered = answered(brief)?;
    let who = answered.sender.unwrap_or("");
    // 你局, 你委, 你区: the sender by the word that says what it is.
    let you = [
        ("委员会", "你委"),
        ("办公室", "你办"),
        ("区人民政府", "你区"),
        ("县人民政府", "你县"),
        ("市人民政府", "你市"),
        ("镇人民政府", "你镇"),
        ("局", "你局"),
        ("委", "你委"),
        ("厅", "你厅"),
        ("办", "你办"),
        ("院", "你院"),
    ]
    .iter()
    .find(|(end, _)| who.ends_with(end))
    .map_or("你单位", |(_, you)| you);
    Some(format!(
        "{you}《{}》{}收悉。",
        answered.title, answered.number
    ))
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
    // A lead-in of the model's own words (特提出如下通知：) goes too; a
    // purpose clause before it keeps its comma.
    let body = o.trim_end_matches(['，', '：', '；', '。']);
    let last = body
        .rfind(['。', '，'])
        .map_or(0, |at| at + '。'.len_utf8());
    if o[last..].contains("如下") {
        o.truncate(last);
        if o.ends_with('，') {
            return format!("{o}{lead_in}");
        }
    }
    let o = o.trim_end_matches(['：', '；']);
    if o.is_empty() {
        return lead_in.to_owned();
    }
    // 根据有关规定，现将……: the clause before it keeps its comma.
    if o.ends_with('，') {
        return format!("{o}{lead_in}");
    }
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

/// Puts back the brief's facts the body left out: for each, the smallest
/// clause of the brief that holds it goes, as a sentence, at the end of the
/// paragraph that shares most wording with it (or before the closing when
/// none does). Only the brief's own words: nothing is invented. Returns the
/// clauses put back.
fn complete_facts(lines: &mut Vec<String>, brief: &str, stated: &str) -> Vec<String> {
    let missing = rubric::facts::dropped(brief, &format!("{}\n{stated}", lines.join("\n")));
    let clauses: Vec<&str> = brief
        .split(['，', '。', '；', '\n'])
        .map(|c| c.trim().trim_end_matches('：'))
        .filter(|c| !c.is_empty())
        .collect();
    let mut added: Vec<String> = Vec::new();
    for fact in &missing {
        let holds = |c: &&str| rubric::facts::facts_of(c).contains(fact);
        // The clause without the user's instruction words, unless the fact
        // is in those words (报告1至9月……情况：…).
        let clause = clauses
            .iter()
            .map(|c| without_task_words(c))
            .find(holds)
            .or_else(|| clauses.iter().copied().find(holds));
        if let Some(clause) = clause
            && !added.iter().any(|a| a == clause)
        {
            added.push(clause.to_owned());
        }
    }
    for clause in &added {
        let sentence = format!("{clause}。");
        let target = lines
            .iter()
            .enumerate()
            // Not a short heading, not a bare lead-in (……如下：).
            .filter(|(_, l)| {
                (!l.ends_with('：') || l.contains('。'))
                    && heading(l).is_none_or(|(_, rest)| rest.chars().count() > 20)
            })
            .map(|(i, l)| (i, crate::facts::coverage(clause, l)))
            .filter(|(_, c)| *c >= 0.3)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i);
        match target {
            Some(i) => {
                let line = &mut lines[i];
                if line.ends_with('：') {
                    // Before the opening's lead-in (现纪要如下：), not after it.
                    let at = line.rfind('。').map_or(0, |at| at + '。'.len_utf8());
                    line.insert_str(at, &sentence);
                } else {
                    if !line.ends_with(['。', '！', '？']) {
                        line.push('。');
                    }
                    line.push_str(&sentence);
                }
            }
            None => lines.push(sentence),
        }
    }
    added
}

/// A brief clause without the words that tell the writer what the document
/// is for (报告……整改进展：反馈问题共26个 → 反馈问题共26个): those are the
/// user's instructions, not the document's text.
fn without_task_words(clause: &str) -> &str {
    const TASKS: [&str; 8] = ["报告", "通报", "答复", "商请", "提请", "请示", "函复", "就"];
    match clause.split_once('：') {
        Some((task, rest)) if !rest.is_empty() && TASKS.iter().any(|t| task.starts_with(t)) => rest,
        _ => clause,
    }
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
        let polite;
        let mut line = raw.trim();
        // A 函 speaks to another 机关 as 贵单位, never 您.
        if kind == DocKind::Letter && line.contains('您') {
            polite = line.replace("您单位", "贵单位").replace('您', "贵单位");
            line = &polite;
        }
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
        // Copying is judged on the whole draft (the line holds the brief's
        // facts; a copied draft is written again, not emptied).
        if let Some(f) = rubric::review_piece(&subject, context)
            .iter()
            .find(|f| f.check != "brief-copy")
        {
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
        let word = prompts::title_word(kind);
        // 通知如下 is the form; 提出如下通知 reads as a foreigner's.
        let backwards = kind != DocKind::Opinion && before.contains(&format!("如下{word}"));
        if backwards || !(before.ends_with('：') || before.contains("如下")) {
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
    let mut counts = [0usize; 4];
    lines
        .iter()
        .map(|line| {
            let Some((level, rest)) = heading(line) else {
                return line.clone();
            };
            counts[level] += 1;
            counts[level + 1..].iter_mut().for_each(|c| *c = 0);
            let n = counts[level];
            match level {
                0 => format!("{}、{rest}", chinese_numeral(n)),
                1 => format!("（{}）{rest}", chinese_numeral(n)),
                2 => format!("{n}.{rest}"),
                _ => format!("（{n}）{rest}"),
            }
        })
        .collect()
}

/// A heading's level (0 = 一、, 1 = （一）, 2 = 1., 3 = （1）) and its text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    if is_level_one(t) {
        return t.split_once('、').map(|(_, r)| (0, r));
    }
    if let Some(rest) = level_two(t) {
        return Some((1, rest));
    }
    let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() != t.len() {
        return digits
            .strip_prefix('.')
            .or_else(|| digits.strip_prefix('．'))
            .map(|r| (2, r.trim_start()));
    }
    let inner = t.strip_prefix('（')?;
    let (n, after) = inner.split_once('）')?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then_some((3, after))
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
    // A 批复 answers whoever sent the 请示.
    if request.kind == DocKind::Reply
        && doc.recipients.is_empty()
        && let Some(sender) = reply_sender(&request.brief)
    {
        doc.recipients.push(sender);
    }
    doc
}

/// The document the written title and body make.
fn document_of(request: &DraftRequest, written: &Written) -> Document {
    let mut doc = base_document(request);
    if doc.title.is_empty() {
        doc.title = written.title.clone();
    }
    // Line by line: 一键排版 of the whole text would take an opening that
    // ends with ： for the 主送 line.
    doc.body = written.body.iter().map(|l| body_block(l)).collect();
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
        rewrites: Vec::new(),
        added: Vec::new(),
        attempts: 0,
        raw: None,
        thinking: String::new(),
        generated_tokens: 0,
        tokens_per_second: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: DocKind, brief: &str) -> DraftRequest {
        let mut r = DraftRequest::new(kind, brief);
        r.elements.issuer_marks.push("青禾市教育局".to_owned());
        r.date = Some(WrittenDate {
            year: 2026,
            month: 3,
            day: 2,
        });
        r
    }

    #[test]
    fn the_title_is_framed_by_the_program() {
        assert_eq!(
            normalise_title("青禾市教育局关于召开全市教育工作会议的通知，请参加", "通知"),
            "青禾市教育局关于召开全市教育工作会议的通知"
        );
        assert_eq!(
            normalise_title("关于市区道路限行的通告", "公告"),
            "关于市区道路限行的公告"
        );
        assert_eq!(
            normalise_title("青禾市人民政府关于供暖保障专题会议纪要", "纪要"),
            "青禾市人民政府供暖保障专题会议纪要"
        );
        let known = rubric::facts::Known::new("2026年");
        assert_eq!(
            without_unknown_years("关于2022年度校舍维修的请示", &known),
            "关于校舍维修的请示"
        );
        let r = request(
            DocKind::Bulletin,
            "通报2026年第一季度热线办理情况：受理4.6万件。",
        );
        assert_eq!(
            title_from_brief(&r, "青禾市教育局关于", "通报").as_deref(),
            Some("青禾市教育局关于2026年第一季度热线办理情况的通报")
        );
    }

    #[test]
    fn minutes_open_with_the_meeting_as_the_user_gave_it() {
        assert_eq!(
            minutes_opening(
                "3月18日市政府召开老旧小区改造专题会议，副市长张某某主持。会议议定：今年改造120个。"
            )
            .as_deref(),
            Some("3月18日市政府召开老旧小区改造专题会议，副市长张某某主持。")
        );
        // Up to where the conclusions begin, in the same sentence too.
        assert_eq!(
            minutes_opening(
                "12月2日市政府召开防汛工作专题会议，王市长主持；会议明确：水务局12月15日前完成排涝泵站检修。"
            )
            .as_deref(),
            Some("12月2日市政府召开防汛工作专题会议，王市长主持。")
        );
        assert_eq!(
            minutes_opening("12月2日召开防汛专题会议，会议要求各区落实值班制度。").as_deref(),
            Some("12月2日召开防汛专题会议。")
        );
        assert_eq!(minutes_opening("会议议定：今年改造120个。"), None);
        assert_eq!(minutes_opening("召开会议，定：明年完成。"), None);
    }

    #[test]
    fn a_reply_cites_the_request_its_brief_names() {
        assert_eq!(
            reply_opening("同意市教育局关于设立青禾市第三实验小学的请示，学校规划办学规模36个班。")
                .as_deref(),
            Some("你局《关于设立青禾市第三实验小学的请示》收悉。")
        );
        assert_eq!(
            reply_opening("东湖区人民政府报送的《关于调整东湖区部分行政村规模的请示》（东政〔2026〕12号）已研究，同意。")
                .as_deref(),
            Some("你区《关于调整东湖区部分行政村规模的请示》（东政〔2026〕12号）收悉。")
        );
        assert_eq!(
            reply_opening("关于举办旅游文化节的请示收悉，同意举办。").as_deref(),
            Some("你单位《关于举办旅游文化节的请示》收悉。")
        );
        assert_eq!(reply_opening("同意设立第三实验小学。"), None);
        assert_eq!(
            approved("原则同意东湖区人民政府关于调整城区停车收费标准的请示。").as_deref(),
            Some("调整城区停车收费标准")
        );
        assert_eq!(approved("不同意市教育局关于设立第三实验小学的请示。"), None);
        assert_eq!(
            reply_sender("市政府研究同意市教育局关于设立第三实验小学的请示。").as_deref(),
            Some("市教育局")
        );
        assert_eq!(
            reply_sender(
                "批复县发展和改革局《关于实施节能改造项目的请示》（云发改〔2026〕14号）：同意实施。"
            )
            .as_deref(),
            Some("县发展和改革局")
        );
        // The skeleton cites it too, in place of its blanks.
        let request = DraftRequest::new(
            DocKind::Reply,
            "同意市教育局关于设立青禾市第三实验小学的请示。",
        );
        let drafted = skeleton(&request);
        assert!(
            drafted
                .text
                .contains("你局《关于设立青禾市第三实验小学的请示》收悉。经研究，现批复如下："),
            "{}",
            drafted.text
        );
        // …and answers its sender.
        assert_eq!(drafted.document.recipients, ["市教育局"]);
    }

    #[test]
    fn a_letter_addresses_the_other_body_as_gui_danwei() {
        let brief = "商请提供规划资料，请于4月15日前函复。";
        let context = Context {
            kind: Some(DocKind::Letter),
            brief,
            known: brief,
            issuer: None,
        };
        let tidied = tidy_body(
            "现就有关事项向您咨询如下：\n一、请您提供规划资料。",
            DocKind::Letter,
            &context,
        );
        assert_eq!(
            tidied.lines,
            [
                "现就有关事项向贵单位咨询如下：",
                "一、请贵单位提供规划资料。"
            ]
        );
    }

    #[test]
    fn lead_in_numbering_and_closing_are_the_programs() {
        assert_eq!(
            with_lead_in(
                "为做好检查工作，经研究，决定开展检查。现将",
                "现将有关事项通知如下："
            ),
            "为做好检查工作，经研究，决定开展检查。现将有关事项通知如下："
        );
        assert_eq!(
            with_lead_in(
                "为做好森林防火工作，特提出如下通知：",
                "现将有关事项通知如下："
            ),
            "为做好森林防火工作，现将有关事项通知如下："
        );
        assert_eq!(
            with_lead_in(
                "根据有关规定，现就做好森林防火工作提出如下通知：",
                "现将有关事项通知如下："
            ),
            "根据有关规定，现将有关事项通知如下："
        );
        assert_eq!(
            with_lead_in("根据有关规定。特提出如下通知：", "现将有关事项通知如下："),
            "根据有关规定。现将有关事项通知如下："
        );
        let lines: Vec<String> = ["一、甲", "（二）子", "3.丙", "三、乙", "（一）丑"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(
            renumber(&lines),
            ["一、甲", "（一）子", "1.丙", "二、乙", "（一）丑"]
        );
        let asks = request(DocKind::Letter, "商请提供规划资料，请于4月15日前函复。");
        assert_eq!(
            closing_for(&asks, None).as_deref(),
            Some("请于4月15日前函复。")
        );
        let answers = request(DocKind::Letter, "答复市卫健委来函，同意安排经费。");
        assert_eq!(closing_for(&answers, None).as_deref(), Some("特此函复。"));
        let req = request(DocKind::Request, "申请资金。");
        assert_eq!(
            closing_for(&req, Some("以上请示，请予审批。")).as_deref(),
            Some("以上请示，请予审批。")
        );
        assert_eq!(
            closing_for(&req, Some("特此通知。")).as_deref(),
            Some("妥否，请批示。")
        );
    }

    #[test]
    fn the_body_is_tidied_into_the_documents_form() {
        let r = request(
            DocKind::Notice,
            "3月12日召开全市教育工作会议，各区县教育局局长参加。",
        );
        let known = r.known();
        let context = Context {
            kind: Some(r.kind),
            brief: &r.brief,
            known: &known,
            issuer: Some("青禾市教育局"),
        };
        let text = "关于召开全市教育工作会议的通知\n各区县教育局：\n为部署全年工作，决定召开全市教育工作会议。\n一、会议时间为3月12日。\n三、请各区县教育局局长参加，联系人张明。\n特此通知。";
        let t = tidy_body(text, DocKind::Notice, &context);
        assert_eq!(
            t.lines,
            [
                "为部署全年工作，决定召开全市教育工作会议。现将有关事项通知如下：",
                "一、会议时间为3月12日。",
                "二、请各区县教育局局长参加。",
            ]
        );
        assert_eq!(t.closing.as_deref(), Some("特此通知。"));
        assert_eq!(t.cut.len(), 3, "{:?}", t.cut);
    }

    #[test]
    fn a_clause_put_back_leaves_the_users_instruction_out() {
        let brief = "报告中央生态环境保护督察反馈问题整改进展：反馈问题共26个，已完成整改19个。";
        let mut lines = vec!["我市高度重视督察反馈问题整改工作，已完成整改19个。".to_owned()];
        let added = complete_facts(&mut lines, brief, "");
        assert_eq!(added, ["反馈问题共26个"]);
        assert_eq!(without_task_words("联系人：马丽娟"), "联系人：马丽娟");
        // A fact inside the instruction words keeps them.
        let brief = "报告1至9月就业援助工作情况：举办专场招聘会46场。";
        let mut lines = vec!["今年以来，我局举办专场招聘会46场。".to_owned()];
        assert_eq!(
            complete_facts(&mut lines, brief, ""),
            ["报告1至9月就业援助工作情况：举办专场招聘会46场"]
        );
    }

    #[test]
    fn dropped_facts_come_back_in_the_briefs_words() {
        let brief = "提请审议条例草案，草案已经5月20日市政府第28次常务会议讨论通过，共6章42条。";
        let mut lines = vec![
            "为加强耕地保护，市政府起草了条例草案。".to_owned(),
            "草案共6章42条，主要规定了耕地保护。".to_owned(),
        ];
        let added = complete_facts(&mut lines, brief, "");
        assert_eq!(added, ["草案已经5月20日市政府第28次常务会议讨论通过"]);
        assert!(rubric::facts::dropped(brief, &lines.join("\n")).is_empty());
        // Into an opening, before its lead-in.
        let brief = "3月18日市政府召开专题会议，副市长张某某主持。";
        let mut lines = vec![
            "2026年3月18日，副市长张某某主持召开专题会议。现纪要如下：".to_owned(),
            "一、会议议定，今年改造120个。".to_owned(),
        ];
        complete_facts(&mut lines, brief, "");
        assert_eq!(
            lines[0],
            "2026年3月18日，副市长张某某主持召开专题会议。3月18日市政府召开专题会议。现纪要如下："
        );
    }

    #[test]
    fn every_skeleton_has_its_parts_and_says_so() {
        for kind in DocKind::ALL {
            let mut r = DraftRequest::new(kind, "");
            r.elements.issuer_marks.push("青禾市人民政府".to_owned());
            let d = skeleton(&r);
            assert_eq!(d.mode, Mode::Skeleton);
            assert!(!d.document.body.is_empty(), "{}", kind.name());
            assert!(d.text.contains('【') && !d.notices.is_empty());
        }
        // With the brief's facts slotted in where the matters go.
        let r = request(DocKind::Notice, "4月1日开始检查。6月10日前报送结果。");
        let d = skeleton(&r);
        assert!(
            d.text.contains("一、4月1日开始检查。") && d.text.contains("二、6月10日前报送结果。")
        );
        assert!(d.notices.iter().any(|n| n.contains("已填入要点中的事实")));
    }

    #[test]
    fn opinion_titles_take_their_standard_forms_and_one_genre() {
        let context = Context {
            kind: Some(DocKind::Opinion),
            brief: "深化医疗保障支付方式改革。",
            known: "安澜市人民政府 深化医疗保障支付方式改革。",
            issuer: Some("安澜市人民政府"),
        };
        for good in [
            "安澜市人民政府关于深化医疗保障支付方式改革的意见",
            "安澜市人民政府关于深化医疗保障支付方式改革的实施意见",
        ] {
            assert!(rubric::review_title(good, &context).is_empty(), "{good}");
        }
        let bad = "安澜市人民政府关于深化医疗保障支付方式改革的建议的意见";
        assert!(!rubric::review_title(bad, &context).is_empty());
    }
}
