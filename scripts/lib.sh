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

install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "安装系统软件包：${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
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

gongwen_cli() {
  cargo build --quiet -p gongwen-cli
  "$CARGO_TARGET_DIR/debug/gongwen" "$@"
}
