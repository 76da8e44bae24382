#!/usr/bin/env bash
# The test command: install everything (system packages included), then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
. .venv/bin/activate
export HF_HUB_OFFLINE=1
exec python -m pytest "$@"
