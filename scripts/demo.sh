#!/usr/bin/env bash
# The main job on the bundled example app: install, build, then show what async-migrate finds,
# the endpoint plan, and what `fix` would change — without modifying the example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
echo "== async-migrate check examples/gym-app"
node bin/async-migrate.js check examples/gym-app || true
echo
echo "== async-migrate endpoints examples/gym-app"
node bin/async-migrate.js endpoints examples/gym-app || true
echo
echo "== async-migrate fix --diff examples/gym-app/app/api/v1/endpoints/users.py (nothing is written)"
node bin/async-migrate.js fix --diff examples/gym-app/app/api/v1/endpoints/users.py || true
