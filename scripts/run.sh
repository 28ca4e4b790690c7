#!/usr/bin/env bash
# Installs what is missing, fetches and verifies the default model, builds,
# and opens the 公文助手 window. Safe to run again: every step is skipped
# when already done.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

install_packages "${APP_PACKAGES[@]}"
check_toolchains
prefetch_models default
ui_install
ui_build
say "构建应用与命令行工具，获取并校验默认模型"
GONGWEN_BUILD="cargo build -p gongwen-cli -p gongwen-app"
fetch_models default
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || die "没有图形界面（DISPLAY 未设置）。请在桌面会话中运行，或用 xvfb-run 运行本脚本。"
say "启动公文助手（模型在后台加载）"
exec "$CARGO_TARGET_DIR/debug/gongwen-app"
