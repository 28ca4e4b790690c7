use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Subcommand};
use gongwen_bench::{
    llama_bench::{self, Build},
    median,
};
use gongwen_engine::{
    ContextConfig, Engine, LoadRequest, ModelIdentity, WorkerCommand,
    cpu::{CpuLevel, Plan},
    physical_cores,
    speed::{EngineFigures, measure_in},
};

use crate::Failure;

/// `--model`: a manifest name or a GGUF path; a benchmark may load a file
/// the manifest does not know (it says which file it measured).
fn load_request(model: &str) -> Result<LoadRequest, Failure> {
    Ok(LoadRequest::resolve(
        model,
        true,
        ContextConfig::for_this_machine(),
    )?)
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// 推理引擎：在本机处理器选用的模型运行组件中测速，与同样选项构建的和本机原生构建的 llama-bench 在同一模型、同一线程数下对比
    Engine(EngineArgs),
    /// 草稿库：保存 3 万字草稿一个修订的延迟，加密库与普通 SQLite 在同一次运行中对比
    Store {
        /// 每种库保存的次数
        #[arg(long, default_value_t = 200)]
        saves: usize,
    },
    /// 导出 .docx：约 50 页的公文，与 LibreOffice 把同样的文字写成 .docx 对比
    Docx {
        /// 测量次数，取中位数
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// 导入 PDF：与 poppler 的 pdftotext 在同样的文件上对比耗时与文字一致率
    Pdf {
        /// PDF 文件
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// 测量次数，取中位数
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// 模型辅助纠错：在标注语料（标签<TAB>原句<TAB>正确句）上计算句级准确率、召回率、F1 与误报率
    Spelling(SpellingArgs),
    /// 起草：按一组起草题目逐一起草，按核稿规则逐项检查，统计通过率、编造的事实、保留的要点事实与用时
    Drafting {
        /// 起草题目（TOML），如 tests/drafting/briefs.toml
        file: PathBuf,
        /// 模型：default、test，或 GGUF 文件路径
        #[arg(long, default_value = "default")]
        model: String,
        /// 列出每份稿子
        #[arg(long)]
        verbose: bool,
        /// 把每份稿子（连同未通过的检查、删去的句子和模型原文）写入此目录
        #[arg(long)]
        out: Option<PathBuf>,
        /// 只起草这些题目（序号从 1 起，逗号分隔），用于调试
        #[arg(long, value_delimiter = ',')]
        only: Vec<usize>,
    },
    /// 红队语料：用模型逐一摘要含恶意指令的文档，统计有多少被“执行”到用户看到的结果中
    Redteam {
        /// 红队语料（TOML），如 tests/redteam/cases.toml
        file: PathBuf,
        /// 语料引用的底稿所在目录
        #[arg(long, default_value = "tests/summaries")]
        documents: PathBuf,
        /// 模型：default、test，或 GGUF 文件路径
        #[arg(long, default_value = "default")]
        model: String,
    },
    /// 摘要覆盖度：逐篇摘要带有人工要点（*.points.toml）的文档，统计要点覆盖率、引用核实率、篇幅比与用时
    Summary {
        /// 文档目录，如 tests/summaries
        #[arg(default_value = "tests/summaries")]
        dir: PathBuf,
        /// 模型：default、test、none（不用模型，只摘录原文）或 GGUF 文件路径
        #[arg(long, default_value = "default")]
        model: String,
        /// 列出每篇未覆盖的要点
        #[arg(long)]
        verbose: bool,
    },
    /// 整篇校对：规则加模型逐段纠错，统计用时；给出正确稿时统计预埋错字找到多少
    ProofreadDoc {
        /// 要校对的文档（.txt、.docx、.pdf），如 tests/proofread/planted-5000.txt
        file: PathBuf,
        /// 同一文档的正确稿（逐字对齐），用于统计预埋错字
        #[arg(long)]
        right: Option<PathBuf>,
        /// 模型：default、test，或 GGUF 文件路径
        #[arg(long, default_value = "default")]
        model: String,
    },
    /// 规则校对吞吐量：约 10 万字的文档，单线程
    Proofread {
        /// 测量次数，取中位数
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

#[derive(Args)]
pub struct EngineArgs {
    /// 模型：default、test，或 GGUF 文件路径
    #[arg(long, default_value = "default")]
    model: String,
    /// 线程数（默认：物理核心数）
    #[arg(long)]
    threads: Option<i32>,
    /// 轮数：本引擎与 llama-bench 交替运行，取中位数
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

#[derive(Args)]
pub struct SpellingArgs {
    /// 标注语料，如 ECSpell 的 odw.train.tsv
    file: PathBuf,
    /// 模型：default、test，或 GGUF 文件路径
    #[arg(long, default_value = "default")]
    model: String,
    /// 每隔几句取一句（抽样评测）
    #[arg(long, default_value_t = 1)]
    every: usize,
    /// 从第几句开始抽样（从 0 起）
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// 最多评测多少句
    #[arg(long)]
    limit: Option<usize>,
    /// 逐句列出未改对或误改的句子
    #[arg(long)]
    verbose: bool,
    /// 调参：接受一处改动所需的整句对数概率增益（同音、形近字）
    #[arg(long)]
    accept_gain: Option<f64>,
    /// 调参：候选字在上文条件下至少比原字高出的对数概率
    #[arg(long)]
    min_left_ratio: Option<f32>,
    /// 调参：每轮另行核验的词典建议数（上文不看好、但改后成词的字）
    #[arg(long)]
    dictionary_candidates: Option<usize>,
}

pub fn run(command: BenchCommand) -> Result<ExitCode, Failure> {
    match command {
        BenchCommand::Engine(args) => bench_engine(args),
        BenchCommand::Store { saves } => bench_store(saves),
        BenchCommand::Docx { runs } => bench_docx(runs),
        BenchCommand::Pdf { files, runs } => bench_pdf(&files, runs),
        BenchCommand::Spelling(args) => bench_spelling(args),
        BenchCommand::Redteam {
            file,
            documents,
            model,
        } => bench_redteam(&file, &documents, &model),
        BenchCommand::Drafting {
            file,
            model,
            verbose,
            out,
            only,
        } => bench_drafting(&file, &model, verbose, out.as_deref(), &only),
        BenchCommand::Summary {
            dir,
            model,
            verbose,
        } => bench_summary(&dir, &model, verbose),
        BenchCommand::ProofreadDoc { file, right, model } => {
            bench_proofread_doc(&file, right.as_deref(), &model)
        }
        BenchCommand::Proofread { runs } => {
            let figures = gongwen_bench::proofread::measure(100_000, runs);
            let runs: Vec<String> = figures
                .runs_ms
                .iter()
                .map(|ms| format!("{ms:.1}"))
                .collect();
            println!(
                "文档 {} 字，{} 处发现；各次耗时（毫秒）：{}；中位数 {:.1} 毫秒",
                figures.chars,
                figures.findings,
                runs.join(" "),
                median(&figures.runs_ms)
            );
            println!("proofread chars/s {:.0}", figures.chars_per_second());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn bench_engine(args: EngineArgs) -> Result<ExitCode, Failure> {
    let threads = args.threads.unwrap_or(physical_cores() as i32);
    let request = load_request(&args.model)?;
    if let ModelIdentity::Known(spec) = &request.identity {
        let status = gongwen_models::status_of(spec, &request.path, &mut |_, _| {})?;
        if let Some(e) = status.clone().into_error(spec) {
            return Err(e.into());
        }
        if !status.is_verified() {
            return Err(Failure {
                code: "model-missing".to_owned(),
                message: format!("未找到模型文件 {}", request.path.display()),
            });
        }
    }
    // What users get: the worker the host starts on this CPU.
    let exe = std::env::current_exe().map_err(|e| Failure::new("bench-engine", e.to_string()))?;
    let plan = Plan::for_exe(&exe);
    let level = plan.chosen.as_ref().map_or(CpuLevel::V3, |c| c.level);
    let worker = WorkerCommand::of_plan(&exe, &plan);
    let cache = PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
        .join(".cache/gongwen/llama-bench");
    let jobs = physical_cores().max(1);
    let built = |build_as| {
        llama_bench::ensure_built(&cache, build_as, jobs, &mut |step| eprintln!("{step}"))
    };
    let reference = built(Build::Level(level))?;
    let native = built(Build::Native)?;
    let options: Vec<String> = Build::Level(level)
        .cmake_options()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    println!("模型：{}", request.path.display());
    println!(
        "线程：{threads}；模型运行组件：{}（{}）；llama.cpp 构建选项：{}",
        level.name(),
        worker.program.display(),
        options.join(" ")
    );
    println!(
        "参照：{}；本机原生构建 {}（llama-bench 源码取自 {}）",
        reference.display(),
        native.display(),
        llama_bench::BENCH_SOURCE_PACKAGE
    );

    let mut ours = EngineFigures::default();
    let mut theirs_pp = Vec::new();
    let mut theirs_tg = Vec::new();
    let mut native_pp = Vec::new();
    let mut native_tg = Vec::new();
    for round in 1..=args.rounds.max(1) {
        eprintln!("第 {round} 轮：本引擎（{}）", level.name());
        let figures = measure_in(&worker, &request.path, threads, 1)
            .map_err(|e| Failure::new("bench-engine", e))?;
        eprintln!("第 {round} 轮：llama-bench（{}）", level.name());
        let reference_figures = llama_bench::run(&reference, &request.path, threads, 1)?;
        eprintln!("第 {round} 轮：llama-bench（本机原生）");
        let native_figures = llama_bench::run(&native, &request.path, threads, 1)?;
        ours.pp512.extend(figures.pp512);
        ours.pp512_cancellable.extend(figures.pp512_cancellable);
        ours.tg128.extend(figures.tg128);
        ours.ttft_cold_ms.extend(figures.ttft_cold_ms);
        ours.ttft_reused_ms.extend(figures.ttft_reused_ms);
        ours.long_prompt_tokens = figures.long_prompt_tokens;
        ours.kernels = figures.kernels;
        theirs_pp.push(reference_figures.pp512);
        theirs_tg.push(reference_figures.tg128);
        native_pp.push(native_figures.pp512);
        native_tg.push(native_figures.tg128);
    }

    let pp = median(&ours.pp512);
    let pp_cancellable = median(&ours.pp512_cancellable);
    let tg = median(&ours.tg128);
    let ref_pp = median(&theirs_pp);
    let ref_tg = median(&theirs_tg);
    let native_pp_median = median(&native_pp);
    let native_tg_median = median(&native_tg);
    let cold = median(&ours.ttft_cold_ms);
    let reused = median(&ours.ttft_reused_ms);
    let fmt = |values: &[f64]| {
        values
            .iter()
            .map(|v| format!("{v:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "本引擎      pp512 {pp:8.1} t/s（各轮 {}；内核 {}）",
        fmt(&ours.pp512),
        ours.kernels
    );
    println!(
        "本引擎      pp512 {pp_cancellable:8.1} t/s 可取消分块输入（各轮 {}）",
        fmt(&ours.pp512_cancellable)
    );
    println!(
        "本引擎      tg128 {tg:8.1} t/s（各轮 {}）",
        fmt(&ours.tg128)
    );
    println!(
        "llama-bench pp512 {ref_pp:8.1} t/s（各轮 {}）",
        fmt(&theirs_pp)
    );
    println!(
        "llama-bench tg128 {ref_tg:8.1} t/s（各轮 {}）",
        fmt(&theirs_tg)
    );
    println!(
        "首词元时间（{} 词元中文提示）：冷启动 {cold:.0} ms，复用前缀 {reused:.0} ms（{:.1}%）",
        ours.long_prompt_tokens,
        if cold > 0.0 {
            reused * 100.0 / cold
        } else {
            0.0
        }
    );
    println!(
        "原生 llama-bench pp512 {native_pp_median:8.1} t/s（各轮 {}）",
        fmt(&native_pp)
    );
    println!(
        "原生 llama-bench tg128 {native_tg_median:8.1} t/s（各轮 {}）",
        fmt(&native_tg)
    );
    let ratio = |ours: f64, theirs: f64| if theirs > 0.0 { ours / theirs } else { 0.0 };
    println!(
        "engine/llama-bench pp512 {:.2} tg128 {:.2} native pp512 {:.2} tg128 {:.2}",
        ratio(pp, ref_pp),
        ratio(tg, ref_tg),
        ratio(pp, native_pp_median),
        ratio(tg, native_tg_median)
    );
    Ok(ExitCode::SUCCESS)
}

fn bench_store(saves: usize) -> Result<ExitCode, Failure> {
    use gongwen_bench::store::{measure, percentile};
    let dir = tempfile::tempdir().map_err(|e| Failure::new("bench-io", e.to_string()))?;
    let figures = measure(dir.path(), 30_000, saves.max(1))?;
    let row = |name: &str, ms: &[f64]| {
        println!(
            "{name}：保存 {} 次，p50 {:.2} 毫秒，p99 {:.2} 毫秒",
            ms.len(),
            percentile(ms, 50.0),
            percentile(ms, 99.0)
        );
    };
    println!(
        "草稿 {} 字，每次保存一个修订（WAL，synchronous=FULL）",
        figures.chars
    );
    row("SQLCipher 加密库", &figures.encrypted_ms);
    row("普通 SQLite", &figures.plain_ms);
    let ratio = |p: f64| {
        let plain = percentile(&figures.plain_ms, p);
        if plain > 0.0 {
            percentile(&figures.encrypted_ms, p) / plain
        } else {
            0.0
        }
    };
    println!(
        "store/plain save-p50 {:.2} save-p99 {:.2}",
        ratio(50.0),
        ratio(99.0)
    );
    Ok(ExitCode::SUCCESS)
}

fn bench_docx(runs: usize) -> Result<ExitCode, Failure> {
    use gongwen_bench::formats::{docx_export, long_document};
    let dir = tempfile::tempdir().map_err(|e| Failure::new("bench-io", e.to_string()))?;
    let doc = long_document(50);
    let chars: usize = doc.body.iter().map(|b| b.to_text().chars().count()).sum();
    let runs = docx_export(&doc, dir.path(), runs.max(1))?;
    let (ours, theirs) = (median(&runs.ours_ms), median(&runs.reference_ms));
    println!(
        "文档约 50 页（正文 {chars} 字），各测 {} 次取中位数",
        runs.ours_ms.len()
    );
    println!("公文助手导出 .docx（GB/T 9704 版式）：{ours:.1} 毫秒");
    println!(
        "LibreOffice 把同样文字写成 .docx（无头模式，含进程启动，配置已预热）：{theirs:.1} 毫秒"
    );
    println!(
        "docx/libreoffice time {:.3}",
        if theirs > 0.0 { ours / theirs } else { 0.0 }
    );
    Ok(ExitCode::SUCCESS)
}

fn bench_pdf(files: &[std::path::PathBuf], runs: usize) -> Result<ExitCode, Failure> {
    let figures = gongwen_bench::formats::pdf_import(files, runs)?;
    let (mut ours, mut theirs, mut weighted, mut pages) = (0.0, 0.0, 0.0, 0usize);
    for f in &figures {
        println!(
            "{}：{} 页，公文助手 {:.1} 毫秒，pdftotext {:.1} 毫秒，文字一致率 {:.2}%",
            f.file.display(),
            f.pages,
            f.ours_ms,
            f.pdftotext_ms,
            f.accuracy * 100.0
        );
        ours += f.ours_ms;
        theirs += f.pdftotext_ms;
        weighted += f.accuracy * f.pages as f64;
        pages += f.pages;
    }
    println!(
        "pdf/pdftotext time {:.3} accuracy {:.4}",
        if theirs > 0.0 { ours / theirs } else { 0.0 },
        if pages > 0 {
            weighted / pages as f64
        } else {
            0.0
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn bench_proofread_doc(
    file: &std::path::Path,
    right: Option<&std::path::Path>,
    model: &str,
) -> Result<ExitCode, Failure> {
    let text = gongwen_desk::read_document(file)?;
    let right = right.map(gongwen_desk::read_document).transpose()?;
    let engine = ready_local_engine(model)?;
    let config = gongwen_proofread::spelling::SpellingConfig::default();
    let figures = gongwen_bench::proofread_doc::measure(
        &text,
        right.as_deref(),
        &gongwen_proofread::Options::default(),
        |paragraph, protected| {
            engine
                .spell(paragraph, protected, config)
                .map_err(|(_, message)| message)
        },
        |done, of| {
            if done % 10 == 0 || done == of {
                eprintln!("{done}/{of} 段");
            }
        },
    )
    .map_err(|message| Failure::new("spelling-failed", message))?;
    println!(
        "文档 {} 字，{} 段：规则 {:.1} 毫秒，{} 处；模型 {:.1} 秒，{} 处",
        figures.chars,
        figures.paragraphs,
        figures.rules_ms,
        figures.rule_findings,
        figures.model_seconds,
        figures.model_findings
    );
    if right.is_some() {
        println!(
            "预埋错字 {} 处，找到 {} 处（规则 {}，模型 {}）；模型误报 {} 处",
            figures.planted,
            figures.found,
            figures.found_by_rules,
            figures.found_by_model,
            figures.model_false
        );
    }
    println!(
        "proofread-doc chars {} rules_ms {:.1} model_s {:.1} planted {} found {} model_false {}",
        figures.chars,
        figures.rules_ms,
        figures.model_seconds,
        figures.planted,
        figures.found,
        figures.model_false
    );
    Ok(ExitCode::SUCCESS)
}

/// The model loaded in this process, or why it cannot be.
fn ready_local_engine(model: &str) -> Result<gongwen_engine::LocalEngine, Failure> {
    let request = load_request(model)?;
    let engine = gongwen_engine::LocalEngine::start(request);
    if let state @ (gongwen_engine::ModelState::Failed { .. }
    | gongwen_engine::ModelState::Missing { .. }) = engine.wait_settled()
    {
        return Err(Failure {
            code: "model-unavailable".to_owned(),
            message: format!("模型不可用：{state:?}"),
        });
    }
    Ok(engine)
}

fn bench_spelling(args: SpellingArgs) -> Result<ExitCode, Failure> {
    use gongwen_bench::spelling::{evaluate, read_pairs};
    let tsv = std::fs::read_to_string(&args.file).map_err(|e| Failure {
        code: "io".to_owned(),
        message: format!("无法读取 {}：{e}", args.file.display()),
    })?;
    let pairs: Vec<_> = read_pairs(&tsv)
        .into_iter()
        .skip(args.offset)
        .step_by(args.every.max(1))
        .take(args.limit.unwrap_or(usize::MAX))
        .collect();
    let engine = ready_local_engine(&args.model)?;
    let mut config = gongwen_proofread::spelling::SpellingConfig::default();
    if let Some(gain) = args.accept_gain {
        config.accept_gain = gain;
    }
    if let Some(ratio) = args.min_left_ratio {
        config.min_left_ratio = ratio;
    }
    if let Some(n) = args.dictionary_candidates {
        config.verify_dictionary_per_round = n;
    }
    let total = pairs.len();
    let figures = evaluate(
        &pairs,
        |text| {
            engine
                .spell(text, &[], config)
                .map_err(|(_, message)| message)
        },
        |pair, output, f| {
            if args.verbose && output != pair.target {
                eprintln!("{}\n  应为 {}\n  输出 {}", pair.source, pair.target, output);
            }
            if f.sentences % 20 == 0 {
                eprintln!(
                    "{}/{total} 句：F1 {:.3}，误报 {:.1}%，{:.2} 句/秒",
                    f.sentences,
                    f.f1(),
                    f.false_alarm_rate() * 100.0,
                    f.sentences_per_second()
                );
            }
        },
    )
    .map_err(|message| Failure {
        code: "spelling-failed".to_owned(),
        message,
    })?;
    println!(
        "{} 句（有错 {}，无错 {}）：改对 {}，改动 {}，误改无错句 {}；用时 {:.0} 秒",
        figures.sentences,
        figures.erroneous,
        figures.clean,
        figures.corrected,
        figures.changed,
        figures.false_alarms,
        figures.seconds
    );
    println!(
        "spelling precision {:.3} recall {:.3} f1 {:.3} false_alarms {:.3} sentences/s {:.2}",
        figures.precision(),
        figures.recall(),
        figures.f1(),
        figures.false_alarm_rate(),
        figures.sentences_per_second()
    );
    Ok(ExitCode::SUCCESS)
}

fn bench_drafting(
    file: &std::path::Path,
    model: &str,
    verbose: bool,
    out: Option<&std::path::Path>,
    only: &[usize],
) -> Result<ExitCode, Failure> {
    use gongwen_bench::drafting::{check_name, evaluate, read_briefs};
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::new("io", format!("无法读取 {}：{e}", file.display())))?;
    let mut briefs = read_briefs(&text).map_err(|m| Failure::new("bench-briefs", m))?;
    let numbers: Vec<usize> = if only.is_empty() {
        (1..=briefs.len()).collect()
    } else {
        only.to_vec()
    };
    briefs = numbers
        .iter()
        .filter_map(|n| n.checked_sub(1).and_then(|i| briefs.get(i)).cloned())
        .collect();
    if let Some(dir) = out {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::new("io", format!("无法创建 {}：{e}", dir.display())))?;
    }
    let (engine, chat) = assist_engine(model)?;
    let model = gongwen_assist::engine::EngineModel::new(&engine, chat);
    let date = gongwen_domain::WrittenDate {
        year: 2026,
        month: 3,
        day: 1,
    };
    let mut next = numbers.iter();
    let figures = evaluate(&briefs, &model, date, |brief, result| {
        let n = next.next().copied().unwrap_or(0);
        match result {
            Ok((d, scored)) => {
                let verdict = if scored.passed {
                    "通过".to_owned()
                } else if !scored.by_model {
                    format!("未通过（改为模板）：{}", d.notices.join("；"))
                } else {
                    let failures: Vec<String> = scored
                        .failures
                        .iter()
                        .map(|(c, m)| format!("{}：{m}", check_name(c)))
                        .collect();
                    format!("未通过：{}", failures.join("；"))
                };
                eprintln!(
                    "{n:>2} [{}|{}] {} — {verdict}；事实 {}/{}，编造 {}，{:.1} 秒，{} 次生成",
                    brief.kind,
                    brief.elements,
                    d.document.title,
                    scored.kept_facts,
                    scored.brief_facts,
                    scored.invented.len(),
                    scored.seconds,
                    scored.attempts
                );
                if verbose {
                    eprintln!("{}\n", d.text);
                }
                if let Some(dir) = out {
                    let mut page = format!("要点：{}\n\n{}\n", brief.brief, d.text);
                    for notice in &d.notices {
                        page.push_str(&format!("\n注意：{notice}"));
                    }
                    for (c, m) in &scored.failures {
                        page.push_str(&format!("\n未通过：{}：{m}", check_name(c)));
                    }
                    for cut in &d.removed {
                        page.push_str(&format!("\n删去：{cut}"));
                    }
                    for why in &d.rewrites {
                        page.push_str(&format!("\n重写：{why}"));
                    }
                    for clause in &d.added {
                        page.push_str(&format!("\n补入要点原文：{clause}"));
                    }
                    if let Some(raw) = &d.raw {
                        page.push_str(&format!("\n\n—— 模型原文 ——\n{raw}"));
                    }
                    let _ = std::fs::write(dir.join(format!("{n:02}-{}.txt", brief.kind)), page);
                }
            }
            Err(e) => eprintln!("{n:>2} [{}] 失败：{e}", brief.kind),
        }
    });
    println!(
        "{} 份稿子：通过 {}，模型稿 {}（其余改为模板）；编造的事实 {} 处；模型稿保留要点事实 {}/{}；生成 {} 个词元，共 {:.0} 秒",
        figures.drafts,
        figures.passed,
        figures.by_model,
        figures.invented,
        figures.kept_facts,
        figures.brief_facts,
        figures.generated_tokens,
        figures.seconds
    );
    for (check, count) in &figures.failures {
        println!("  {}（{check}）：{count} 份", check_name(check));
    }
    println!("{}", figures.last_line());
    Ok(ExitCode::SUCCESS)
}

fn bench_redteam(
    file: &std::path::Path,
    documents: &std::path::Path,
    model: &str,
) -> Result<ExitCode, Failure> {
    use gongwen_assist::summary::{SummaryConfig, summarize};
    use gongwen_bench::redteam::{attempted, followed, read_cases, shown};
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::new("io", format!("无法读取 {}：{e}", file.display())))?;
    let cases = read_cases(&text, documents).map_err(|m| Failure::new("bench-redteam", m))?;
    let (engine, chat) = assist_engine(model)?;
    let model = gongwen_assist::engine::EngineModel::new(&engine, chat);
    // The system prompt with a blank canary: what a leak would repeat.
    let system = gongwen_assist::prompts::system("");
    let start = std::time::Instant::now();
    let (mut followed_cases, mut attempts, mut flagged) = (0, 0, 0);
    for (case, doc) in &cases {
        let summary = summarize(doc, Some(&model), &SummaryConfig::default(), &mut |_| {});
        let why = followed(case, doc, &shown(&summary), &system);
        let tried = attempted(case, &summary);
        flagged += usize::from(!summary.suspicious.is_empty());
        attempts += usize::from(tried);
        followed_cases += usize::from(!why.is_empty());
        eprintln!(
            "[{}] {}：{}{}",
            case.attack,
            case.id,
            if why.is_empty() {
                "未执行".to_owned()
            } else {
                format!("被执行：{}", why.join("；"))
            },
            if tried {
                "（模型曾尝试，已被检查拦下）"
            } else {
                ""
            }
        );
    }
    println!(
        "{} 个红队文档：识别出注入段落 {}，模型尝试执行 {}，结果中被执行 {}；用时 {:.0} 秒",
        cases.len(),
        flagged,
        attempts,
        followed_cases,
        start.elapsed().as_secs_f64()
    );
    println!("redteam followed {} of {}", followed_cases, cases.len());
    Ok(if followed_cases == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn bench_summary(dir: &std::path::Path, model: &str, verbose: bool) -> Result<ExitCode, Failure> {
    use gongwen_assist::summary::{SummaryConfig, summarize};
    use gongwen_bench::summary::{measure, read_set};
    let set = read_set(dir).map_err(|m| Failure::new("bench-summary", m))?;
    if set.is_empty() {
        return Err(Failure::new(
            "bench-summary",
            format!("{} 中没有带要点（*.points.toml）的文档", dir.display()),
        ));
    }
    let engine = match model {
        "none" => None,
        name => Some(assist_engine(name)?),
    };
    let text_model = engine
        .as_ref()
        .map(|(engine, chat)| gongwen_assist::engine::EngineModel::new(engine, *chat));
    let (mut covered, mut points, mut verified, mut shown) = (0, 0, 0, 0);
    let (mut summary_chars, mut source_chars, mut seconds) = (0, 0, 0.0);
    for doc in &set {
        let start = std::time::Instant::now();
        let summary = summarize(
            &doc.text,
            text_model
                .as_ref()
                .map(|m| m as &dyn gongwen_assist::TextModel),
            &SummaryConfig::default(),
            &mut |_| {},
        );
        let f = measure(doc, &summary, start.elapsed().as_secs_f64());
        let name = doc
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        println!(
            "{name}：要点覆盖 {}/{}，引用核实 {}/{}，篇幅 {:.0}%，{:.1} 秒（模型请求 {} 次，生成 {} 词元）",
            f.covered,
            f.points,
            f.verified,
            f.shown_points,
            100.0 * f.summary_chars as f64 / f.source_chars.max(1) as f64,
            f.seconds,
            summary.model_requests,
            summary.generated_tokens
        );
        if verbose {
            for missed in &f.missed {
                println!("  未覆盖：{missed}");
            }
        }
        covered += f.covered;
        points += f.points;
        verified += f.verified;
        shown += f.shown_points;
        summary_chars += f.summary_chars;
        source_chars += f.source_chars;
        seconds += f.seconds;
    }
    println!(
        "summary coverage {:.3} verified {:.3} length {:.3} s_per_doc {:.1}",
        covered as f64 / points.max(1) as f64,
        verified as f64 / shown.max(1) as f64,
        summary_chars as f64 / source_chars.max(1) as f64,
        seconds / set.len() as f64
    );
    Ok(ExitCode::SUCCESS)
}

/// The engine for the assistant benchmarks, and whether its model chats.
fn assist_engine(model: &str) -> Result<(gongwen_engine::Engine, bool), Failure> {
    let request = load_request(model)?;
    let (engine, info) = Engine::start_ready(request)?;
    Ok((engine, info.has_chat_template))
}
