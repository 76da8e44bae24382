"""The chunk repair: undo the seed extractor's chunk reversal (``unchunk``, used by detection and repair).

The seed extractor's garbling (DESIGN §4) is undone by a beam search over the ways the garbled line can be cut
into chunks. Reading the garbled line from its right end, each step takes the next chunk, un-mirrors it
(a trailing space may have been a leading one) and appends it to the logical line. A hypothesis is scored with

  * the cut model: every position of the logical line was cut or not with the measured rates
    (both sides of ی 98.7%, lost ZWNJ 94%, first space after a word-internal ی 85%, other spaces ~12%,
    after punctuation ~45%, between two letters 0.8%);
  * a word language model (lm.py) on every completed word: unigram + bigram from clean Persian with a
    character-model fallback.

ZWNJ is restored where a cut fell between two letters (a lost ZWNJ is the usual reason for such a cut) and where
the preferred spelling of the word has one (می‌کند, فناوری‌های, ...). Latin citations are fixed as units.
"""
from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Sequence

from indexer.rtl.lm import get_lm
from indexer.rtl.text import MIRROR, PUNCT, YEH, ZWNJ, is_fa_letter, to_persian_letters
from indexer.rtl.zwnj import spell

# hypotheses kept per position: 9 instead of 6 took text-dev 0.917 -> 0.921, text-test 0.871 -> 0.877, the
# paper 0.899 -> 0.900, dev 0.974 -> 0.969 (one line: a higher-scoring wrong reading), ~25% more CPU time
BEAM = 9
PRUNE_MARGIN = 14.0
YEH_WORD_BONUS = 2 * -math.log(0.013) - 3.0   # a known word kept whole costs ~e^-3, not two ی non-cuts
# the longest chunk tried; 24 cut long unbroken chunks: 40 took dev 0.938 -> 0.962 and text-dev
# 0.811 -> 0.841 (before the text model; 60 and 80 measured equal to 40 on dev)
MAX_CHUNK = 40
# a chunk may begin or end with a ی kept with its neighbour (the seed cuts each side of ی 98.7% of the time, so
# 2.6% of ی keep one side: تشک|یل for تشکیل); before, ی was a chunk of its own or inside a known word only
# (the longest such chunk, ی included; 1: none): text-dev 0.901 -> 0.912, dev equal; 8 units read text-dev as
# well as unbounded ones with a third less CPU time
YEH_EDGE = 8
# a Latin letter glued to a Persian one (the seed never cuts after a Latin word before its space):
# text-dev 0.912 -> 0.913, dev 0.974 equal
LATIN_GLUE = -2.5

_L = math.log
C_YEH_KEEP = _L(0.013)
P_SPACE_YEH, P_SPACE = 0.85, 0.12
P_AFTER_SPACE = 0.08
P_AFTER_PUNCT, P_BEFORE_PUNCT = 0.45, 0.15
P_LETTERS = 0.008
P_ZWNJ_CUT = 0.94
P_OTHER = 0.3
CUT_MARK = "\ue000"    # a cut between two letters: a ZWNJ candidate, decided per word in _respell
ROTATE_COST = _L(0.7)   # a trailing space in the garbled chunk was a leading one (the usual case)
KEEP_COST = _L(0.3)
LEADING_SPACE_COST = 0.0   # measured: -5 lowered dev word accuracy (0.883 -> 0.878)

# The score of a hypothesis is a weighted sum of these terms (each a sum over the line):
#   cut       log-probability of the chunking under the cut model (cuts and non-cuts)
#   typo      typography of adjacent units (_typo) and a line starting with a space
#   lm        word language model (lm.lp; a character-model estimate for a word still being built)
#   end       sentence-end term (lm.end_lp) of the word before . ؟ ! or a sentence-final citation
#   rotate    a chunk's trailing space read as a leading one (ROTATE_COST) or kept (KEEP_COST)
#   yeh_word  YEH_WORD_BONUS for a chunk that is a known word with ی inside
#   words     number of words
#   oov       words no lexicon or count knows
#   verb_mid  a verb followed by another word without punctuation between (Persian is verb-final)
FEATURES = ("cut", "typo", "lm", "end", "rotate", "yeh_word", "words", "oov", "verb_mid")
DEFAULT_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0)   # the hand-set score before issue 19
WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "repair_weights.json"  # evals.fit_repair_weights


def load_weights(path: Path = WEIGHTS_PATH) -> tuple[float, ...]:
    """The fitted weights (``python -m evals.fit_repair_weights``), or DEFAULT_WEIGHTS without the file."""
    if not path.exists():
        return DEFAULT_WEIGHTS
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: features {data['features']} are not {FEATURES}; refit the weights")
    return tuple(float(x) for x in data["weights"])


_W: tuple[float, ...] = load_weights()
_COLLECT = False       # keep each hypothesis's terms (nbest)
_WORD_TERMS = any(_W[6:])  # count words, unknown words and verbs not final


def set_weights(weights: tuple[float, ...]) -> None:
    """Score readings with ``weights`` (one per FEATURES entry) from now on."""
    global _W, _WORD_TERMS
    if len(weights) != len(FEATURES):
        raise ValueError(f"{len(weights)} weights for {len(FEATURES)} features")
    _W = tuple(weights)
    _WORD_TERMS = any(_W[6:])
    unchunk.cache_clear()


def _log1m(p: float) -> float:
    return math.log(1.0 - p)


# ---------------------------------------------------------------------------------------------------------
# Latin citations
# ---------------------------------------------------------------------------------------------------------
_YEAR = re.compile(r"\d{4}(?:[a-z](?![a-z]))?")
_LATIN_WORD = re.compile(r"-?[A-Za-z][A-Za-z'\-]*")


def fix_latin(body: str) -> str:
    """Canonical in-text citation body: ``2010al.,  et Bertot`` → ``Bertot et al., 2010``."""
    s = body.strip()
    years = _YEAR.findall(s)
    reversed_order = bool(re.match(r"^[\s.,]*\d", s))
    words = _LATIN_WORD.findall(s)
    if reversed_order:
        words = words[::-1]
        # "-Serrano Cinca" → "Serrano-Cinca"
        joined: list[str] = []
        for w in words:
            if joined and joined[-1].startswith("-"):
                joined[-1] = joined[-1][1:] + "-" + w
            else:
                joined.append(w)
        words = joined
    names = [w for w in words if w not in ("et", "al")]
    if not names and not years:
        return s
    etal = "et" in words or "al" in words
    out = ""
    if names:
        if "&" in s:
            out = " & ".join(names) if len(names) == 2 else ", ".join(names[:-1]) + " & " + names[-1]
        else:
            out = " ".join(names)
    if etal:
        out = (out + " et al.").strip()
    if years:
        out = (out + ", " if out else "") + ", ".join(years)
    elif re.search(r"[.,]\s*$", s) or re.match(r"^[\s.,]+[A-Za-z]", s):
        out += ","  # a citation cut by the line end: "(Chun et al.,"
    return out


_CITE_UNIT = re.compile(r"\(\.\s*([^()\u0600-\u06ff]*?[A-Za-z][^()\u0600-\u06ff]*?)\)")
_CITE_PLAIN = re.compile(r"\(([A-Z][^()\u0600-\u06ff]*?\d{4}[a-z]?)\)")
_LEAD_TAIL = re.compile(r"^\s*([a-z][^()\u0600-\u06ff]*?\d{4}[a-z]?)\s*\.?\s*\)\s*")
_LATIN_RUN = re.compile(r"[\s.,]*[A-Za-z0-9][A-Za-z0-9.,&'\-\s]*[A-Za-z.]|\d*[A-Za-z][A-Za-z0-9.,&'\-]*")


def _latin_unit(g: str, i: int, j: int, units: list[str]) -> int:
    """Append the Latin island g[i:j] as one unit; a ")" glued to its end is the mirrored "(" of a citation the
    line end cut (``Janssen)`` → ``(Janssen``). Returns the next index."""
    if j < len(g) and g[j] == ")":
        units.append("(" + fix_latin(g[i:j]))
        return j + 1
    units.append(fix_latin(g[i:j]))
    return j


def _units(g: str) -> tuple[str, list[str]]:
    """Split a garbled line into units (one char, a digit run, or a Latin island); return a logical prefix."""
    prefix = ""
    m = _LEAD_TAIL.match(g)
    if m and re.search(r"[\u0600-\u06ff]", g[m.end():]):
        prefix = re.sub(r"\s+", " ", m.group(1).strip()) + ")."
        g = g[m.end():]
    units: list[str] = []
    i = 0
    n = len(g)
    while i < n:
        m = _CITE_UNIT.match(g, i)
        if m:
            units.append("(" + fix_latin(m.group(1)) + ").")
            i = m.end()
            continue
        m = _CITE_PLAIN.match(g, i)
        if m:
            units.append("(" + fix_latin(m.group(1)) + ")")
            i = m.end()
            continue
        ch = g[i]
        if ch.isascii() and ch.isalpha():
            m = _LATIN_RUN.match(g, i)
            assert m is not None  # a Latin letter starts a run
            i = _latin_unit(g, i, m.end(), units)
            continue
        if ch.isdigit():
            j = i
            while j < n and g[j].isdigit():
                j += 1
            # a digit run glued to a Latin island ("2010al.,  et Bertot") belongs to the island
            if j < n and g[j].isascii() and g[j].isalpha():
                m = _LATIN_RUN.match(g, j)
                assert m is not None  # a Latin letter starts a run
                i = _latin_unit(g, i, m.end(), units)
                continue
            units.append(g[i:j])
            i = j
            continue
        if ch in ",." and i + 1 < n and g[i + 1] in ",." and i + 2 < n and g[i + 2].isascii() and g[i + 2].isalpha():
            m = _LATIN_RUN.match(g, i)
            assert m is not None  # a Latin letter starts a run
            i = _latin_unit(g, i, m.end(), units)
            continue
        units.append(MIRROR.get(ch, ch))
        i += 1
    return prefix, units


# ---------------------------------------------------------------------------------------------------------
# Beam search
# ---------------------------------------------------------------------------------------------------------
class _Hyp:
    __slots__ = ("buf", "f", "last", "last2", "out", "pend", "prev", "score", "yeh_in_word")

    def __init__(self, score, prev, buf, yeh_in_word, last, last2, out, pend=0.0, f=(0.0,) * 9):
        self.score = score
        self.f = f                # the score's terms, unweighted (FEATURES)
        self.pend = pend          # character-model estimate already charged for ``buf``
        self.prev = prev          # previous completed word key ("" after punctuation)
        self.buf = buf            # letters of the word being built (no ZWNJ)
        self.yeh_in_word = yeh_in_word
        self.last = last          # last logical unit emitted ("" at start)
        self.last2 = last2        # last two letters (for ZWNJ context)
        self.out = out            # (parent_out, text) linked list


def _kind(u: str) -> str:
    if len(u) != 1:
        return "x"  # digits or Latin island
    if u == " ":
        return "s"
    if u == YEH:
        return "y"
    if is_fa_letter(u):
        return "l"
    if u in PUNCT:
        return "p"
    return "o"


def _pos_prob(h_last: str, u: str, hyp_yeh: bool, lm, last2: str, head2: str) -> float:
    """Probability that the logical line was cut between ``h_last`` and ``u``."""
    a, b = _kind(h_last), _kind(u)
    if a == "y" or b == "y":
        return 0.987
    if b == "s":
        return P_SPACE_YEH if hyp_yeh else P_SPACE
    if a == "s":
        return P_AFTER_SPACE
    if a == "p":
        return P_AFTER_PUNCT
    if b == "p":
        return P_BEFORE_PUNCT
    if a == "l" and b == "l":
        z = lm.zwnj_prob(last2, head2)
        return P_ZWNJ_CUT * z + P_LETTERS * (1 - z)
    return P_OTHER


_CLOSERS = set(".،,;:؛!?)»")
_ENDERS = set(".؟!?")  # a sentence ends: the word before it is usually a verb (lm.end_lp)


def _typo(a: str, b: str) -> float:
    """Typographic plausibility of two adjacent logical units (a language-model term for punctuation)."""
    if len(a) > 1 and a[0] == "(" and ")" not in a:
        return -4.0  # a citation the line end cut ("(Janssen") ends the line
    if a[-1].isdigit() and is_fa_letter(b[0]):
        return -2.5  # a footnote marker follows its word: دیجیتال1 با, not دیجیتال 1با
    if len(a) != 1 or len(b) != 1:
        a, b = a[-1], b[0]
    if a in _CLOSERS and a != ")" and b != " " and (is_fa_letter(b) or b.isalnum()):
        return -3.0
    if a == "." and b == ")":
        return -2.0
    if a == " " and b in _CLOSERS:
        return -3.0
    if a in "(«" and b == " ":
        return -3.0
    if a == " " and b == " ":
        return -2.0
    if (is_fa_letter(a) or a.isalnum()) and b in "(«":
        return -2.5
    if a in ")»" and (is_fa_letter(b) or b.isalnum()):
        return -2.5
    if LATIN_GLUE and ((a.isascii() and a.isalpha() and is_fa_letter(b)) or (is_fa_letter(a) and b.isascii()
                                                                              and b.isalpha())):
        return LATIN_GLUE  # «Cooke مدیرعامل», not «Cookeمدیرعامل» (CoVها exists, but rarely)
    return 0.0


_INTERIOR: dict = {}
_JUNCTION: dict = {}


def _interior_cost(a: str, b: str, yeh: bool) -> tuple[float, float]:
    """(cut-model, typography) log-probability of two units kept together inside a chunk."""
    key_ = (a, b, yeh)
    r = _INTERIOR.get(key_)
    if r is None:
        k = _kind(a) + _kind(b)
        if "y" in k:
            c = C_YEH_KEEP
        elif k[1] == "s":
            c = _log1m(P_SPACE_YEH if yeh else P_SPACE)
        elif k[0] == "s":
            c = _log1m(P_AFTER_SPACE)
        elif k[0] == "p":
            c = _log1m(P_AFTER_PUNCT)
        elif k[1] == "p":
            c = _log1m(P_BEFORE_PUNCT)
        elif k == "ll":
            c = _log1m(P_LETTERS)
        else:
            c = _log1m(P_OTHER)
        r = _INTERIOR[key_] = (c, _typo(a, b))
    return r


def _junction(a: str, b: str, yeh: bool, last2: str, head2: str, in_word: bool, lm) -> tuple[float, float, bool]:
    """(cut-model, typography) log-probability of a cut between two chunks, and whether it is a ZWNJ candidate."""
    key_ = (a, b, yeh, last2, head2, in_word)
    r = _JUNCTION.get(key_)
    if r is None:
        p = _pos_prob(a, b, yeh, lm, last2, head2)
        mark = in_word and _kind(a) == "l" and _kind(b) == "l"  # zwnj.spell weighs this cut
        r = _JUNCTION[key_] = (math.log(p), _typo(a, b), mark)
    return r


_WORD_INFO: dict = {}


def _word_info(lm, k: str) -> tuple[bool, bool]:
    """(a word no lexicon knows, a conjugated verb) for the word features."""
    r = _WORD_INFO.get(k)
    if r is None:
        r = _WORD_INFO[k] = (not lm.in_lexicon(k) and lm.freq(k) == 0, lm.is_verb(k))
    return r


def _extend(h: _Hyp, chunk: list[str], kinds: str, lm, extra: tuple[float, float]) -> _Hyp:
    """``h`` followed by ``chunk``; ``extra`` is the chunk's (rotation, known-ی-word) terms."""
    cut = typo = lmv = end = words = oov = vmid = 0.0
    prev, buf, yeh, last, last2, pend = h.prev, h.buf, h.yeh_in_word, h.last, h.last2, h.pend
    pieces: list[str] = []
    char_step = lm.char_step_cached
    for idx, u in enumerate(chunk):
        kind = kinds[idx]
        if last:
            if idx == 0:
                head2 = u + chunk[1] if len(chunk) > 1 and len(u) == 1 and len(chunk[1]) == 1 else u
                c, t, mark = _junction(last, u, yeh, last2, head2, bool(buf), lm)
                if mark:
                    pieces.append(CUT_MARK)
            else:
                c, t = _interior_cost(last, u, yeh)
            cut += c
            typo += t
        elif idx == 0 and u == " ":
            typo -= 2.0
        if kind == "l" or kind == "y":
            if kind == "l" and last == YEH and len(last2) == 2:
                yeh = True  # a word-internal ی: the next space is usually a cut
            step = char_step(("^^" + buf)[-2:], u)
            lmv += step
            pend += step
            buf += u
            last2 = (last2 + u)[-2:]
        else:
            ends = u in _ENDERS or (kind == "x" and u.endswith(")."))
            if buf:
                lmv += lm.lp(prev, buf) - pend
                if _WORD_TERMS:
                    words += 1
                    oov += _word_info(lm, buf)[0]
                    if prev and _word_info(lm, prev)[1]:
                        vmid += 1
                if ends:
                    end += lm.end_lp(buf)
                pend = 0.0
                prev = buf if kind == "s" else ""
                buf = ""
            elif kind != "s":
                if ends and prev:
                    end += lm.end_lp(prev)
                prev = ""
            last2 = ""
            yeh = False
        pieces.append(u)
        last = u
    w = _W
    score = (h.score + w[0] * cut + w[1] * typo + w[2] * lmv + w[3] * end + w[4] * extra[0] + w[5] * extra[1]
             + w[6] * words + w[7] * oov + w[8] * vmid)
    f = h.f
    if _COLLECT:  # nbest: keep the terms (slower)
        f = tuple(a + b for a, b in zip(f, (cut, typo, lmv, end, extra[0], extra[1], words, oov, vmid)))
    return _Hyp(score, prev, buf, yeh, last, last2, (h.out, "".join(pieces)), pend, f)


def _finish(h: _Hyp, lm) -> tuple[float, tuple[float, ...]]:
    """The final score and features of a hypothesis that consumed the whole line (its last word scored)."""
    if not h.buf:
        return h.score, h.f
    unknown, _ = _word_info(lm, h.buf)
    d = [0.0] * len(FEATURES)
    d[2] = lm.lp(h.prev, h.buf) - h.pend
    d[6] = 1.0
    d[7] = float(unknown)
    if h.prev and _word_info(lm, h.prev)[1]:
        d[8] = 1.0
    return h.score + sum(wi * di for wi, di in zip(_W, d)), tuple(a + b for a, b in zip(h.f, d))


def _flatten(out) -> str:
    parts = []
    while out:
        out, text = out
        parts.append(text)
    return "".join(reversed(parts))


def _search(line: str) -> tuple[str, list[_Hyp]]:
    """Beam search over the chunkings of one garbled line: (logical prefix, the hypotheses that consumed the
    whole line)."""
    lm = get_lm()
    g = to_persian_letters(line)
    prefix, units = _units(g)
    n = len(units)
    if n == 0:
        return prefix, []
    # beams[p]: hypotheses that consumed units[p:]
    beams: dict[int, list[_Hyp]] = {n: [_Hyp(0.0, "", "", False, "", "", None)]}
    for p in range(n, 0, -1):
        hyps = beams.pop(p, None)
        if not hyps:
            continue
        hyps.sort(key=lambda h: -h.score)
        seen = set()
        kept = []
        for h in hyps:
            sig = (h.prev, h.buf, h.last, h.yeh_in_word)
            if sig in seen:
                continue
            seen.add(sig)
            kept.append(h)
            if len(kept) >= BEAM:
                break
        hyps = kept
        cutoff = hyps[0].score - PRUNE_MARGIN
        qs: Sequence[int]
        if units[p - 1] == YEH:
            qs = range(p - 1, max(-1, p - 1 - YEH_EDGE), -1)  # ی alone, or kept with a few units before it
        else:
            qs = range(p - 1, max(-1, p - 1 - MAX_CHUNK), -1)
        for q in qs:
            chunk = units[q:p]
            # a chunk almost never has ی inside next to other units; stop growing after two of them
            if len(chunk) > 1 and chunk[0] == YEH and not (len(chunk) <= YEH_EDGE and YEH not in chunk[1:]):
                # words typed with a non-splitting yeh (فرایند, تصمیم): allow a chunk that is a known word
                if q > 0 and units[q - 1] != YEH and len(chunk) >= 2:
                    continue
                break
            yeh_word = YEH in chunk[1:-1]
            if yeh_word:
                text_ = "".join(chunk)
                if not (len(text_) >= 4 and lm.known(text_.strip()) and " " not in text_.strip()):
                    continue
            # a chunk's leading space moves to its end, so a garbled chunk never starts with a space
            lead = LEADING_SPACE_COST if len(chunk) > 1 and chunk[0] == " " else 0.0
            bonus = YEH_WORD_BONUS if yeh_word else 0.0
            variants = [(chunk, lead)]
            if len(chunk) > 1 and chunk[-1] == " ":
                variants = [([" "] + chunk[:-1], ROTATE_COST + lead), (chunk, KEEP_COST + lead)]
            for ch, extra in variants:
                kinds = "".join(_kind(u) for u in ch)
                for h in hyps:
                    if h.score < cutoff:
                        break
                    beams.setdefault(q, []).append(_extend(h, ch, kinds, lm, (extra, bonus)))
    return prefix, beams.get(0, [])


def _text(prefix: str, h: _Hyp, lm) -> str:
    text = _respell(_flatten(h.out), lm)
    text = re.sub(r" {2,}", " ", text).strip()
    return prefix + " " + text if prefix else text


@functools.lru_cache(maxsize=4096)
def unchunk(line: str) -> str:
    """Undo the seed extractor's chunk reversal (DESIGN §4) on one line."""
    lm = get_lm()
    prefix, final = _search(line)
    if not final:
        return line
    return _text(prefix, max(final, key=lambda h: _finish(h, lm)[0]), lm)


def nbest(line: str) -> list[tuple[str, tuple[float, ...]]]:
    """Every distinct complete reading the search kept, best first, with its features (``FEATURES``, the
    unweighted terms of the score): what ``evals.fit_repair_weights`` learns the weights from."""
    global _COLLECT, _WORD_TERMS
    lm = get_lm()
    saved = _COLLECT, _WORD_TERMS
    _COLLECT = _WORD_TERMS = True
    try:
        prefix, final = _search(line)
    finally:
        _COLLECT, _WORD_TERMS = saved
    scored = sorted(((_finish(h, lm), h) for h in final), key=lambda x: -x[0][0])
    out: dict[str, tuple[float, ...]] = {}
    for (_, f), h in scored:
        out.setdefault(_text(prefix, h, lm), f)
    return list(out.items())


FA_WORD = re.compile("[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u200c\ue000]+")


def _respell(text: str, lm) -> str:
    """Give each Persian word its ZWNJ (zwnj.spell), from the cuts the chosen chunking made inside it."""
    def fix(m: re.Match) -> str:
        w = m.group().replace(ZWNJ, "")
        k = w.replace(CUT_MARK, "")
        cuts = {i for i, flag in enumerate(_offsets(w.replace(CUT_MARK, ZWNJ))) if flag}
        return spell(k, cuts, lm)
    return FA_WORD.sub(fix, text)


def _offsets(w: str) -> list[bool]:
    """For each index of the ZWNJ-less word, whether a ZWNJ precedes it in ``w``."""
    flags: list[bool] = []
    pending = False
    for c in w:
        if c == ZWNJ:
            pending = True
            continue
        flags.append(pending)
        pending = False
    return flags
