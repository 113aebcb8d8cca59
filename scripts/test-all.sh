#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, type check, unit/LSP/equivalence tests (mocha),
# the example app's own pytest suite, webview tests in Chromium, extension tests in real VS Code.
# Prints one closing line "tests: N passed, N failed, N skipped" over all stages.
# Tests never write into the checkout: the run fails, naming the files, when `git status` differs
# after the stages (a changed tracked file, a new untracked one, or new edits to an already dirty one).
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

# `git status` lines plus a content hash of each listed file, so further edits to a file that was
# already modified before the run show too. Ignored files (dist/, test-results/, caches) do not count.
tree_snapshot() {
  git status --porcelain --untracked-files=all | while IFS= read -r line; do
    local file=${line:3}
    file=${file##* -> }
    if [ -f "$file" ]; then echo "$line $(git hash-object -- "$file")"; else echo "$line"; fi
  done
}
has_git=false
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then has_git=true; tree_before=$(tree_snapshot); fi

# The example app's own pytest suite, on a temporary copy (pytest and the app write files).
example_app_tests() {
  local dir rc
  dir=$(mktemp -d "${TMPDIR:-/tmp}/async-migrate-gym.XXXXXX")
  cp -R examples/gym-app "$dir/"
  (cd "$dir/gym-app" && /usr/bin/python3 -m pytest -q -p no:cacheprovider)
  rc=$?
  rm -rf "$dir"
  return $rc
}

stage setup bash scripts/setup.sh
if [[ " ${stage_failures[*]} " == *" setup "* ]]; then
  echo "setup failed; cannot run the tests"; echo "tests: 0 passed, 1 failed"; exit 1
fi
stage typecheck npx tsc --noEmit -p .
stage unit npx mocha 'test/unit/**/*.test.ts'
stage example-app example_app_tests
if [ -f scripts/test-webview.sh ]; then stage webview bash scripts/test-webview.sh; fi
if [ -f scripts/test-vscode.sh ]; then stage vscode bash scripts/test-vscode.sh; fi

if $has_git; then
  tree_after=$(tree_snapshot)
  if [ "$tree_before" != "$tree_after" ]; then
    echo
    echo "=== the tests changed the checkout (tests must work on temporary copies):"
    # Lines new or changed since the start of the run, then entries that went away.
    comm -13 <(sort <<<"$tree_before") <(sort <<<"$tree_after") | sed 's/ [0-9a-f]\{40\}$//; s/^/  /'
    comm -23 <(sort <<<"$tree_before") <(sort <<<"$tree_after") | sed 's/ [0-9a-f]\{40\}$//; s/^/  was: /'
    stage_failures+=("clean-tree")
    failed=$((failed + 1))
  fi
else
  echo "test-all: not a git checkout; the clean-tree check is skipped"
fi

echo
if ((${#stage_failures[@]})); then
  echo "failed stages: ${stage_failures[*]}"
  # A stage that failed without a test count (type errors, a crash) still counts as a failure.
  if [ "$failed" = 0 ]; then failed=${#stage_failures[@]}; fi
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "${#stage_failures[@]}" = 0 ]
