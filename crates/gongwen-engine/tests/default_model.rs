//! One check on the default model (Qwen2.5-Coder-1.5B-Instruct): a Chinese
//! request through its own chat template yields coherent Chinese. The test
//! suite fetches the model first (`gongwen models fetch default`).

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use gongwen_engine::{
    ChatMessage, ContextConfig, EngineRequest, Input, LoadRequest, LocalEngine, ModelIdentity,
    ModelState, StopReason,
};
use gongwen_models::{Manifest, models_dir_from_env};
use gongwen_proofread::spelling::SpellingConfig;

fn default_engine() -> LocalEngine {
    let spec = Manifest::builtin().unwrap().get("default").unwrap().clone();
    let path = spec.path_in(&models_dir_from_env());
    assert!(path.exists(), "run `gongwen models fetch default` first");
    LocalEngine::start(LoadRequest {
        path,
        identity: ModelIdentity::Known(spec),
        context: ContextConfig {
            n_ctx: 1024,
            ..ContextConfig::for_this_machine()
        },
    })
}

/// The model pass finds a slip no list holds, and leaves right text and
/// protected text alone.
#[test]
fn spelling_fixes_a_slip_no_list_catches() {
    let engine = default_engine();
    let wrong = "进一步完善市场主体退出机智，促进优胜劣汰。";
    let found = engine.spell(wrong, &[], SpellingConfig::default()).unwrap();
    let fixes: Vec<(usize, char, char)> = found.iter().map(|c| (c.at, c.from, c.to)).collect();
    assert_eq!(fixes, [(12, '智', '制')]);
    assert!(
        engine
            .spell(
                "进一步完善市场主体退出机制，促进优胜劣汰。",
                &[],
                SpellingConfig::default(),
            )
            .unwrap()
            .is_empty()
    );
    assert!(
        engine
            .spell(wrong, &[(10, 13)], SpellingConfig::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_chinese_prompt_yields_coherent_chinese() {
    let engine = default_engine();
    let state = engine.wait_settled();
    let ModelState::Ready(info) = state else {
        panic!("expected ready, got {state:?}");
    };
    assert!(info.has_chat_template);

    let report = engine
        .generate(EngineRequest::greedy(
            Input::Messages(vec![
                ChatMessage::system("你是公文写作助手，用简体中文回答。"),
                ChatMessage::user("请用一句话说明“通知”这种公文的用途。"),
            ]),
            96,
        ))
        .finish(|_| {})
        .unwrap();
    let text = report.text.trim();
    eprintln!(
        "default model says: {text} ({:.1} tokens/s)",
        report.tokens_per_second()
    );
    assert!(
        matches!(
            report.stop_reason,
            StopReason::EndOfGeneration | StopReason::MaxTokens
        ),
        "{:?}",
        report.stop_reason
    );
    assert!(text.contains("通知"), "{text}");
    assert!(!text.contains('\u{FFFD}'), "{text}");
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let han = chars
        .iter()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(*c))
        .count();
    assert!(chars.len() >= 8, "{text}");
    assert!(
        han * 10 >= chars.len() * 6,
        "mostly Chinese characters expected: {text}"
    );
    // Not the template's markers leaking into the text.
    assert!(!text.contains("<|im_"), "{text}");
}
