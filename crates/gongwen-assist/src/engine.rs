//! [`TextModel`] over the worker-process engine.

use gongwen_engine::{
    ChatMessage, Engine, EngineRequest, GenerationEvent, Input, Overflow, PromptFeeding,
    SamplingParams, StopReason, TokenBan,
};

use crate::{
    Completed, Completion, Finish, Flow, ModelError, Prompt, TextModel, think::ThinkSplitter,
};

pub struct EngineModel<'e> {
    engine: &'e Engine,
    /// The model has a chat template; otherwise chat prompts go in as plain
    /// text (base models, such as the small test model).
    chat: bool,
    seed: u32,
}

impl<'e> EngineModel<'e> {
    pub fn new(engine: &'e Engine, chat: bool) -> EngineModel<'e> {
        EngineModel {
            engine,
            chat,
            seed: 0,
        }
    }

    /// The seed for sampled (creative) requests.
    pub fn with_seed(mut self, seed: u32) -> EngineModel<'e> {
        self.seed = seed;
        self
    }
}

impl TextModel for EngineModel<'_> {
    fn complete(
        &self,
        request: &Completion,
        on_text: &mut dyn FnMut(&str) -> Flow,
    ) -> Result<Completed, ModelError> {
        let (input, prefix) = match &request.prompt {
            Prompt::Chat {
                system,
                user,
                answer_prefix: _,
            } if self.chat => (
                Input::Messages(vec![
                    ChatMessage::system(system.clone()),
                    ChatMessage::user(user.clone()),
                ]),
                String::new(),
            ),
            Prompt::Chat {
                system,
                user,
                answer_prefix,
            } => (
                Input::Text(format!(
                    "{}\n\n{}\n\n{answer_prefix}",
                    system.trim(),
                    user.trim()
                )),
                answer_prefix.clone(),
            ),
            Prompt::Continue(page) => (Input::Text(page.clone()), String::new()),
        };
        let seed = self.seed.wrapping_add(request.seed.wrapping_mul(7919));
        let mut sampling = if request.creative {
            SamplingParams::drafting(seed)
        } else {
            // Greedy, with a light penalty: small models loop otherwise.
            SamplingParams {
                repeat_penalty: 1.1,
                repeat_last_n: 128,
                ..SamplingParams::greedy()
            }
        };
        if request.prose {
            sampling.ban = TokenBan::Prose;
        }
        let mut generation = self.engine.generate(EngineRequest {
            input,
            max_tokens: request.max_tokens,
            stop: request.stop.clone(),
            sampling,
            overflow: Overflow::TruncateLongestContent,
            prompt_feeding: if request.full_batches {
                PromptFeeding::FullBatches
            } else {
                PromptFeeding::Cancellable
            },
        });
        let mut text = prefix;
        let mut thinking = ThinkSplitter::default();
        let mut stopped = false;
        let mut deliver = |piece: &str, text: &mut String, stopped: &mut bool| {
            if piece.is_empty() {
                return;
            }
            text.push_str(piece);
            if !*stopped && on_text(piece) == Flow::Stop {
                *stopped = true;
            }
        };
        while let Some(event) = generation.next_event() {
            match event {
                GenerationEvent::Text(piece) => {
                    let answer = thinking.push(&piece);
                    deliver(&answer, &mut text, &mut stopped);
                    if stopped {
                        generation.cancel();
                    }
                }
                GenerationEvent::Progress { .. } => {}
                GenerationEvent::Done(report) => {
                    let rest = thinking.finish();
                    deliver(&rest, &mut text, &mut stopped);
                    let finish = match report.stop_reason {
                        StopReason::Cancelled => Finish::Stopped,
                        StopReason::MaxTokens | StopReason::ContextFull => Finish::Length,
                        StopReason::Repetition => Finish::Repetition,
                        StopReason::EndOfGeneration | StopReason::StopString => Finish::Done,
                    };
                    return Ok(Completed {
                        text,
                        finish,
                        prompt_tokens: report.prompt_tokens,
                        truncated_tokens: report.truncated_tokens,
                        generated_tokens: report.generated_tokens,
                        tokens_per_second: report.tokens_per_second(),
                        elapsed_ms: report.prompt_eval_ms + report.generation_ms,
                        logprob: report.logprob,
                        thinking: thinking.thought,
                    });
                }
                GenerationEvent::Failed { code, message } => {
                    return Err(ModelError { code, message });
                }
            }
        }
        Err(ModelError {
            code: "engine-crashed".to_owned(),
            message: "模型进程意外结束".to_owned(),
        })
    }
}
