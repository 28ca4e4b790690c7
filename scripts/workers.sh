#!/usr/bin/env bash
# Builds the model workers for other x86-64 levels beside the dev build's
# binaries, so `gongwen` and the app in $CARGO_TARGET_DIR/debug start the best
# one this CPU supports (benchmarks want the AVX-512 kernels where there are
# any). Packages carry them anyway (scripts/package.sh).
# Usage: bash scripts/workers.sh [debug|release] [levels…, default x86-64-v2 x86-64-v4]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
profile=${1:-debug}
shift || true
levels=("$@")
[ ${#levels[@]} -gt 0 ] || levels=(x86-64-v2 x86-64-v4)
mkdir -p "$CARGO_TARGET_DIR/$profile"
for level in "${levels[@]}"; do
  worker=$(build_worker "$level" "$profile")
  cp "$worker" "$CARGO_TARGET_DIR/$profile/gongwen-engine-worker-$level"
  say "已放到 $CARGO_TARGET_DIR/$profile/gongwen-engine-worker-$level"
done
