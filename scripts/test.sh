#!/usr/bin/env bash
# Run the tests: set everything up (scripts/setup.sh), then pytest on both stores.
# Arguments go to pytest, e.g. `bash scripts/test.sh tests/test_api.py -k paths`.
# With CI set, a Neo4j test server that cannot start fails the run instead of skipping.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

if [[ -n "${CI:-}" && "${CI}" != "false" ]]; then
  export INFLUENCE_REQUIRE_NEO4J=1
fi
export PYTHONUNBUFFERED=1

echo "==> pytest"
exec .venv/bin/pytest -q -rs --durations=15 -p no:cacheprovider "$@"
