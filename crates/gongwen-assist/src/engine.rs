//! [`TextModel`] over the worker-process engine.

use gongwen_engine::{
    ChatMessage, Engine, EngineRequest, GenerationEvent, Input, Overflow, PromptFeeding,
    SamplingParams, StopReason,
};

use crate::{Completed, Completion, Finish, Flow, ModelError, TextModel};

pub struct EngineModel<'e> {
    engine: &'e Engine,
    /// The model has a chat template; otherwise prompts go in as plain text
    /// (base models, such as the small test model).
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
        let input = if self.chat {
            Input::Messages(vec![
                ChatMessage::system(request.system.clone()),
                ChatMessage::user(request.user.clone()),
            ])
        } else {
            Input::Text(format!(
                "{}\n\n{}\n\n{}",
                request.system.trim(),
                request.user.trim(),
                request.answer_prefix
            ))
        };
        let sampling = if request.creative {
            SamplingParams::drafting(self.seed)
        } else {
            // Greedy, with a light penalty: small models loop otherwise.
            SamplingParams {
                repeat_penalty: 1.1,
                repeat_last_n: 128,
                ..SamplingParams::greedy()
            }
        };
        let mut generation = self.engine.generate(EngineRequest {
            input,
            max_tokens: request.max_tokens,
            stop: request.stop.clone(),
            sampling,
            overflow: Overflow::TruncateLongestContent,
            prompt_feeding: if request.background {
                PromptFeeding::FullBatches
            } else {
                PromptFeeding::Cancellable
            },
        });
        let mut text = if self.chat {
            String::new()
        } else {
            request.answer_prefix.clone()
        };
        let mut stopped = false;
        while let Some(event) = generation.next_event() {
            match event {
                GenerationEvent::Text(piece) => {
                    text.push_str(&piece);
                    if !stopped && on_text(&piece) == Flow::Stop {
                        stopped = true;
                        generation.cancel();
                    }
                }
                GenerationEvent::Progress { .. } => {}
                GenerationEvent::Done(report) => {
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
