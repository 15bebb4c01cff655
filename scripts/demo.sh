#!/usr/bin/env bash
# Demo: set everything up, ingest the bundled sample articles into ./influence.db,
# and serve the API and explorer (INFLUENCE_HOST / INFLUENCE_PORT, default 127.0.0.1:8000).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -f scripts/setup.sh ]]; then
  bash scripts/setup.sh
elif [[ ! -x .venv/bin/influence ]]; then
  python3 -m venv .venv
  .venv/bin/pip install -q -e '.[test]'
fi

INFLUENCE="$ROOT/.venv/bin/influence"
export INFLUENCE_STORE="${INFLUENCE_STORE:-$ROOT/influence.db}"
HOST="${INFLUENCE_HOST:-127.0.0.1}"
PORT="${INFLUENCE_PORT:-8000}"

echo "==> ingesting examples/ into $INFLUENCE_STORE"
set +e
"$INFLUENCE" ingest examples/ --store "$INFLUENCE_STORE"
rc=$?
set -e
if [[ $rc -eq 3 ]]; then
  echo "the store is unavailable: $INFLUENCE_STORE" >&2
  exit 3
elif [[ $rc -ne 0 ]]; then
  echo "(some inputs were skipped; see the table above)" >&2
fi

"$INFLUENCE" stats --store "$INFLUENCE_STORE"
echo
echo "==> How does Russia reach Serbian media?"
"$INFLUENCE" paths Russia "Serbian media" --k 3 --max-hops 4 --store "$INFLUENCE_STORE" || true

URL="http://$HOST:$PORT"
cat <<MSG

==> serving at $URL   (Ctrl-C to stop)
    API docs:     $URL/docs
    sample query: $URL/api/paths?source=Russia&target=Serbian%20media&max_hops=4
    from a shell: curl -s '$URL/api/paths?source=Russia&target=Serbian%20media&max_hops=4'

MSG
exec "$INFLUENCE" serve --store "$INFLUENCE_STORE" --host "$HOST" --port "$PORT"
