#!/usr/bin/env bash
# Set up everything the demo and the tests need, on a fresh Debian machine as root.
# Idempotent: each step is skipped when its result is already there.
#   - Debian packages, only when missing: Chromium + chromedriver (browser tests),
#     Java 17 + Maven (the Neo4j test server), Python 3.11 venv support, the cairo
#     library and a font (snapshot PNGs, drawn by cairosvg)
#   - .venv with the project installed editable, with its test extras
#   - the Neo4j 5.26 test server (tests/neo4j, jars resolved from Maven Central once)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { echo "==> setup: $*"; }

pick_python() {
  local candidate
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# 1. Debian packages, only those missing.
packages=()
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
[[ -x /usr/bin/chromedriver ]] || packages+=(chromium-driver)
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)
pick_python >/dev/null || packages+=(python3 python3-venv python3-pip)
ldconfig -p 2>/dev/null | grep 'libcairo\.so\.2' >/dev/null || packages+=(libcairo2)
[[ -n "$(fc-list 2>/dev/null | head -1)" ]] || packages+=(fontconfig fonts-dejavu-core)
if ((${#packages[@]})); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root to install ${packages[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  say "installing Debian packages: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

# 2. The virtualenv and the project (reinstalled when pyproject.toml changes).
PYTHON="$(pick_python)" || { echo "setup: Python >= 3.11 with venv is required" >&2; exit 1; }
if [[ ! -x .venv/bin/python ]]; then
  say "creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.influence-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" || ! -x .venv/bin/influence ]]; then
  say "installing the project and its test extras into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  echo "$want" > "$stamp"
fi

# 3. The Neo4j 5.26 test server: built once, reused until tests/neo4j changes.
say "Neo4j test server (tests/neo4j)"
.venv/bin/python -c 'from tests.neo4j_server import build; build()'
say "done"
