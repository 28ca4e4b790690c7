//! Scoring text with the model, for model-assisted spelling: the
//! log-probability of a sentence, and at chosen positions how likely each
//! of a few characters is to come next. Implements the proofreader's
//! [`LanguageModel`] on a llama.cpp context of its own.
//!
//! Variants of one sentence share their beginning: the KV cache keeps the
//! common prefix, so scoring a variant evaluates only the tokens from the
//! change on.

use std::{collections::HashMap, num::NonZeroU32};

use gongwen_proofread::spelling::{Analysis, LanguageModel, Probe, ProbeScores};
use llama_cpp_2::{
    context::{LlamaContext, params::LlamaContextParams},
    llama_backend::LlamaBackend,
    llama_batch::LlamaBatch,
    model::LlamaModel,
    token::LlamaToken,
};

/// Puts the first character of the text in context: the model scores it as
/// the start of an official document's sentence, not as the start of a file.
const PREFIX: &str = "以下是一段规范的公文：\n";

/// The sentence (with the prefix) and the variants scored alongside it
/// share one unified KV cache; each variant adds only its changed tail.
const SCORER_CTX: u32 = 2048;
const SCORER_BATCH: u32 = 1024;
/// Sequence 0 holds the sentence; variants use 1..=MAX_VARIANTS.
const MAX_VARIANTS: usize = 15;
/// The longest sentence scored (in tokens, prefix included).
const MAX_TOKENS: usize = 400;
/// A variant is scored from its change to this many tokens on (and on to
/// where its tokens line up with the sentence's again).
const WINDOW: usize = 6;

pub struct Scorer<'m> {
    model: &'m LlamaModel,
    ctx: LlamaContext<'m>,
    prefix: Vec<LlamaToken>,
    /// Tokens whose KV entries are in the cache, and the log-probability of
    /// each given those before it (0 for the first).
    cached: Vec<LlamaToken>,
    log_probs: Vec<f32>,
    /// For the text tokens of `cached`: the byte offset in the text where
    /// each ends.
    cached_ends: Vec<usize>,
    /// The Chinese characters tokens start with, and for each token the
    /// index of its first character there (None: not Chinese).
    chars: Vec<char>,
    char_index: HashMap<char, usize>,
    first_char: Vec<Option<u32>>,
}

/// How many of the model's likeliest next characters a probe reports.
const TOP_CHARS: usize = 8;

/// What one evaluation leaves: per text token, its byte span in the text;
/// and the logits rows (as log-softmax) before each text token, on request.
struct Evaluated {
    spans: Vec<(usize, usize)>,
    log_prob: f64,
    /// For the requested text tokens: the log-probability that the next
    /// token starts with each character of `Scorer::chars`.
    rows: HashMap<usize, Vec<f32>>,
}

impl<'m> Scorer<'m> {
    pub fn new(
        backend: &LlamaBackend,
        model: &'m LlamaModel,
        n_threads: i32,
    ) -> Result<Scorer<'m>, String> {
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(SCORER_CTX))
            .with_n_batch(SCORER_BATCH)
            .with_n_ubatch(SCORER_BATCH)
            .with_n_seq_max(MAX_VARIANTS as u32 + 1)
            .with_kv_unified(true)
            .with_n_threads(n_threads)
            .with_n_threads_batch(n_threads);
        let ctx = model
            .new_context(backend, params)
            .map_err(|e| e.to_string())?;
        let vocab = model.vocab();
        let mut prefix = Vec::new();
        if vocab.should_add_bos() {
            prefix.push(vocab.bos());
        }
        prefix.extend(vocab.tokenize(PREFIX.as_bytes(), false, false));
        let mut chars = Vec::new();
        let mut char_index = HashMap::new();
        let mut first_char = Vec::new();
        for token in vocab.tokens() {
            let piece = vocab.token_to_piece(token, false, None);
            // A whole first character only: byte-fallback pieces say nothing.
            let first = std::str::from_utf8(&piece)
                .ok()
                .or_else(|| {
                    let valid = std::str::from_utf8(&piece).err()?.valid_up_to();
                    std::str::from_utf8(&piece[..valid]).ok()
                })
                .and_then(|s| s.chars().next());
            let index = first
                .filter(|c| ('\u{3400}'..='\u{9FFF}').contains(c))
                .map(|c| {
                    *char_index.entry(c).or_insert_with(|| {
                        chars.push(c);
                        chars.len() - 1
                    }) as u32
                });
            first_char.push(index);
        }
        Ok(Scorer {
            model,
            ctx,
            prefix,
            cached: Vec::new(),
            log_probs: Vec::new(),
            cached_ends: Vec::new(),
            chars,
            char_index,
            first_char,
        })
    }

    /// PREFIX's tokens followed by `text`'s, and the byte offset in `text`
    /// where each of `text`'s tokens ends.
    fn tokens_of(&self, text: &str) -> Result<(Vec<LlamaToken>, Vec<usize>), String> {
        let vocab = self.model.vocab();
        let text_tokens = vocab.tokenize(text.as_bytes(), false, false);
        let mut ends = Vec::with_capacity(text_tokens.len());
        let mut at = 0;
        for &token in &text_tokens {
            at += vocab.token_to_piece(token, false, None).len();
            ends.push(at);
        }
        if at != text.len() {
            return Err("分词结果与原文不一致".to_owned());
        }
        let mut tokens = self.prefix.clone();
        tokens.extend(text_tokens);
        Ok((tokens, ends))
    }

    /// How many leading `tokens` sequence 0 already holds.
    fn shared_with_cache(&self, tokens: &[LlamaToken]) -> usize {
        self.cached
            .iter()
            .zip(tokens)
            .take_while(|(a, b)| a == b)
            .count()
    }

    /// Evaluates PREFIX + `text`; keeps the log-softmax rows before the
    /// text tokens that start at the byte offsets in `rows_at`.
    fn evaluate(&mut self, text: &str, rows_at: &[usize]) -> Result<Evaluated, String> {
        let (tokens, ends) = self.tokens_of(text)?;
        let spans: Vec<(usize, usize)> = std::iter::once(0)
            .chain(ends.iter().copied())
            .zip(ends.iter().copied())
            .collect();
        if tokens.len() > MAX_TOKENS {
            return Err("句子过长".to_owned());
        }
        let first_text = self.prefix.len();
        // Tokens whose rows we need: row before text token k is at
        // position first_text + k - 1.
        let wanted: Vec<usize> = spans
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| rows_at.contains(s))
            .map(|(k, _)| k)
            .collect();
        let common = self.shared_with_cache(&tokens);
        // Re-evaluate from the last shared token: its logits score the first
        // new one. A wanted row before the split point forces an earlier start.
        let earliest_wanted = wanted.iter().map(|k| first_text + k - 1).min();
        let mut start = common.min(tokens.len()).saturating_sub(1);
        if let Some(w) = earliest_wanted {
            start = start.min(w);
        }
        let kept = self
            .ctx
            .clear_kv_cache_seq(Some(0), Some(start as u32), None)
            .unwrap_or(false);
        if !kept {
            self.ctx.clear_kv_cache();
            start = 0;
        }
        // Token `start` is shared: its own log-probability still holds.
        self.cached.truncate(start);
        self.log_probs.truncate(start + 1);
        if self.log_probs.is_empty() {
            self.log_probs.push(0.0);
        }
        let fresh = &tokens[start..];
        let mut batch = LlamaBatch::new(fresh.len(), 1);
        for (i, &token) in fresh.iter().enumerate() {
            batch
                .add(token, (start + i) as i32, &[0], true)
                .map_err(|e| e.to_string())?;
        }
        self.ctx.decode(&mut batch).map_err(|e| e.to_string())?;
        self.cached = tokens.clone();
        self.cached_ends = ends;
        let mut rows = HashMap::new();
        for (i, _) in fresh.iter().enumerate() {
            let position = start + i;
            let logits = self.ctx.get_logits_ith(i as i32);
            let lse = log_sum_exp(logits.iter().copied());
            if let Some(&next) = tokens.get(position + 1) {
                self.log_probs
                    .push(logits.get(next.0 as usize).map_or(f32::MIN, |l| l - lse));
            }
            // The row before text token k sits at position first_text + k - 1.
            if let Some(k) = (position + 1).checked_sub(first_text)
                && wanted.contains(&k)
            {
                let mut mass = vec![0f32; self.chars.len()];
                for (l, c) in logits.iter().zip(&self.first_char) {
                    if let Some(c) = c {
                        mass[*c as usize] += (l - lse).exp();
                    }
                }
                rows.insert(k, mass.into_iter().map(f32::ln).collect());
            }
        }
        let log_prob = self.log_probs[first_text..].iter().map(|&l| l as f64).sum();
        Ok(Evaluated {
            spans,
            log_prob,
            rows,
        })
    }
}

impl Scorer<'_> {
    /// Scores variants of the sentence in sequence 0 together: each variant
    /// gets a sequence sharing the sentence's KV entries up to its first
    /// changed token, and all changed tails go in one batch.
    fn score_variants(&mut self, texts: &[String]) -> Result<Vec<f64>, String> {
        let first_text = self.prefix.len();
        // (tokens, start, window end k, the sentence's token index m whose
        // end lines up with the variant's token k)
        let mut variants = Vec::with_capacity(texts.len());
        let mut batch_tokens = 0;
        for text in texts {
            let (tokens, ends) = self.tokens_of(text)?;
            let common = self.shared_with_cache(&tokens);
            // From the last shared token: its logits score the first new one.
            let start = common.clamp(first_text.max(1), tokens.len()) - 1;
            // The window closes WINDOW tokens on, where the two token
            // streams meet again; past it the variant reads as the sentence.
            let mut window = (tokens.len() - 1, self.cached.len() - 1);
            for k in (start + 1)..tokens.len() {
                let end = ends[k - first_text];
                let meets = self
                    .cached_ends
                    .iter()
                    .position(|&e| e == end)
                    .map(|m| m + first_text);
                if let Some(m) = meets.filter(|_| k - start >= WINDOW) {
                    window = (k, m);
                    break;
                }
            }
            batch_tokens += window.0 - start;
            variants.push((tokens, start, window));
        }
        let mut batch = LlamaBatch::new(batch_tokens.max(1), 1);
        let mut rows = Vec::with_capacity(variants.len());
        let mut row = 0;
        for (i, (tokens, start, (k, _))) in variants.iter().enumerate() {
            let seq = i as i32 + 1;
            self.ctx
                .clear_kv_cache_seq(Some(seq as u32), None, None)
                .map_err(|e| e.to_string())?;
            self.ctx
                .copy_kv_cache_seq(0, seq, Some(0), Some(*start as u32))
                .map_err(|e| e.to_string())?;
            rows.push(row);
            for (j, &token) in tokens.iter().enumerate().take(*k).skip(*start) {
                batch
                    .add(token, j as i32, &[seq], true)
                    .map_err(|e| e.to_string())?;
                row += 1;
            }
        }
        if batch_tokens > 0 {
            self.ctx.decode(&mut batch).map_err(|e| e.to_string())?;
        }
        let sentence = |range: std::ops::Range<usize>| -> f64 {
            self.log_probs
                .get(range)
                .map_or(0.0, |l| l.iter().map(|&l| l as f64).sum())
        };
        let mut out = Vec::with_capacity(variants.len());
        for ((tokens, start, (k, m)), first_row) in variants.iter().zip(rows) {
            // Shared tokens and the tail past the window keep the
            // sentence's own log-probabilities.
            let mut total = sentence(first_text..start + 1) + sentence(m + 1..self.log_probs.len());
            for (j, next) in tokens.iter().enumerate().take(k + 1).skip(start + 1) {
                let logits = self.ctx.get_logits_ith((first_row + j - 1 - start) as i32);
                let lse = log_sum_exp(logits.iter().copied());
                total += logits.get(next.0 as usize).map_or(f32::MIN, |l| l - lse) as f64;
            }
            out.push(total);
        }
        for i in 0..variants.len() {
            let _ = self.ctx.clear_kv_cache_seq(Some(i as u32 + 1), None, None);
        }
        Ok(out)
    }
}

fn log_sum_exp(values: impl Iterator<Item = f32> + Clone) -> f32 {
    let max = values.clone().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return max;
    }
    max + values.map(|v| (v - max).exp()).sum::<f32>().ln()
}

impl LanguageModel for Scorer<'_> {
    fn analyse(&mut self, text: &str, probes: &[Probe]) -> Result<Analysis, String> {
        let byte_at: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let offsets: Vec<usize> = probes
            .iter()
            .filter_map(|p| byte_at.get(p.at).copied())
            .collect();
        let evaluated = self.evaluate(text, &offsets)?;
        let probes = probes
            .iter()
            .map(|probe| {
                let byte = *byte_at.get(probe.at)?;
                let k = evaluated.spans.iter().position(|&(s, _)| s == byte)?;
                let row = evaluated.rows.get(&k)?;
                let listed = probe
                    .chars
                    .iter()
                    .map(|c| {
                        self.char_index
                            .get(c)
                            .and_then(|&i| row.get(i).copied())
                            .unwrap_or(f32::NEG_INFINITY)
                    })
                    .collect();
                let mut top: Vec<(char, f32)> = self
                    .chars
                    .iter()
                    .copied()
                    .zip(row.iter().copied())
                    .collect();
                let n = TOP_CHARS.min(top.len());
                if n > 0 {
                    top.select_nth_unstable_by(n - 1, |a, b| b.1.total_cmp(&a.1));
                    top.truncate(n);
                    top.sort_by(|a, b| b.1.total_cmp(&a.1));
                }
                Some(ProbeScores { listed, top })
            })
            .collect();
        Ok(Analysis {
            log_prob: evaluated.log_prob,
            probes,
        })
    }

    fn log_prob(&mut self, text: &str) -> Result<f64, String> {
        Ok(self.evaluate(text, &[])?.log_prob)
    }

    fn log_probs(&mut self, texts: &[String]) -> Result<Vec<f64>, String> {
        let prefixed = self.cached.len() > self.prefix.len();
        if !prefixed || texts.len() > MAX_VARIANTS {
            return texts.iter().map(|t| self.log_prob(t)).collect();
        }
        self.score_variants(texts)
    }
}
