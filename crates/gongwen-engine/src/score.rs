//! Scoring text with the model, for model-assisted spelling: the
//! log-probability of a sentence, and at chosen positions how likely each
//! of a few characters is to come next. Implements the proofreader's
//! [`LanguageModel`] on a llama.cpp context of its own.
//!
//! Several sentences are scored together, each in a sequence of its own in
//! one unified KV cache, all sharing the prefix's entries: one decode of a
//! few hundred tokens costs less per token than many of a few dozen. A
//! sentence analysed again after a change keeps its entries up to the
//! change. Variants of a sentence share its beginning too: scoring one
//! evaluates only a few tokens from the change on.

use std::{collections::HashMap, num::NonZeroU32};

use gongwen_proofread::spelling::{Analysis, Batch, LanguageModel, ProbeScores, ToAnalyse};
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

/// Sentences analysed together, and their characters in all: a batch of
/// about 300–500 tokens.
const SLOTS: usize = 8;
const SLOT_CHARS: usize = 600;
/// Variants scored in one go (one sequence each).
const VARIANT_SEQS: usize = 64;
/// Sequence 0 holds the prefix; sentences use 1..=SLOTS; variants the next
/// VARIANT_SEQS.
const PREFIX_SEQ: i32 = 0;
const FIRST_VARIANT_SEQ: i32 = SLOTS as i32 + 1;
/// Room for the sentences (rare characters take up to four tokens each)
/// and the variants' tails.
const SCORER_CTX: u32 = 4096;
/// Tokens per decode: every token's logits are kept (a row of the whole
/// vocabulary each), so this bounds that buffer too.
const SCORER_BATCH: usize = 512;
/// A variant is scored from its change to this many tokens on (and on to
/// where its tokens line up with the sentence's again). Measured on ECSpell
/// sentences (`gongwen-bench spelling`): 4 tokens with the stricter gains of
/// `SpellingConfig` keep precision and lose a little recall against 6, for
/// a third fewer tokens verified.
const WINDOW: usize = 4;

/// One sentence's sequence.
#[derive(Default)]
struct Slot {
    /// Tokens whose KV entries the sequence holds, prefix included.
    tokens: Vec<LlamaToken>,
    /// For each text token: the byte offset in the text where it ends.
    ends: Vec<usize>,
    /// Per position: the log-probability of its token given those before
    /// (0 within the prefix).
    log_probs: Vec<f32>,
    /// For positions asked about: the log-probability that the token there
    /// starts with each character of `Scorer::chars`.
    rows: HashMap<usize, Vec<f32>>,
}

pub struct Scorer<'m> {
    model: &'m LlamaModel,
    ctx: LlamaContext<'m>,
    prefix: Vec<LlamaToken>,
    slots: Vec<Slot>,
    /// The Chinese characters tokens start with, and for each token the
    /// index of its first character there (None: not Chinese).
    chars: Vec<char>,
    char_index: HashMap<char, usize>,
    first_char: Vec<Option<u32>>,
}

/// How many of the model's likeliest next characters a probe reports.
const TOP_CHARS: usize = 8;

impl<'m> Scorer<'m> {
    pub fn new(
        backend: &LlamaBackend,
        model: &'m LlamaModel,
        n_threads: i32,
    ) -> Result<Scorer<'m>, String> {
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(SCORER_CTX))
            .with_n_batch(SCORER_BATCH as u32)
            .with_n_ubatch(SCORER_BATCH as u32)
            .with_n_seq_max(FIRST_VARIANT_SEQ as u32 + VARIANT_SEQS as u32)
            .with_kv_unified(true)
            .with_n_threads(n_threads)
            .with_n_threads_batch(n_threads);
        let mut ctx = model
            .new_context(backend, params)
            .map_err(|e| e.to_string())?;
        let vocab = model.vocab();
        let mut prefix = Vec::new();
        if vocab.should_add_bos() {
            prefix.push(vocab.bos());
        }
        prefix.extend(vocab.tokenize(PREFIX.as_bytes(), false, false));
        // All but the prefix's last token, once: each sentence evaluates
        // that one itself, for the logits that score its first token.
        let shared: Vec<(LlamaToken, i32, i32)> = prefix[..prefix.len().saturating_sub(1)]
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, i as i32, PREFIX_SEQ))
            .collect();
        decode_each(&mut ctx, &shared, |_, _| {})?;
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
            slots: (0..SLOTS).map(|_| Slot::default()).collect(),
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

    /// Readies slot `i` for `tokens`: keeps the entries it shares with
    /// them (the prefix at least) and returns the first position to
    /// evaluate. The last shared token is evaluated again: its logits score
    /// the first new one; so is the token before each `wanted` row the slot
    /// has not kept.
    fn reuse_slot(&mut self, i: usize, tokens: &[LlamaToken], wanted: &[usize]) -> usize {
        let seq = i as i32 + 1;
        let first_text = self.prefix.len();
        let slot = &mut self.slots[i];
        let common = shared_len(&slot.tokens, tokens);
        let missing = wanted
            .iter()
            .filter(|p| !slot.rows.contains_key(p))
            .map(|p| p.saturating_sub(1))
            .min();
        let mut start = common.saturating_sub(1).min(missing.unwrap_or(usize::MAX));
        let kept = start + 1 >= first_text
            && self
                .ctx
                .clear_kv_cache_seq(Some(seq as u32), Some(start as u32), None)
                .unwrap_or(false);
        if !kept {
            let _ = self.ctx.clear_kv_cache_seq(Some(seq as u32), None, None);
            start = first_text.saturating_sub(1);
            if start > 0 {
                let _ = self
                    .ctx
                    .copy_kv_cache_seq(PREFIX_SEQ, seq, Some(0), Some(start as u32));
            }
            slot.rows.clear();
        }
        slot.rows.retain(|&position, _| position <= start);
        slot.log_probs.truncate(start + 1);
        slot.log_probs.resize(start + 1, 0.0);
        start
    }
}

/// Decodes `items` (token, position, sequence) in batches, every token
/// with its logits, and hands each row to `each` with the item's index.
fn decode_each(
    ctx: &mut LlamaContext<'_>,
    items: &[(LlamaToken, i32, i32)],
    mut each: impl FnMut(usize, &[f32]),
) -> Result<(), String> {
    for (c, chunk) in items.chunks(SCORER_BATCH).enumerate() {
        let mut batch = LlamaBatch::new(chunk.len(), 1);
        for &(token, position, seq) in chunk {
            batch
                .add(token, position, &[seq], true)
                .map_err(|e| e.to_string())?;
        }
        ctx.decode(&mut batch).map_err(|e| e.to_string())?;
        for i in 0..chunk.len() {
            each(c * SCORER_BATCH + i, ctx.get_logits_ith(i as i32));
        }
    }
    Ok(())
}

fn shared_len(a: &[LlamaToken], b: &[LlamaToken]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Byte spans of the text tokens, from their ends.
fn spans_of(ends: &[usize]) -> Vec<(usize, usize)> {
    std::iter::once(0)
        .chain(ends.iter().copied())
        .zip(ends.iter().copied())
        .collect()
}

fn log_sum_exp(values: impl Iterator<Item = f32> + Clone) -> f32 {
    let max = values.clone().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return max;
    }
    max + values.map(|v| (v - max).exp()).sum::<f32>().ln()
}

impl LanguageModel for Scorer<'_> {
    fn batch(&self) -> Batch {
        Batch {
            texts: SLOTS,
            chars: SLOT_CHARS,
        }
    }

    fn analyse(&mut self, texts: &[ToAnalyse<'_>]) -> Result<Vec<Analysis>, String> {
        if texts.len() > SLOTS {
            return Err(format!("一次最多评分 {SLOTS} 句"));
        }
        // Slots this call leaves unused give their cache entries back.
        for i in texts.len()..SLOTS {
            if !self.slots[i].tokens.is_empty() {
                let _ = self.ctx.clear_kv_cache_seq(Some(i as u32 + 1), None, None);
                self.slots[i] = Slot::default();
            }
        }
        let first_text = self.prefix.len();
        let mut items = Vec::new();
        let mut owners = Vec::new();
        // Per text: the positions whose rows its probes need (the token a
        // probe's character starts).
        let mut wanted = Vec::with_capacity(texts.len());
        for (i, request) in texts.iter().enumerate() {
            let (tokens, ends) = self.tokens_of(request.text)?;
            let text_spans = spans_of(&ends);
            let byte_at: Vec<usize> = request
                .text
                .char_indices()
                .map(|(b, _)| b)
                .chain([request.text.len()])
                .collect();
            let positions: Vec<Option<usize>> = request
                .probes
                .iter()
                .map(|probe| {
                    let byte = *byte_at.get(probe.at)?;
                    let k = text_spans.iter().position(|&(s, _)| s == byte)?;
                    Some(first_text + k)
                })
                .collect();
            let rows: Vec<usize> = positions.iter().flatten().copied().collect();
            let start = self.reuse_slot(i, &tokens, &rows);
            for (position, &token) in tokens.iter().enumerate().skip(start) {
                items.push((token, position as i32, i as i32 + 1));
                owners.push((i, position));
            }
            let slot = &mut self.slots[i];
            slot.tokens = tokens;
            slot.ends = ends;
            slot.log_probs.resize(slot.tokens.len(), 0.0);
            wanted.push(positions);
        }
        let (slots, chars, first_char) = (&mut self.slots, &self.chars, &self.first_char);
        decode_each(&mut self.ctx, &items, |row, logits| {
            let (i, position) = owners[row];
            let slot = &mut slots[i];
            let Some(&next) = slot.tokens.get(position + 1) else {
                return;
            };
            let lse = log_sum_exp(logits.iter().copied());
            slot.log_probs[position + 1] =
                logits.get(next.0 as usize).map_or(f32::MIN, |l| l - lse);
            if wanted[i].contains(&Some(position + 1)) {
                let mut mass = vec![0f32; chars.len()];
                for (l, c) in logits.iter().zip(first_char) {
                    if let Some(c) = c {
                        mass[*c as usize] += (l - lse).exp();
                    }
                }
                slot.rows
                    .insert(position + 1, mass.into_iter().map(f32::ln).collect());
            }
        })?;
        let mut out = Vec::with_capacity(texts.len());
        for (i, request) in texts.iter().enumerate() {
            let slot = &self.slots[i];
            let probes = request
                .probes
                .iter()
                .zip(&wanted[i])
                .map(|(probe, position)| {
                    let row = slot.rows.get(&(*position)?)?;
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
                    Some(ProbeScores {
                        listed,
                        top: self.top_chars(row),
                    })
                })
                .collect();
            out.push(Analysis {
                log_prob: slot.log_probs[first_text.min(slot.log_probs.len())..]
                    .iter()
                    .map(|&l| l as f64)
                    .sum(),
                probes,
            });
        }
        Ok(out)
    }

    fn log_probs(&mut self, variants: &[(usize, String)]) -> Result<Vec<f64>, String> {
        let mut out = Vec::with_capacity(variants.len());
        for chunk in variants.chunks(VARIANT_SEQS) {
            out.extend(self.score_variants(chunk)?);
        }
        Ok(out)
    }
}

impl Scorer<'_> {
    /// The model's likeliest next characters in a row, likeliest first.
    fn top_chars(&self, row: &[f32]) -> Vec<(char, f32)> {
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
        top
    }

    /// Scores variants of analysed sentences together: each variant gets a
    /// sequence sharing its sentence's KV entries up to its first changed
    /// token, and all changed tails go in one batch.
    fn score_variants(&mut self, variants: &[(usize, String)]) -> Result<Vec<f64>, String> {
        let first_text = self.prefix.len();
        // (slot, tokens, start, window end k, the sentence's token index m
        // whose end lines up with the variant's token k)
        let mut planned = Vec::with_capacity(variants.len());
        let mut items = Vec::new();
        let mut owners = Vec::new();
        for (j, (i, text)) in variants.iter().enumerate() {
            let slot = self
                .slots
                .get(*i)
                .filter(|s| s.tokens.len() > first_text)
                .ok_or_else(|| "变体所属的句子未评分".to_owned())?;
            let (tokens, ends) = self.tokens_of(text)?;
            let common = shared_len(&slot.tokens, &tokens);
            // From the last shared token: its logits score the first new one.
            let start = common.clamp(first_text.max(1), tokens.len()) - 1;
            // The window closes WINDOW tokens on, where the two token
            // streams meet again; past it the variant reads as the sentence.
            let mut window = (tokens.len() - 1, slot.tokens.len() - 1);
            for k in (start + 1)..tokens.len() {
                let end = ends[k - first_text];
                let meets = slot
                    .ends
                    .iter()
                    .position(|&e| e == end)
                    .map(|m| m + first_text);
                if let Some(m) = meets.filter(|_| k - start >= WINDOW) {
                    window = (k, m);
                    break;
                }
            }
            let seq = FIRST_VARIANT_SEQ + j as i32;
            let _ = self.ctx.clear_kv_cache_seq(Some(seq as u32), None, None);
            self.ctx
                .copy_kv_cache_seq(*i as i32 + 1, seq, Some(0), Some(start as u32))
                .map_err(|e| e.to_string())?;
            for (position, &token) in tokens.iter().enumerate().take(window.0).skip(start) {
                items.push((token, position as i32, seq));
                owners.push((j, position));
            }
            planned.push((*i, tokens, start, window));
        }
        let mut tails = vec![0f64; variants.len()];
        decode_each(&mut self.ctx, &items, |row, logits| {
            let (j, position) = owners[row];
            let (_, tokens, _, _) = &planned[j];
            if let Some(next) = tokens.get(position + 1) {
                let lse = log_sum_exp(logits.iter().copied());
                tails[j] += logits.get(next.0 as usize).map_or(f32::MIN, |l| l - lse) as f64;
            }
        })?;
        let mut out = Vec::with_capacity(variants.len());
        for (j, (i, _, start, (_, m))) in planned.iter().enumerate() {
            // Shared tokens and the tail past the window keep the
            // sentence's own log-probabilities.
            let log_probs = &self.slots[*i].log_probs;
            let sentence = |range: std::ops::Range<usize>| -> f64 {
                log_probs
                    .get(range)
                    .map_or(0.0, |l| l.iter().map(|&l| l as f64).sum())
            };
            out.push(sentence(first_text..start + 1) + tails[j] + sentence(m + 1..log_probs.len()));
            let _ = self.ctx.clear_kv_cache_seq(
                Some((FIRST_VARIANT_SEQ + j as i32) as u32),
                None,
                None,
            );
        }
        Ok(out)
    }
}
