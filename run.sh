#!/usr/bin/env bash
# The main job: install, build the default index over corpus/ if it is missing, start the app.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
# … or if it predates the sentence view (the build then embeds only the sentences; nothing else changes)
if [[ ! -f .kb/state.json ]] || ! grep -q '"sentence_view"' .kb/state.json; then
  python -m indexer build
fi
exec streamlit run app.py --server.headless true --browser.gatherUsageStats false \
  --server.address "${KB_APP_ADDRESS:-localhost}" --server.port "${KB_APP_PORT:-8501}" "$@"
