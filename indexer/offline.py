"""Make every library we use stay offline and silent before any of them is imported.

Imported first by ``indexer/__init__.py`` so that no code path can reach a model hub or a
telemetry endpoint, on our machines or behind a user's firewall.
"""
from __future__ import annotations

import os

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",  # chromadb
    "CHROMA_TELEMETRY": "False",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TQDM_DISABLE": "1",  # bm25s progress bars on every index load
}


def enforce_offline() -> None:
    """Set the offline/no-telemetry variables unless the user set them explicitly."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


enforce_offline()
