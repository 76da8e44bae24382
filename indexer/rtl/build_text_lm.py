"""Build the word n-gram model of Persian running text: ``python -m indexer.rtl.build_text_lm [DIR]``.

Source: the redistributable Persian prose in ``shared/corpus/persian-text`` (``DIR``, default
``shared/corpus/persian-text`` beside the checkout; see its SOURCES.md): PerDT train + dev/test and NTREX-128
(CC BY-SA 4.0), UPDT (Apache-2.0, Copyright 2016 Mojgan Seraji) and TICO-19 (CC0) — about 707k Persian word
tokens. No PersianQA text, nothing from the paper, its proofread edition or the evaluation lines.

Changes made to the text: Arabic ي/ك → Persian ی/ک and diacritics removed (``text.key``); the treebanks'
verb prefix written apart (``می شد``) rejoined with a ZWNJ (``می‌شد``) as the paper writes it; the text cut
into runs of Persian words at punctuation, digits and Latin; reduced to counts. Words are counted by key
(no ZWNJ), the repair's unit; the ZWNJ spelling of each key is counted separately.

Output: ``indexer/rtl/data/fa_text_lm.json.gz`` (deterministic; CC BY-SA 4.0, see ``data/LICENSES.md``):

  * ``uni``: every word key and its count;
  * ``ctx``: per left word, [tokens followed by a word, distinct followers] before pruning (Kneser–Ney mass);
  * ``bi``: word pairs seen at least ``MIN_BIGRAM`` times (``"a b"`` → count);
  * ``end``: how often each word ends a sentence (the last word before ``.``/``؟``/``!`` at a line end);
  * ``zw``: ZWNJ spellings: key → [the commonest ZWNJ spelling, its count, the count of the key without ZWNJ].
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

# the shared/ folder beside the checkout
DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "persian-text"
SOURCE_FILES = ("perdt-train.txt", "perdt-devtest.txt", "updt.txt", "tico19-fa.txt", "ntrex128-fa.txt")
OUT = Path(__file__).resolve().parent / "data" / "fa_text_lm.json.gz"
# pairs seen fewer times are dropped; 1 keeps all (2.0 MB): dropping the pairs seen once (0.8 MB) lowered
# dev 0.971 -> 0.965 and text-dev 0.879 -> 0.873
MIN_BIGRAM = 1

# a run of Persian words: anything but Arabic-script letters, diacritics, ZWNJ and spaces ends it
_SEGMENT_SPLIT = re.compile(
    r"[^\u0621-\u063a\u0641-\u0655\u0670\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u0629\u200c\s]+")
# the treebanks write the verb prefix apart: «می شد» → «می‌شد»
_PREFIX_APART = re.compile(r"(?<![\u0600-\u06ff\u200c])(ن?می) (?=[\u0600-\u06ff])")
_SENTENCE_END = re.compile(r"([\u0600-\u06ff\u200c]+)\s*[.؟!?]\s*$")


def normalise(line: str) -> str:
    return _PREFIX_APART.sub("\\1" + ZWNJ, line)


def count(lines: list[str], min_bigram: int = MIN_BIGRAM) -> dict:
    """Counts of one text (one sentence a line)."""
    uni: collections.Counter = collections.Counter()
    bi: collections.Counter = collections.Counter()
    end: collections.Counter = collections.Counter()
    forms: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for raw in lines:
        line = normalise(raw.strip())
        m = _SENTENCE_END.search(line)
        if m and fa_words(m.group(1)):
            end[key(fa_words(m.group(1))[-1])] += 1
        for seg in _SEGMENT_SPLIT.split(line):
            words = fa_words(seg)
            keys = [key(w) for w in words]
            for w, k in zip(words, keys):
                uni[k] += 1
                forms[k][w] += 1
            bi.update(a + " " + b for a, b in itertools.pairwise(keys))
    ctx: dict[str, list[int]] = {}
    for pair, c in bi.items():
        a = pair.split(" ", 1)[0]
        t = ctx.setdefault(a, [0, 0])
        t[0] += c
        t[1] += 1
    zw: dict[str, list] = {}
    for k, cs in forms.items():
        zforms = [f for f in cs if ZWNJ in f]
        if zforms:
            best = min(zforms, key=lambda f: (-cs[f], f))
            zw[k] = [best, cs[best], cs.get(k, 0)]
    return {
        "version": 1,
        "tokens": sum(uni.values()),
        "uni": dict(sorted(uni.items())),
        "ctx": dict(sorted(ctx.items())),
        "bi": {p: c for p, c in sorted(bi.items()) if c >= min_bigram},
        "end": dict(sorted(end.items())),
        "zw": dict(sorted(zw.items())),
    }


def read_source(source: Path) -> list[str]:
    lines: list[str] = []
    for name in SOURCE_FILES:
        lines.extend((source / name).read_text(encoding="utf-8").splitlines())
    return lines


def write(stats: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(stats, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with open(out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=9,
                                             filename="") as g:
        g.write(raw)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="the persian-text folder")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    stats = count(read_source(args.source))
    write(stats, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB): {stats['tokens']} tokens, "
          + ", ".join(f"{k}={len(v)}" for k, v in stats.items() if isinstance(v, dict)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
