#!/usr/bin/env bash
# Installs a real VS Code host for extension tests on machines that cannot
# download VS Code (only the npm registry and Debian apt are reachable):
#
#   code-server 4.100.3 (= VS Code 1.100.3, last line that runs on Node 20)
#   from the npm registry, installed by hand into
#   .vscode-test/code-server-4.100.3/, plus Debian's chromium (driven by
#   playwright-core), libkrb5-dev (to build the kerberos addon) and ripgrep
#   (code-server's postinstall would download rg from GitHub).
#
# Idempotent: a marker file written as the very last step means "complete";
# without it any partial install is wiped and redone.
#
# Usage: bash scripts/setup-vscode-host.sh        (as root, or with sudo for apt)
# Env:   CODE_SERVER_VERSION (default 4.100.3), VSCODE_HOST_DIR (default
#        <repo>/.vscode-test/code-server-$CODE_SERVER_VERSION)
set -euo pipefail

START=$SECONDS
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
DEST="${VSCODE_HOST_DIR:-$ROOT/.vscode-test/code-server-$VERSION}"
MARKER="$DEST/.async-migrate-install-complete"
NATIVE_ROOT=(argon2)
NATIVE_VSCODE=(@parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty)

log() { printf '[setup-vscode-host +%3ss] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[setup-vscode-host] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- apt packages
need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/rg ] || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing apt packages: ${need_apt[*]}"
  SUDO=()
  [ "$(id -u)" = 0 ] || SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  # The lock timeout lets this wait for another apt run (e.g. a background one).
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
    "${need_apt[@]}" >/dev/null
  log "apt packages installed"
else
  log "apt packages present (chromium, ripgrep, libkrb5-dev)"
fi

# ---------------------------------------------------------------- code-server
if [ -f "$MARKER" ]; then
  log "code-server $VERSION already installed at $DEST (marker present) - nothing to do"
  exit 0
fi

command -v node >/dev/null || die "node is not on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || log "WARNING: code-server $VERSION expects Node 20, found $(node --version)"

# Build native addons against the local Node headers (nodejs.org is unreachable).
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node/node.h" ]; then
  export npm_config_nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
fi
export JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
# node-pty's post-install runs `npx node-gyp configure -f compile_commands_json`;
# with npm's `yes=false` (set on these machines) npx refuses to fetch node-gyp.
export npm_config_yes=true
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# prebuild-install / node-pre-gyp try GitHub first; that fails fast (no DNS) and
# they fall back to node-gyp. @parcel/watcher uses its npm platform package.

log "installing code-server $VERSION into $DEST"
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
TMP="$(mktemp -d "$(dirname "$DEST")/.cs-pack.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

log "npm pack code-server@$VERSION"
(cd "$TMP" && npm pack --silent "code-server@$VERSION" >/dev/null)
tar -xzf "$TMP/code-server-$VERSION.tgz" -C "$TMP"
mv "$TMP/package" "$DEST"

npm_i() {
  log "npm install --omit=dev --ignore-scripts in ${1#$DEST/}"
  (cd "$1" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
}
npm_i "$DEST"
npm_i "$DEST/lib/vscode"
npm_i "$DEST/lib/vscode/extensions"

log "building native addons (root): ${NATIVE_ROOT[*]}"
(cd "$DEST" && npm rebuild --loglevel=error "${NATIVE_ROOT[@]}" >/dev/null)
log "building native addons (lib/vscode): ${NATIVE_VSCODE[*]}"
(cd "$DEST/lib/vscode" && npm rebuild --loglevel=error "${NATIVE_VSCODE[@]}" >/dev/null)

# What code-server's postinstall.sh does besides npm install:
log "ripgrep, node_modules.asar and bin symlinks"
mkdir -p "$DEST/lib/vscode/node_modules/@vscode/ripgrep/bin"
cp /usr/bin/rg "$DEST/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
chmod +x "$DEST/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn node_modules "$DEST/lib/vscode/node_modules.asar"
ln -sfn code-linux.sh "$DEST/lib/vscode/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$DEST/lib/vscode/bin/helpers/browser.sh"

log "checking native addons load"
(cd "$DEST" && node -e 'require("argon2")') || die "argon2 does not load"
(cd "$DEST/lib/vscode" && node --input-type=module -e '
  import { createRequire } from "module";
  const require = createRequire(process.cwd() + "/");
  for (const m of ["@parcel/watcher", "@vscode/spdlog", "kerberos", "native-watchdog", "node-pty"]) require(m);
') || die "a lib/vscode native addon does not load"
"$DEST/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" --version >/dev/null || die "rg does not run"
"$DEST/out/node/entry.js" --version >/dev/null 2>&1 || node "$DEST/out/node/entry.js" --version >/dev/null \
  || die "code-server --version fails"

echo "code-server $VERSION installed $(date -u +%FT%TZ) in $((SECONDS - START))s" > "$MARKER"
log "done: $(node "$DEST/out/node/entry.js" --version | head -1) in $((SECONDS - START))s"
