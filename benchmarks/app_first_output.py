"""Time to first visible output in the app (issue #20), printed as a table.

    python -m benchmarks.app_first_output --store .kb [--questions 6] [--json benchmarks/results/app_first_output.json]

Starts ``streamlit run app.py`` on a free local port against an existing store, opens it in Debian's
Chromium (Playwright, headless) and asks questions of the dev set one after the other in one conversation.
For each it records, from the moment Enter is pressed: the question echoed in the chat, the status
beside it ("Searching the paper…"), and the answer (or decline) shown. The model is loaded by the first
page view, before the first question. No timing is asserted; the figures depend on the machine's load,
which the table reports.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from indexer.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(store: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_STORE_DIR=str(store), KB_CONFIG=str(store / "no-kb.toml"), HF_HUB_OFFLINE="1")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("streamlit did not start")


def measure(url: str, questions: list[str]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(300_000)
        page.goto(url)
        page.locator("[data-testid='stChatInputTextArea']").wait_for()
        for i, question in enumerate(questions):
            box = page.locator("[data-testid='stChatInputTextArea']")
            box.fill(question)
            start = time.perf_counter()
            box.press("Enter")
            page.locator("[data-testid='stChatMessage']").filter(has_text=question).first.wait_for()  # new text
            echo = time.perf_counter() - start
            status = None
            try:  # the status beside the question while the answer is computed
                page.locator("[data-testid='stExpanderIconSpinner']").first.wait_for(timeout=2_000)
                status = time.perf_counter() - start
            except Exception:  # noqa: BLE001 — the answer came before the status could be seen
                pass
            # the (i+1)-th answer among the elements of this run (a rerun leaves the last run's elements on
            # the page, marked stale, until it replaces them)
            page.wait_for_function("""n => [...document.querySelectorAll(".kb-answer, [data-kb='abstained']")]
                                       .filter(e => !e.closest("[data-stale='true']")).length >= n""", arg=i + 1,
                                   polling=50)
            answer = time.perf_counter() - start
            page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")
            rows.append({"question": question, "echo_s": round(echo, 3),
                         "status_s": None if status is None else round(status, 3), "answer_s": round(answer, 3)})
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=PROJECT_ROOT / ".kb")
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    questions = [json.loads(x)["question"] for x in
                 (PROJECT_ROOT / "evals" / "data" / "dev_questions.jsonl").read_text(encoding="utf-8").splitlines()
                 if x.strip()][: args.questions]
    port = _free_port()
    proc = _start(args.store.resolve(), port)
    try:
        rows = measure(f"http://127.0.0.1:{port}", questions)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    load = os.getloadavg()[0]
    print("| # | question | echoed | status shown | answer shown |\n|---:|---|---:|---:|---:|")
    for i, r in enumerate(rows, 1):
        status = "—" if r["status_s"] is None else f"{r['status_s']:.2f} s"
        print(f"| {i} | {r['question'][:48]} | {r['echo_s']:.2f} s | {status} | {r['answer_s']:.2f} s |")
    med = {k: statistics.median([r[k] for r in rows if r[k] is not None] or [0]) for k in ("echo_s", "answer_s")}
    print(f"\nmedian: echoed {med['echo_s']:.2f} s, answer {med['answer_s']:.2f} s; "
          f"1-minute load average at the end {load:.1f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": rows, "median": med, "load_1min": load}, ensure_ascii=False,
                                        indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
