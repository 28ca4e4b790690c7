#!/usr/bin/env bash
# Builds the Debian packages an office carries in on approved media:
#   gongwen_<version>_<arch>.deb         the app, the `gongwen` CLI, desktop entry, icon;
#                                        on amd64 model workers for x86-64-v2 and -v4
#   gongwen-model-<name>_<version>_all.deb  a verified model, into /usr/share/gongwen/models
# Usage: bash scripts/package.sh [--arch amd64|arm64] [--out DIR]
#                                [--model default|test|none] [--version X.Y.Z] [--debug]
# --arch arm64 cross-builds for 信创 ARM64 desktops (飞腾, 鲲鹏) on this amd64
# machine (scripts/lib.sh arm64_cross_env); the model package is the same
# for both. --debug packages the test suite's dev build (dependencies
# optimised) so the packaging test reuses its cache; what ships is built
# without it (release).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

out="$ROOT/dist"
model=default
version=""
profile=release
arch=amd64
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --debug) profile=debug; shift ;;
    --arch) arch=$2; shift 2 ;;
    *) die "未知参数：$1（可用：--arch amd64|arm64 --out 目录 --model default|test|none --version 版本 --debug）" ;;
  esac
done
[ -n "$version" ] || version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mkdir -p "$out"
out=$(cd "$out" && pwd)

install_packages "${APP_PACKAGES[@]}" dpkg-dev
check_toolchains
target=()
case "$arch" in
  amd64) built=$CARGO_TARGET_DIR/$profile ;;
  arm64)
    arm64_cross_env
    # Its own target directory: the host's build scripts and proc macros are
    # shared there, the amd64 build's outputs are left alone.
    export CARGO_TARGET_DIR=$HOME/.cache/gongwen/target-arm64
    target=(--target "$ARM64_TRIPLE")
    # The arm64 CLI runs here under qemu (binfmt) for the model package:
    # its loader and libraries are the sysroot's.
    export QEMU_LD_PREFIX=$ARM64_SYSROOT
    built=$CARGO_TARGET_DIR/$ARM64_TRIPLE/$profile ;;
  *) die "未知的架构：$arch（可用：amd64 arm64）" ;;
esac
ui_install
ui_build

say "构建 gongwen 命令行（$arch，$profile）"
cargo_profile=()
[ "$profile" = release ] && cargo_profile=(--release)
cargo build --quiet --locked "${cargo_profile[@]}" "${target[@]}" -p gongwen-cli
# On arm64 it runs here through qemu-user-static (binfmt): only the model
# package uses it, to verify the model as the installed CLI will.
cli="$built/gongwen"

files=$(printf '"/usr/bin/gongwen":"%s"' "$cli")
# On amd64 the app and the CLI carry llama.cpp for x86-64-v3; workers for the
# levels below and above go to /usr/lib/gongwen, and the host starts the best
# one the CPU supports (crates/gongwen-engine/src/cpu.rs). arm64 builds have
# one level, ARMv8-A with NEON, which every ARM64 desktop CPU has.
if [ "$arch" = amd64 ]; then
  for level in x86-64-v2 x86-64-v4; do
    worker=$(build_worker "$level" "$profile")
    files+=$(printf ',"/usr/lib/gongwen/gongwen-engine-worker-%s":"%s"' "$level" "$worker")
  done
fi

say "构建应用并打包 gongwen_${version}_${arch}.deb"
# The CLI goes in beside the app; the version comes from the command line so
# an upgrade test can stamp two packages from one build.
config=$(printf '{"version":"%s","bundle":{"linux":{"deb":{"files":{%s}}}}}' "$version" "$files")
tauri_profile=()
[ "$profile" = debug ] && tauri_profile=(--debug)
(cd src-tauri && "$ROOT/ui/node_modules/.bin/tauri" build --ci --bundles deb \
  "${tauri_profile[@]}" "${target[@]}" --config "$config")
app_deb=$(ls -t "$built/bundle/deb/"*"_${version}_${arch}.deb" | head -1)
cp "$app_deb" "$out/gongwen_${version}_${arch}.deb"

# A model package: the GGUF as data, checked against the manifest's SHA-256
# both by `gongwen models list` and by sha256sum before it is packed.
model_package() {
  local name=$1 deb_name
  case "$name" in
    default) deb_name=gongwen-model-qwen2.5-1.5b ;;
    test) deb_name=gongwen-model-gemma3-270m ;;
    *) die "未知模型：$name" ;;
  esac
  "$cli" models fetch "$name"
  local row file path sha size
  row=$(GONGWEN_MODELS=$GONGWEN_MODELS "$cli" models list --json | python3 -c '
import json, sys
name = sys.argv[1]
row = next(m for m in json.load(sys.stdin)["models"] if m["name"] == name)
print(row["status"], row["file"], row["path"], row["sha256"], row["size_bytes"])' "$name")
  read -r status file path sha size <<<"$row"
  [ "$status" = verified ] || die "模型 $name 未通过校验（$status），不打包"
  [ "$(sha256sum "$path" | cut -d' ' -f1)" = "$sha" ] || die "模型 $name 的 SHA-256 与清单不符，不打包"
  local pkg_version="1.0+${sha:0:12}"
  local stage
  stage=$(mktemp -d)
  chmod 755 "$stage"
  install -d "$stage/DEBIAN" "$stage/usr/share/gongwen/models" "$stage/usr/share/doc/$deb_name"
  # A hard link when the cache and the staging area share a file system.
  ln "$path" "$stage/usr/share/gongwen/models/$file" 2>/dev/null || cp "$path" "$stage/usr/share/gongwen/models/$file"
  local display licence source
  display=$(GONGWEN_MODELS=$GONGWEN_MODELS "$cli" models list --json | python3 -c '
import json, sys
row = next(m for m in json.load(sys.stdin)["models"] if m["name"] == sys.argv[1])
print(row["display_name"]); print(row["licence"])' "$name")
  licence=$(sed -n 2p <<<"$display")
  display=$(sed -n 1p <<<"$display")
  printf '%s\n\n文件：/usr/share/gongwen/models/%s\n大小：%s 字节\nSHA-256：%s\n许可：%s\n' \
    "$display" "$file" "$size" "$sha" "$licence" > "$stage/usr/share/doc/$deb_name/copyright"
  (cd "$stage" && find usr -type f -exec md5sum {} + > DEBIAN/md5sums)
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: $deb_name
Version: $pkg_version
Architecture: all
Section: misc
Priority: optional
Maintainer: 公文助手开发组 <gongwen@localhost>
Installed-Size: $(du -sk --apparent-size "$stage/usr" | cut -f1)
Enhances: gongwen
Description: 公文助手的本机模型：$display
 GGUF 模型文件，安装到 /usr/share/gongwen/models，公文助手与 gongwen 命令行
 无需设置即可找到；每次加载前按内置清单核对 SHA-256（$sha）。
CONTROL
  # Quantised weights do not compress: store them as they are.
  dpkg-deb --root-owner-group -Znone --build "$stage" "$out/${deb_name}_${pkg_version}_all.deb" >/dev/null
  rm -rf "$stage"
  say "已生成 $out/${deb_name}_${pkg_version}_all.deb"
}
[ "$model" = none ] || model_package "$model"

say "安装包在 $out："
ls -l "$out"/*.deb
