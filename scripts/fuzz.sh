#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/) for a bounded time and reports the
# executions and findings. The corpus kept in the repo (fuzz/corpus) seeds
# each run; what a run discovers accumulates in a cache outside the clone.
# Usage: bash scripts/fuzz.sh [seconds per target, default 30]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

seconds=${1:-30}
targets=(import_docx import_pdf import_text structure proofread)
# cargo-fuzz needs nightly-only flags; the stable toolchain accepts them
# with RUSTC_BOOTSTRAP (no other toolchain can be fetched here). Sanitizer
# off: these paths are safe Rust (no C), so panics, overflow checks and
# debug assertions are what can fire; ASan would only slow each run.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=$HOME/.cache/gongwen/fuzz-target
corpus_cache=$HOME/.cache/gongwen/fuzz-corpus
flags=(--sanitizer none --debug-assertions)

if ! command -v cargo-fuzz >/dev/null; then
  say "安装 cargo-fuzz"
  cargo install --quiet --locked --root "$TOOLS_DIR" cargo-fuzz --version '^0.13'
fi
cargo fuzz build "${flags[@]}"
# test.sh asks for this before building the fuzz targets on a long run.
touch "$CARGO_TARGET_DIR/fuzz-built"

total=0
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$corpus_cache/$target"
  log=$(mktemp)
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a memory blow-up.
  if cargo fuzz run "${flags[@]}" "$target" "$corpus_cache/$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    corpus=$(ls "$corpus_cache/$target" | wc -l)
    printf '模糊测试 %-12s %10s 次执行，0 个崩溃，语料 %s 个\n' "$target" "${runs:-?}" "$corpus"
    total=$((total + ${runs:-0}))
  else
    failed+=("$target")
    tail -60 "$log"
    printf '模糊测试 %-12s 发现问题，输入已保存在 fuzz/artifacts/%s/\n' "$target" "$target"
  fi
  rm -f "$log"
done
echo "fuzz executions total: $total"
[ ${#failed[@]} -eq 0 ] || die "模糊测试发现问题：${failed[*]}"
