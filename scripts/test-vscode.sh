#!/usr/bin/env bash
# Extension tests inside a real VS Code (code-server 1.100.3 + headless Chromium).
#   bash scripts/test-vscode.sh [launcher args, e.g. --grep smoke --timeout 600000 --verbose]
# Env: VSCODE_TEST_EXTENSION (default: repo root), VSCODE_TEST_FOLDER (default:
#      examples/gym-app, else a temp folder with one .py file; each pass opens a fresh
#      temporary copy of it, made by the launcher, so the checkout is never edited),
#      SKIP_EXTENSION_BUILD=1 (do not run scripts/build.mjs).
# Screenshots land in test-results/screenshots/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
START=$SECONDS

# Extension first: its build may clean dist/.
if [ -z "${SKIP_EXTENSION_BUILD:-}" ] && [ -f scripts/build.mjs ]; then
  node scripts/build.mjs
fi
node scripts/build-vscode-tests.mjs
[ -f dist/client/extension.js ] || echo "test-vscode: WARNING: dist/client/extension.js missing; the extension cannot activate" >&2

bash scripts/setup-vscode-host.sh

FOLDER="${VSCODE_TEST_FOLDER:-$ROOT/examples/gym-app}"
TMP_FOLDER=""
if [ ! -d "$FOLDER" ]; then
  TMP_FOLDER="$(mktemp -d /tmp/async-migrate-ws.XXXXXX)"
  printf 'import time\n\n\ndef handler():\n    time.sleep(1)\n    return {"ok": True}\n' > "$TMP_FOLDER/app.py"
  echo "test-vscode: $FOLDER does not exist; using $TMP_FOLDER"
  FOLDER="$TMP_FOLDER"
fi
trap '[ -n "$TMP_FOLDER" ] && rm -rf "$TMP_FOLDER"' EXIT

mkdir -p test-results/screenshots
rc=0
# The Migration dashboard suite needs a workspace with a git history: it runs in its own pass on
# a temporary copy of examples/gym-app with a scripted history (test/vscode/make-dashboard-repo.ts),
# alone (ASYNC_MIGRATE_DASHBOARD_REPO selects it in test/vscode/suite/all.ts). A --grep naming
# only that suite skips the main pass.
DASHBOARD_ONLY=""
if [[ "$*" == *"Migration dashboard"* ]]; then DASHBOARD_ONLY=1; fi
if [ -z "$DASHBOARD_ONLY" ]; then
  node test/vscode/run-in-code-server.mjs \
    --extension "${VSCODE_TEST_EXTENSION:-$ROOT}" \
    --tests "$ROOT/dist/test/vscode/index.js" \
    --folder "$FOLDER" \
    --screenshot-dir "$ROOT/test-results/screenshots" \
    --timeout 600000 \
    "$@" || rc=$?
fi
if [ -n "$DASHBOARD_ONLY" ] || { [ -z "${VSCODE_TEST_EXTENSION:-}" ] && [ "$#" = 0 ]; }; then
  DASHBOARD_REPO="$(npx tsx test/vscode/make-dashboard-repo.ts "$ROOT/examples/gym-app")"
  ASYNC_MIGRATE_DASHBOARD_REPO="$DASHBOARD_REPO" node test/vscode/run-in-code-server.mjs \
    --extension "${VSCODE_TEST_EXTENSION:-$ROOT}" \
    --tests "$ROOT/dist/test/vscode/index.js" \
    --folder "$DASHBOARD_REPO" \
    --screenshot-dir "$ROOT/test-results/screenshots" \
    --timeout 600000 \
    --grep "Migration dashboard" || rc=$?
  rm -rf "$DASHBOARD_REPO"
fi
# Second pass: the packaged VSIX, unpacked, as the extension (bundles, wasm and docs only, no
# node_modules): it must activate, report the planted findings and offer its quick fixes.
if [ -z "${VSCODE_TEST_EXTENSION:-}" ] && [ "$#" = 0 ]; then
  VSIX_DIR="$(mktemp -d /tmp/async-migrate-vsix.XXXXXX)"
  if npx vsce package --no-dependencies -o "$VSIX_DIR/async-migrate.vsix" >/dev/null \
    && /usr/bin/python3 -m zipfile -e "$VSIX_DIR/async-migrate.vsix" "$VSIX_DIR/unpacked"; then
    node test/vscode/run-in-code-server.mjs \
      --extension "$VSIX_DIR/unpacked/extension" \
      --tests "$ROOT/dist/test/vscode/index.js" \
      --folder "$FOLDER" \
      --timeout 300000 \
      --grep "activates, starts the server|reports exactly the planted findings|applies a quick fix|shows the rule documentation" || rc=$?
  else
    echo "test-vscode: packaging the VSIX failed" >&2
    rc=1
  fi
  rm -rf "$VSIX_DIR"
fi
echo "test-vscode: finished in $((SECONDS - START))s (exit $rc)"
exit $rc
