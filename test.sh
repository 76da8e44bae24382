#!/usr/bin/env bash
# The test command: install everything (system packages included), lint and type-check, run the whole suite.
#   ./test.sh -m "not slow"   the inner loop (no full-paper index, browser or servers; about 2 minutes)
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
. .venv/bin/activate
export HF_HUB_OFFLINE=1
ruff check .
mypy
exec python -m pytest "$@"
