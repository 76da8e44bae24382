"""`build` and `ask` work with every outbound socket refused (no hub, no telemetry)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from indexer.settings import PROJECT_ROOT

SCRIPT = textwrap.dedent('''
    import socket, sys
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled by test")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    from pathlib import Path
    import indexer
    from indexer.settings import Settings
    from indexer.pipeline import build_index
    from assistant import Assistant
    corpus, store = Path(sys.argv[1]), Path(sys.argv[2])
    corpus.mkdir()
    (corpus / "note.md").write_text("# شفافیت\\n\\nداشبوردهای عمومی بلادرنگ شفافیت دولت را افزایش می‌دهند.\\n",
                                    encoding="utf-8")
    settings = Settings.load(overrides={"corpus_dir": corpus, "store_dir": store})
    assert build_index(settings, progress=None).ok
    result = Assistant(settings).ask("What increases government transparency?").to_json()
    assert result["passages"][0]["doc_id"] == "note", result
    print("OK", len(attempts))
''')


def test_build_and_ask_with_network_refused(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "corpus"), str(tmp_path / "kb")],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().startswith("OK")
