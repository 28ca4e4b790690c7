//! The spelling scorer on the real test model: its scores do not depend on
//! what the KV cache held before, and the spelling pass runs end to end.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use gongwen_engine::{
    ContextConfig, LoadRequest, LocalEngine, ModelIdentity, ModelState, Scorer, backend,
};
use gongwen_models::{Manifest, models_dir_from_env};
use gongwen_proofread::spelling::{LanguageModel, Probe, SpellingConfig};
use llama_cpp_2::model::{LlamaModel, params::LlamaModelParams};

fn test_model() -> (gongwen_models::ModelSpec, std::path::PathBuf) {
    let spec = Manifest::builtin().unwrap().get("test").unwrap().clone();
    let path = spec.path_in(&models_dir_from_env());
    assert!(path.exists(), "run `gongwen models fetch test` first");
    (spec, path)
}

const A: &str = "进一步完善市场主体退出机制，促进优胜劣汰。";
const B: &str = "进一步完善市场主体退出机智，促进优胜劣汰。";

#[test]
fn scores_do_not_depend_on_the_cache() {
    let (_, path) = test_model();
    let backend = backend().unwrap();
    let model = LlamaModel::load_from_file(backend, &path, &LlamaModelParams::default()).unwrap();
    let mut fresh = Scorer::new(backend, &model, 2).unwrap();
    let a = fresh.log_prob(A).unwrap();
    let mut warm = Scorer::new(backend, &model, 2).unwrap();
    warm.log_prob(B).unwrap();
    warm.log_prob("完全不同的一句话。").unwrap();
    let a_again = warm.log_prob(A).unwrap();
    assert!((a - a_again).abs() < 0.05, "{a} vs {a_again}");
    assert!(a.is_finite() && a < 0.0);

    // One analysis: the same total, and a probe per position asked for.
    let probes = [
        Probe {
            at: 12,
            chars: vec!['制', '智', '治'],
        },
        Probe {
            at: 0,
            chars: vec!['进', '近'],
        },
    ];
    let analysis = warm.analyse(A, &probes).unwrap();
    assert!((analysis.log_prob - a).abs() < 0.05);
    // Variants scored together (sharing the sentence's cache): a change
    // in the last tokens scores exactly as alone; one further in is scored
    // over a window past the change and agrees with scoring alone on which
    // text is likelier.
    let last = "进一步完善市场主体退出机制，促进优胜劣汰！".to_owned();
    let together = warm.log_probs(&[last.clone(), B.to_owned()]).unwrap();
    let last_alone = fresh.log_prob(&last).unwrap();
    assert!(
        (together[0] - last_alone).abs() < 0.05,
        "{together:?} vs {last_alone}"
    );
    let b_alone = fresh.log_prob(B).unwrap();
    assert_eq!(
        together[1] < a,
        b_alone < a,
        "{together:?}, {b_alone} vs {a}"
    );
    let analysis = warm.analyse(A, &probes).unwrap();
    assert_eq!(analysis.probes.len(), 2);
    for scores in analysis.probes.iter().flatten() {
        assert!(scores.listed.len() >= 2);
        assert!(scores.listed.iter().all(|l| *l <= 0.0));
        assert!(!scores.top.is_empty());
        assert!(scores.top.windows(2).all(|w| w[0].1 >= w[1].1));
    }
}

#[test]
fn the_spelling_pass_keeps_to_chinese_text_and_protected_spans() {
    let (spec, path) = test_model();
    let engine = LocalEngine::start(LoadRequest {
        path,
        identity: ModelIdentity::Known(spec),
        context: ContextConfig {
            n_ctx: 1024,
            ..ContextConfig::for_this_machine()
        },
    });
    assert!(matches!(engine.wait_settled(), ModelState::Ready(_)));
    let text = "根据GB/T 9704-2012，《党政机关公文处理工作条例》规定，进一步完善退出机智。";
    let chars: Vec<char> = text.chars().collect();
    let protected = [(42, 43)];
    let found = engine
        .spell(text, &protected, SpellingConfig::default())
        .unwrap();
    for c in &found {
        assert_eq!(chars[c.at], c.from);
        assert!(('\u{4E00}'..='\u{9FFF}').contains(&c.from), "{c:?}");
        assert_ne!(c.at, 42, "{c:?}");
        let in_title = text.find('《').map(|b| text[..b].chars().count()).unwrap()
            ..text.find('》').map(|b| text[..b].chars().count()).unwrap();
        assert!(!in_title.contains(&c.at), "{c:?}");
    }
}
