# Sourced by the other scripts: create ./.venv with Python 3.11+ and install the project.
# Usage: . scripts/_venv.sh [extras]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PYTHON="$candidate"; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "error: Python 3.11 or newer is required" >&2; exit 2; }
VENV="$ROOT/.venv"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
EXTRAS="${1:-}"
# Dependencies come pinned, with hashes, from the lock files (scripts/lock makes them), so
# CI, a developer's venv and the images run the same versions: requirements.lock is what the
# tool needs; requirements-test.lock adds the test and local (emulator) extras.
LOCK="$ROOT/requirements.lock"
[ -z "$EXTRAS" ] || LOCK="$ROOT/requirements-test.lock"
STAMP="$VENV/.installed-$(basename "$LOCK")-$(sha256sum "$LOCK" | cut -c1-16)"
if [ ! -e "$STAMP" ]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    -r "$LOCK"
  touch "$STAMP"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT"
export PATH="$VENV/bin:$PATH"
