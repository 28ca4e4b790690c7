#!/usr/bin/env bash
# The offline installation test (issue: .deb packages for approved media).
# Builds both packages twice (an older and the current version, from the
# same build), makes a clean Debian 12 root with debootstrap holding only
# what the packages' Depends name, then — in a namespace with no network —
# installs them with dpkg -i, runs `gongwen models list`, `check`, a model
# summary and a short draft, `drafts save/list`, upgrades to the newer
# package and finds the draft again. The debootstrap root is cached as a
# tarball keyed by the Depends list; every run unpacks a fresh copy.
# Usage: bash tests/packaging/run.sh [--arch amd64|arm64]
# --arch arm64 cross-builds the arm64 packages (release, as shipped) and runs
# the same test in an arm64 root under qemu-user-static: slow (the first run
# makes the sysroot and the root, ≈ 1 h on 2 cores), so it is not part of
# scripts/test.sh; run it when packaging changes.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"
arch=amd64
case "${1:-}" in
  --arch) arch=${2:-}; [ "$arch" = amd64 ] || [ "$arch" = arm64 ] || die "未知的架构：$arch" ;;
  "") ;;
  *) die "未知参数：$1（可用：--arch amd64|arm64）" ;;
esac
install_packages debootstrap dpkg-dev
# amd64 reuses the test suite's dev build; arm64 has no such cache and
# tests the release build it ships.
build=(--debug)
[ "$arch" = amd64 ] || build=()

work=$(mktemp -d "${TMPDIR:-/tmp}/gongwen-package-test.XXXXXX")
cleanup() { umount -R "$work/root/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
pkgs=$work/pkgs
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
# An older semver (Tauri wants semver, Debian compares it the same way):
# 0.2.3 → 0.2.2, 0.2.0 → 0.1.99, 1.0.0 → 0.99.99.
old=$(IFS=. read -r major minor patch <<<"$version"
  if [ "$patch" -gt 0 ]; then echo "$major.$minor.$((patch - 1))"
  elif [ "$minor" -gt 0 ]; then echo "$major.$((minor - 1)).99"
  else echo "$((major - 1)).99.99"; fi)

say "打包：旧版本 $old 与当前版本 $version（含测试模型软件包）"
bash scripts/package.sh "${build[@]}" --arch "$arch" --model none --version "$old" --out "$pkgs"
bash scripts/package.sh "${build[@]}" --arch "$arch" --model test --version "$version" --out "$pkgs"
app_old=$pkgs/gongwen_${old}_${arch}.deb
app_new=$pkgs/gongwen_${version}_${arch}.deb
model_deb=$(ls "$pkgs"/gongwen-model-gemma3-270m_*_all.deb)
for deb in "$app_old" "$app_new" "$model_deb"; do
  dpkg-deb -I "$deb"
  # No maintainer script at all, so nothing runs at install time, let alone
  # something that reaches for the network.
  if dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -Eq '(pre|post)(inst|rm)$'; then
    die "$deb 含有安装脚本"
  fi
done

depends=$(dpkg-deb -f "$app_new" Depends | tr -d ' ')
if [ "$arch" = amd64 ]; then
  key=$(printf 'bookworm minbase %s' "$depends" | sha256sum | cut -c1-16)
else
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die "qemu-user-static 未注册 aarch64，无法运行 arm64 根目录"
  key=$(printf 'bookworm minbase %s %s' "$arch" "$depends" | sha256sum | cut -c1-16)
fi
base=$HOME/.cache/gongwen/debroot/base-$key.tar
if [ ! -f "$base" ]; then
  say "debootstrap：干净的 Debian 12（$arch）根目录，再只装软件包声明的依赖（$depends）"
  # shellcheck disable=SC2086 # one argument per package
  debian_root "$arch" "$base" ${depends//,/ }
fi
mkdir "$work/root"
tar -C "$work/root" -xf "$base"
mkdir -p "$work/root/tmp/pkgs"
cp "$app_old" "$app_new" "$model_deb" "$work/root/tmp/pkgs/"
cp tests/fixtures/notice.txt "$work/root/tmp/通知.txt"

# Everything below runs inside the root, in a new network namespace (only a
# loopback that is down) and a private mount namespace for /proc.
cat > "$work/root/tmp/inside.sh" <<'INSIDE'
set -euo pipefail
export HOME=/root LANG=C.UTF-8 GONGWEN_PASSPHRASE=安装测试口令 PATH=/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "失败：$*" >&2; exit 1; }
[ "$(ls /sys/class/net 2>/dev/null | tr '\n' ' ')" = "lo " ] || [ ! -d /sys/class/net ] || fail "有网络接口"
cd /tmp/pkgs
old=$(ls gongwen_"$OLD"_"$ARCH".deb); new=$(ls gongwen_"$NEW"_"$ARCH".deb); model=$(ls gongwen-model-*.deb)
dpkg -i "$old" "$model"
echo "== 已安装：$(dpkg-query -W -f='${Package} ${Version}, ' gongwen gongwen-model-gemma3-270m)"
if ldd /usr/bin/gongwen-app /usr/bin/gongwen | grep 'not found'; then fail "缺少动态库"; fi
gongwen models list
gongwen models list --json > /tmp/models.json
grep -q '"path": "/usr/share/gongwen/models/gemma-3-270m-q4_k_m.gguf"' /tmp/models.json || fail "模型不在系统目录"
test_status=$(tr -d '\n ' < /tmp/models.json | grep -o '"name":"test","path":"[^"]*","sha256":"[^"]*","size_bytes":[0-9]*,"status":"[a-z_]*"' | sed 's/.*"status":"//; s/"$//')
[ "$test_status" = verified ] || fail "测试模型状态：$test_status"
set +e; gongwen check /tmp/通知.txt --json > /tmp/check.json; code=$?; set -e
[ "$code" -le 1 ] || fail "check 退出码 $code"
grep -q '"rule"' /tmp/check.json || [ "$code" -eq 0 ] || fail "check 没有输出"
echo "== check：退出码 $code"
gongwen summarize /tmp/通知.txt --model test --max-tokens 16 --json > /tmp/summary.json
grep -q '"mode": "model"' /tmp/summary.json || fail "模型没有运行"
echo "== 摘要由系统目录中的模型生成"
gongwen draft --kind 通知 --brief 做好防汛值守工作。 --model test --max-tokens 16 --json > /tmp/draft.json
grep -q '"text"' /tmp/draft.json || fail "没有起草"
echo "== 起草（测试模型）通过"
gongwen models list | grep '^处理器'
# Each x86-64 level's worker is there and runs the model: the v2 kernels
# (no AVX2, as on an old office PC) with the level capped, the best this
# machine supports without.
if [ "$ARCH" = amd64 ]; then
for level in x86-64-v2 x86-64-v4; do
  [ -x /usr/lib/gongwen/gongwen-engine-worker-$level ] || fail "缺少 $level 模型运行组件"
done
GONGWEN_CPU_LEVEL=x86-64-v2 gongwen models list | tee /tmp/models-v2.txt | grep '^处理器'
grep -q '模型运行组件：x86-64-v2（/usr/lib/gongwen/gongwen-engine-worker-x86-64-v2）' /tmp/models-v2.txt \
  || fail "限为 v2 时没有选用 v2 模型运行组件"
GONGWEN_CPU_LEVEL=x86-64-v2 gongwen draft --kind 通知 --brief 做好防汛值守工作。 --model test \
  --max-tokens 16 --json > /tmp/draft-v2.json
grep -q '"text"' /tmp/draft-v2.json || fail "v2 模型运行组件没有起草"
echo "== x86-64-v2 模型运行组件起草通过"
fi

gongwen drafts save /tmp/通知.txt
gongwen drafts list | tee /tmp/before.txt
grep -q 防汛抗旱 /tmp/before.txt || fail "草稿列表中没有刚保存的草稿"
gongwen drafts show 1 > /tmp/show-before.txt
dpkg -i "$new"
echo "== 升级后：$(dpkg-query -W -f='${Version}' gongwen)"
gongwen drafts list | tee /tmp/after.txt
cmp /tmp/before.txt /tmp/after.txt || fail "升级后草稿列表变了"
gongwen drafts show 1 | cmp - /tmp/show-before.txt || fail "升级后草稿内容变了"
gongwen audit verify
gongwen models list --json | grep -q '/usr/share/gongwen/models/gemma' || fail "升级后找不到模型"
echo "== 离线安装、使用与升级全部通过"
INSIDE
say "在没有网络的命名空间中安装、使用、升级"
# A clean environment, as a user's login would have: nothing of this
# script's (no GONGWEN_MODELS) reaches the installed programs.
unshare --net --mount --fork -- bash -c '
  mount -t proc proc "$1/proc"
  mount --bind /dev "$1/dev"
  exec chroot "$1" /usr/bin/env -i OLD="$2" NEW="$3" ARCH="$4" /bin/bash /tmp/inside.sh' \
  package-test "$work/root" "$old" "$version" "$arch"
