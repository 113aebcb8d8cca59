#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, type check, unit/LSP/equivalence tests (mocha),
# the example app's own pytest suite, webview tests in Chromium, extension tests in real VS Code.
# Prints one closing line "tests: N passed, N failed, N skipped" over all stages.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
passed=0; failed=0; skipped=0; stage_failures=()

count() { # $1 = log file: adds mocha / pytest counts to the totals
  local log=$1 n
  n=$(grep -Eo '^ *[0-9]+ passing' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'); passed=$((passed + n))
  n=$(grep -Eo '^ *[0-9]+ failing' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'); failed=$((failed + n))
  n=$(grep -Eo '^ *[0-9]+ pending' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'); skipped=$((skipped + n))
  # pytest summary: "== 12 passed, 1 xfailed, 2 skipped in 3.2s =="
  local summary
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|xfailed|skipped).* in [0-9.]+s' "$log" | tail -1)
  if [ -n "$summary" ]; then
    n=$(grep -Eo '[0-9]+ passed' <<<"$summary" | grep -Eo '[0-9]+' || true); passed=$((passed + ${n:-0}))
    n=$(grep -Eo '[0-9]+ (failed|errors?)' <<<"$summary" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'); failed=$((failed + n))
    n=$(grep -Eo '[0-9]+ (skipped|xfailed|xpassed)' <<<"$summary" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'); skipped=$((skipped + n))
  fi
}

stage() { # $1 = name, rest = command
  local name=$1; shift
  local log="test-results/$name.log"
  echo; echo "=== $name: $*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  count "$log"
  echo "=== $name: exit $code in $((SECONDS - start))s"
  if [ "$code" != 0 ]; then stage_failures+=("$name"); fi
}

stage setup bash scripts/setup.sh
if [[ " ${stage_failures[*]} " == *" setup "* ]]; then
  echo "setup failed; cannot run the tests"; echo "tests: 0 passed, 1 failed"; exit 1
fi
stage typecheck npx tsc --noEmit -p .
stage unit npx mocha 'test/unit/**/*.test.ts'
stage example-app bash -c 'cd examples/gym-app && /usr/bin/python3 -m pytest -q -p no:cacheprovider'
if [ -f scripts/test-webview.sh ]; then stage webview bash scripts/test-webview.sh; fi
if [ -f scripts/test-vscode.sh ]; then stage vscode bash scripts/test-vscode.sh; fi

echo
if ((${#stage_failures[@]})); then
  echo "failed stages: ${stage_failures[*]}"
  # A stage that failed without a test count (type errors, a crash) still counts as a failure.
  if [ "$failed" = 0 ]; then failed=${#stage_failures[@]}; fi
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "${#stage_failures[@]}" = 0 ]
