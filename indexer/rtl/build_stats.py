"""Build the language statistics the repair uses: ``python -m indexer.rtl.build_stats``.

Sources (offline, clean Persian only — never the paper or its proofread edition):
  * hazm's word list (193,751 words with frequencies; many have frequency 0) and its verb conjugations;
  * the PersianQA contexts in benchmarks/persianqa/pqa_test.json, *training split only*: every paragraph whose
    index is not a multiple of 3 (``train_paragraphs``); the others are kept for the held-out test
    (``heldout_paragraphs``) so the figures measure text the statistics never saw;
  * wordfreq 3.1.1's Persian list (``small_fa``: ~31,000 words with frequencies ≥ 1e-6, built by its authors
    from Wikipedia, subtitles, news and web text; shipped inside the wheel, read offline).

Output: indexer/rtl/data/fa_stats.json.gz (deterministic, ~1–2 MB).
"""
from __future__ import annotations

import collections
import gzip
import itertools
import json
import re
import sys
from pathlib import Path

from indexer.rtl.text import ZWNJ, fa_words, key

ROOT = Path(__file__).resolve().parents[2]
PQA = ROOT / "benchmarks" / "persianqa" / "pqa_test.json"
OUT = Path(__file__).resolve().parent / "data" / "fa_stats.json.gz"


def pqa_paragraphs(path: Path = PQA) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [p["context"] for art in data for p in art["paragraphs"]]


def train_paragraphs(path: Path = PQA) -> list[str]:
    return [p for i, p in enumerate(pqa_paragraphs(path)) if i % 3 != 0]


def heldout_paragraphs(path: Path = PQA) -> list[str]:
    return [p for i, p in enumerate(pqa_paragraphs(path)) if i % 3 == 0]


_SEGMENT_SPLIT = re.compile(r"[^\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u0629\u200c\s]+")


_SENTENCE_END = re.compile(r"([\u0621-\u06cc\u200c]+)\s*(?:\([^()]*\))?\s*[.؟!](?!\d)")


def _segments(text: str) -> list[list[str]]:
    """Runs of Persian words not interrupted by punctuation, digits or Latin."""
    return [ws for seg in _SEGMENT_SPLIT.split(text) if (ws := fa_words(seg))]


WF_SCALE = 1e8  # wordfreq frequencies are stored as integers: round(frequency × WF_SCALE)


def wordfreq_fa() -> dict[str, float]:
    """wordfreq's Persian frequencies (surface forms, ZWNJ kept)."""
    import wordfreq

    return dict(wordfreq.get_frequency_dict("fa", wordlist="best"))


def _hazm_vocabulary() -> tuple[dict[str, int], dict[str, collections.Counter], set[str]]:
    """hazm's word list (key → frequency, key → written forms) and its verb conjugations' keys."""
    import hazm
    from hazm import Lemmatizer

    hz_path = Path(hazm.__file__).parent / "data" / "words.dat"
    hz: dict[str, int] = {}
    forms: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in hz_path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not parts[0]:
            continue
        w = parts[0].strip()
        k = key(w)
        if not k or " " in k:
            continue
        c = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        hz[k] = max(hz.get(k, 0), c)
        forms[k][w.replace("ي", "ی").replace("ك", "ک")] += 1
    verbs: set[str] = set()
    for form in Lemmatizer().verbs:
        for piece in form.split():
            k = key(piece)
            if k:
                verbs.add(k)
                if ZWNJ in piece:
                    forms[k][piece] += 1
    return hz, forms, verbs


def build() -> dict:
    hz, forms, verbs = _hazm_vocabulary()
    uni: collections.Counter = collections.Counter()
    bi: collections.Counter = collections.Counter()
    end: collections.Counter = collections.Counter()
    pqa_forms: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for para in train_paragraphs():
        for seg in _segments(para):
            keys = [key(w) for w in seg]
            for w, k in zip(seg, keys):
                uni[k] += 1
                pqa_forms[k][w] += 1
            for a, b in itertools.pairwise(keys):
                bi[a + " " + b] += 1
        for m in _SENTENCE_END.finditer(para):
            end[key(m.group(1))] += 1

    wf: collections.Counter = collections.Counter()
    wf_forms: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for w, f in wordfreq_fa().items():
        if not fa_words(w) or fa_words(w) != [w]:
            continue
        k = key(w)
        n = round(f * WF_SCALE)
        wf[k] += n
        wf_forms[k][w] += n

    # Preferred spelling (with ZWNJ) per key: PersianQA usage first, then wordfreq, then hazm / conjugations.
    var: dict[str, str] = {}
    for k in set(forms) | set(pqa_forms) | set(wf_forms):
        cand = pqa_forms.get(k) or wf_forms.get(k) or forms.get(k) or collections.Counter()
        best = max(sorted(cand), key=lambda f: cand[f])
        if best != k and best.replace(ZWNJ, "") == k:
            var[k] = best

    # Minority ZWNJ spellings (بزرگ‌ترین beside بزرگترین): the best ZWNJ form and its share of the counts.
    zshare: dict[str, list] = {}
    for k in set(wf_forms) | set(pqa_forms):
        cand = wf_forms.get(k) or pqa_forms.get(k) or collections.Counter()
        zforms = sorted(f for f in cand if ZWNJ in f and f.replace(ZWNJ, "") == k)
        if zforms and k not in var:
            best = max(zforms, key=lambda f: cand[f])
            zshare[k] = [best, round(sum(cand[f] for f in zforms) / sum(cand.values()), 3)]

    # ZWNJ position statistics: (two letters left, two letters right) → with / without ZWNJ there.
    zw: collections.Counter = collections.Counter()
    nz: collections.Counter = collections.Counter()
    typed = ([(f, 1) for k, cs in forms.items() for f in cs]
             + [(f, 1 + c) for k, cs in pqa_forms.items() for f, c in cs.items()]
             + [(f, 1) for k, cs in wf_forms.items() for f in cs])
    for form, weight in typed:
        pieces = form.split(ZWNJ)
        flat = "".join(pieces)
        cuts = set()
        pos = 0
        for p in pieces[:-1]:
            pos += len(p)
            cuts.add(pos)
        for i in range(1, len(flat)):
            ctx = flat[max(0, i - 2):i] + "|" + flat[i:i + 2]
            (zw if i in cuts else nz)[ctx] += weight
    zctx = {c: [zw[c], nz[c]] for c in zw}

    # Character trigram model of word keys (types), for words no list knows.
    char: collections.Counter = collections.Counter()
    types = {k for k, c in hz.items() if c > 0} | set(uni) | set(wf)
    for k in types:
        s = "^^" + k + "$"
        for i in range(2, len(s)):
            char[s[i - 2:i + 1]] += 1

    return {
        "version": 2,
        "pqa": dict(sorted(uni.items())),
        "pqa_bi": {k: v for k, v in sorted(bi.items())},
        "hz": dict(sorted(hz.items())),
        "wf": dict(sorted(wf.items())),
        "verbs": sorted(verbs - set(hz) - set(uni)),
        "verbs_known": sorted(verbs & (set(hz) | set(uni))),
        "end": dict(sorted(end.items())),
        "var": dict(sorted(var.items())),
        "zshare": dict(sorted(zshare.items())),
        "zctx": dict(sorted(zctx.items())),
        "char": dict(sorted(char.items())),
    }


def main(argv: list[str] | None = None) -> int:
    stats = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(stats, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(OUT, "wb", mtime=0, compresslevel=9) as f:
        f.write(raw)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB): "
          + ", ".join(f"{k}={len(v)}" for k, v in stats.items() if not isinstance(v, int)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
