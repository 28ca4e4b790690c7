//! Which build of llama.cpp this CPU runs.
//!
//! llama.cpp's kernels are compiled for one instruction-set level. The
//! binaries themselves carry a build for x86-64-v3 (AVX2, FMA); packages
//! add worker binaries built for the other x86-64 micro-architecture levels
//! (`gongwen-engine-worker-x86-64-v2`, `…-v4`) in `/usr/lib/gongwen`. The
//! host starts the highest level the CPU supports, so an office PC without
//! AVX2 still runs the model and one with AVX-512 uses those kernels.

use std::path::{Path, PathBuf};

/// An x86-64 micro-architecture level (the psABI's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CpuLevel {
    /// SSE4.2, POPCNT (Nehalem, 2009, and newer).
    V2,
    /// AVX2, FMA, F16C, BMI2 (Haswell, Zen, 海光, 兆芯 KX-6000 and newer).
    V3,
    /// AVX-512 F/BW/CD/DQ/VL (Skylake-X, Ice Lake, Zen 4 and newer).
    V4,
}

/// Caps the level the host chooses and the worker accepts, as if the CPU had
/// no more: tests use it to run the lower kernels on a newer machine.
pub const CPU_LEVEL_ENV: &str = "GONGWEN_CPU_LEVEL";

/// Worker binaries for other levels are named this plus the level's name.
pub const WORKER_PREFIX: &str = "gongwen-engine-worker-";

impl CpuLevel {
    pub const ALL: [CpuLevel; 3] = [CpuLevel::V2, CpuLevel::V3, CpuLevel::V4];

    pub fn name(self) -> &'static str {
        match self {
            CpuLevel::V2 => "x86-64-v2",
            CpuLevel::V3 => "x86-64-v3",
            CpuLevel::V4 => "x86-64-v4",
        }
    }

    pub fn parse(name: &str) -> Option<CpuLevel> {
        CpuLevel::ALL.into_iter().find(|l| l.name() == name.trim())
    }

    /// What a CPU lacking this level is told it lacks.
    pub fn instruction_set(self) -> &'static str {
        match self {
            CpuLevel::V2 => "SSE4.2",
            CpuLevel::V3 => "AVX2",
            CpuLevel::V4 => "AVX-512",
        }
    }

    /// How llama.cpp is compiled for this level: CMake's GGML options and
    /// the `-march` that `-C target-cpu` hands on. x86-64-v3 is the default
    /// build's (`.cargo/config.toml`, no `-march`); `build_worker` in
    /// `scripts/lib.sh` builds the others the same way (a test compares).
    pub fn ggml_options(self) -> (Vec<(&'static str, &'static str)>, Option<&'static str>) {
        let mut options = vec![("GGML_NATIVE", "OFF"), ("GGML_SSE42", "ON")];
        let avx2 = if self >= CpuLevel::V3 { "ON" } else { "OFF" };
        for option in [
            "GGML_AVX",
            "GGML_AVX2",
            "GGML_FMA",
            "GGML_F16C",
            "GGML_BMI2",
        ] {
            options.push((option, avx2));
        }
        options.push((
            "GGML_AVX512",
            if self == CpuLevel::V4 { "ON" } else { "OFF" },
        ));
        let march = (self != CpuLevel::V3).then_some(self.name());
        (options, march)
    }

    /// The highest level this CPU (and its operating system) supports; `None`
    /// below x86-64-v2 and on other architectures.
    pub fn of_this_cpu() -> Option<CpuLevel> {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            let v2 = has!("sse4.2") && has!("ssse3") && has!("popcnt") && has!("cmpxchg16b");
            let v3 = v2
                && has!("avx")
                && has!("avx2")
                && has!("fma")
                && has!("f16c")
                && has!("bmi1")
                && has!("bmi2")
                && has!("lzcnt")
                && has!("movbe");
            let v4 = v3
                && has!("avx512f")
                && has!("avx512bw")
                && has!("avx512cd")
                && has!("avx512dq")
                && has!("avx512vl");
            return [(v4, CpuLevel::V4), (v3, CpuLevel::V3), (v2, CpuLevel::V2)]
                .into_iter()
                .find_map(|(yes, level)| yes.then_some(level));
        }
        #[allow(unreachable_code)]
        None
    }

    /// The level this binary's llama.cpp was compiled for: from the Rust
    /// target features (a worker built with `-C target-cpu=x86-64-vN`, whose
    /// `-march` llama-cpp-sys-2 passes on to llama.cpp) or from the GGML
    /// options of `.cargo/config.toml` (the default build). `None` on other
    /// architectures.
    pub fn built() -> Option<CpuLevel> {
        if !cfg!(target_arch = "x86_64") {
            return None;
        }
        let on = |option: Option<&str>| option == Some("ON");
        if cfg!(target_feature = "avx512f") || on(option_env!("GGML_AVX512")) {
            Some(CpuLevel::V4)
        } else if cfg!(target_feature = "avx2") || on(option_env!("GGML_AVX2")) {
            Some(CpuLevel::V3)
        } else {
            Some(CpuLevel::V2)
        }
    }

    /// What the model status calls this binary's kernels: its level's name,
    /// on ARM64 the architecture llama-cpp-sys-2 compiles for (ARMv8-A with
    /// NEON, which every ARM64 desktop CPU has), or the architecture's name.
    pub fn built_name() -> &'static str {
        CpuLevel::built().map_or(
            if cfg!(target_arch = "aarch64") {
                "armv8-a"
            } else {
                std::env::consts::ARCH
            },
            CpuLevel::name,
        )
    }

    /// The level a test asked for with [`CPU_LEVEL_ENV`], if any.
    pub fn cap_from_env() -> Option<CpuLevel> {
        std::env::var(CPU_LEVEL_ENV)
            .ok()
            .and_then(|v| CpuLevel::parse(&v))
    }

    /// What the kernels may use here: the CPU's level, lowered to the cap.
    pub fn usable() -> Option<CpuLevel> {
        let cpu = CpuLevel::of_this_cpu();
        match CpuLevel::cap_from_env() {
            Some(cap) => cpu.map(|c| c.min(cap)),
            None => cpu,
        }
    }
}

/// A worker the host may start: a program built for a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub level: CpuLevel,
    pub program: PathBuf,
}

/// The candidate to start: the highest level not above what the CPU can use;
/// on a tie, the earlier one (the caller lists its own binary first). `None`
/// when every candidate needs more than the CPU has.
pub fn choose(usable: Option<CpuLevel>, candidates: &[Candidate]) -> Option<&Candidate> {
    let usable = usable?;
    candidates
        .iter()
        .filter(|c| c.level <= usable)
        // max_by_key keeps the last of equal keys: reverse to keep the first.
        .rev()
        .max_by_key(|c| c.level)
}

/// The level-specific workers in `dirs`, in the order of `dirs`.
pub fn workers_in(dirs: &[PathBuf]) -> Vec<Candidate> {
    let mut found = Vec::new();
    for dir in dirs {
        for level in CpuLevel::ALL {
            let program = dir.join(format!("{WORKER_PREFIX}{}", level.name()));
            if program.is_file() {
                found.push(Candidate { level, program });
            }
        }
    }
    found
}

/// What this process would start, and why: for the window's model status
/// and `gongwen models list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The CPU's own level.
    pub cpu: Option<CpuLevel>,
    /// The CPU's level lowered to a test's cap.
    pub usable: Option<CpuLevel>,
    /// The worker to start; `None` when none fits (this binary is started
    /// anyway and its worker says plainly what the CPU lacks).
    pub chosen: Option<Candidate>,
}

impl Plan {
    /// Candidates: this binary's own build first, then the level-specific
    /// workers beside it.
    pub fn for_exe(exe: &Path) -> Plan {
        let mut candidates: Vec<Candidate> = CpuLevel::built()
            .map(|level| Candidate {
                level,
                program: exe.to_path_buf(),
            })
            .into_iter()
            .collect();
        candidates.extend(workers_in(&worker_dirs(exe)));
        let usable = CpuLevel::usable();
        Plan {
            cpu: CpuLevel::of_this_cpu(),
            usable,
            chosen: choose(usable, &candidates).cloned(),
        }
    }
}

/// Where packages put the level-specific workers beside a binary: the same
/// directory (a build tree) and `../lib/gongwen` (`/usr/bin` → `/usr/lib/gongwen`).
pub fn worker_dirs(exe: &Path) -> Vec<PathBuf> {
    let Some(dir) = exe.parent() else {
        return Vec::new();
    };
    let mut dirs = vec![dir.to_path_buf()];
    if let Some(prefix) = dir.parent() {
        dirs.push(prefix.join("lib").join("gongwen"));
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(level: CpuLevel, program: &str) -> Candidate {
        Candidate {
            level,
            program: program.into(),
        }
    }

    #[test]
    fn the_highest_level_the_cpu_supports_wins() {
        let candidates = [
            at(CpuLevel::V3, "self"),
            at(CpuLevel::V2, "v2"),
            at(CpuLevel::V4, "v4"),
        ];
        let pick = |usable| choose(usable, &candidates).map(|c| c.program.clone());
        assert_eq!(pick(Some(CpuLevel::V4)), Some("v4".into()));
        assert_eq!(pick(Some(CpuLevel::V3)), Some("self".into()));
        assert_eq!(pick(Some(CpuLevel::V2)), Some("v2".into()));
        assert_eq!(pick(None), None);
    }

    #[test]
    fn a_tie_keeps_the_first_and_nothing_fits_a_cpu_below_all() {
        let candidates = [at(CpuLevel::V3, "self"), at(CpuLevel::V3, "packaged")];
        assert_eq!(
            choose(Some(CpuLevel::V4), &candidates).map(|c| c.program.clone()),
            Some("self".into())
        );
        assert_eq!(choose(Some(CpuLevel::V2), &candidates), None);
    }

    #[test]
    fn levels_read_their_names_and_only_those() {
        for level in CpuLevel::ALL {
            assert_eq!(CpuLevel::parse(level.name()), Some(level));
        }
        assert_eq!(CpuLevel::parse(" x86-64-v2\n"), Some(CpuLevel::V2));
        assert_eq!(CpuLevel::parse("avx2"), None);
        assert!(CpuLevel::V2 < CpuLevel::V3 && CpuLevel::V3 < CpuLevel::V4);
    }

    /// `build_worker` in scripts/lib.sh sets what `ggml_options` says.
    #[test]
    fn the_worker_build_script_uses_each_levels_options() {
        let script = include_str!("../../../scripts/lib.sh");
        for level in [CpuLevel::V2, CpuLevel::V4] {
            let (options, march) = level.ggml_options();
            let start = script
                .find(&format!("    {}) ggml+=(", level.name()))
                .unwrap_or_else(|| panic!("no case for {}", level.name()));
            let case = &script[start..start + script[start..].find(";;").unwrap()];
            for (option, value) in options {
                let set = format!("{option}={value}");
                assert!(
                    case.contains(&set) || option == "GGML_NATIVE",
                    "{}: {set} missing in {case}",
                    level.name()
                );
            }
            assert_eq!(march, Some(level.name()));
        }
        assert!(script.contains(r#"RUSTFLAGS="-C target-cpu=$level""#));
        assert!(script.contains("ggml=(GGML_NATIVE=OFF)"));
    }

    #[test]
    fn packaged_workers_are_found_beside_the_binary_and_in_lib() {
        let root = tempfile::tempdir().unwrap();
        let bin = root.path().join("usr/bin");
        let lib = root.path().join("usr/lib/gongwen");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(lib.join("gongwen-engine-worker-x86-64-v4"), "").unwrap();
        std::fs::write(lib.join("gongwen-engine-worker-x86-64-v2"), "").unwrap();
        std::fs::write(lib.join("gongwen-engine-worker-x86-64-v9"), "").unwrap();
        let dirs = worker_dirs(&bin.join("gongwen"));
        assert_eq!(dirs, [bin.clone(), root.path().join("usr/lib/gongwen")]);
        let found = workers_in(&dirs);
        let levels: Vec<CpuLevel> = found.iter().map(|c| c.level).collect();
        assert_eq!(levels, [CpuLevel::V2, CpuLevel::V4]);
    }
}
