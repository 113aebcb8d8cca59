#!/usr/bin/env bash
# Installs everything the tests and the demo need on a fresh Debian machine (idempotent):
# Debian packages (Python stack for executable rewrite checks, redis, chromium for webview
# and VS Code tests), npm dependencies, and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-sqlalchemy python3-aiosqlite python3-greenlet python3-fastapi python3-httpx
  python3-redis python3-pytest python3-pytest-asyncio redis-server chromium libkrb5-dev ripgrep neovim)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -L node_modules ]; then
  # A link to another checkout's install (git worktrees share one): `npm ci` would empty the
  # target under everyone using it. Install there instead.
  echo "setup: node_modules links to $(readlink node_modules); not reinstalling through the link"
elif [ "${CI:-}" = "true" ] || [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
else
  echo "setup: node_modules up to date"
fi

npm run build --silent
