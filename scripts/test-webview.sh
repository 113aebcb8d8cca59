#!/usr/bin/env bash
# The checklist webview in headless Chromium (playwright-core + Debian chromium): rendering,
# keyboard and mouse toggles, posted messages, hostile strings, CSP, themes, screenshots in
# test-results/screenshots/.   bash scripts/test-webview.sh [mocha args, e.g. --grep keyboard]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "test-webview: no Chromium at $CHROMIUM_PATH (set CHROMIUM_PATH)" >&2
  exit 1
fi
mkdir -p test-results/screenshots
exec npx mocha --no-config -r tsx/cjs --extension ts --timeout 60000 --reporter spec 'test/webview/**/*.test.ts' "$@"
