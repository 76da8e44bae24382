"""Where a rebuilt word gets its ZWNJ (نیم‌فاصله).

The seed extractor drops every ZWNJ but cuts the line there 94% of the time, and cuts between two other letters
only 0.8% of the time (DESIGN §4). So a cut between two letters of a rebuilt word is strong evidence that the
writer typed a ZWNJ there, and no cut is evidence that they did not — except next to ی, where the line is cut
anyway and the cut says nothing. Each position gets a prior from the word's spelling statistics and morphology
(``prior``), and ``positions`` combines it with the cut evidence by Bayes' rule.
"""
from __future__ import annotations

from indexer.rtl.text import YEH, ZWNJ

P_CUT_ZWNJ = 0.94     # a lost ZWNJ cut the line
P_CUT_LETTERS = 0.008  # two letters with no ZWNJ between them were cut
NON_JOINING = set("ادذرزژوآأإؤ")  # letters that never join the next one: a ZWNJ after them is optional
PLURAL = ("ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان")
COMPARATIVE = ("تر", "ترین", "تری")
AFTER_HEH = ("ای", "ام", "ات", "اش", "اند", "ایم", "اید", "ایی")
VERB_PREFIXES = ("می", "نمی")
# the running text's ZWNJ spellings (lm.t_zw) as a prior: dev 0.971 -> 0.974, text-dev 0.879 -> 0.884
TEXT_ZWNJ = True
# a word the running text has at least this often and never with a ZWNJ gets none after a ی-ending prefix or
# stem (می + زان), where the cut next to ی says nothing: text-dev 0.897 -> 0.901, dev equal
TEXT_PLAIN_MIN = 3


def _offsets(spelled: str) -> set[int]:
    """Indices of the ZWNJ-less word that a ZWNJ precedes in ``spelled``."""
    out, n = set(), 0
    for c in spelled:
        if c == ZWNJ:
            out.add(n)
        else:
            n += 1
    return out


def _morph_boundary(left: str, right: str, lm) -> bool:
    """``left`` + ``right`` is a known stem with a suffix or prefix that standard orthography joins by ZWNJ."""
    if len(left) >= 2 and right in PLURAL + COMPARATIVE and lm.known(left):
        return True
    if len(left) >= 2 and left.endswith("ه") and right in AFTER_HEH and lm.known(left):
        return True
    return left in VERB_PREFIXES and len(right) >= 2 and lm.known(right)


def prior(k: str, i: int, lm) -> float:
    """P(ZWNJ before index ``i`` of word key ``k``) from statistics and morphology alone."""
    left, right = k[:i], k[i:]
    var = lm.var.get(k)
    if var and i in _offsets(var):
        return 0.8
    if TEXT_ZWNJ:
        text = lm.t_zw.get(k)
        if text and i in _offsets(text[0]):
            return min(0.8, max(0.02, text[1] / (text[1] + text[2])))
    minority = lm.zshare.get(k)
    if minority and i in _offsets(minority[0]):
        return min(0.8, max(0.02, minority[1]))
    attested = lm.freq(k) > 0
    if _morph_boundary(left, right, lm):
        if left[-1] == YEH:
            if TEXT_PLAIN_MIN and k not in lm.t_zw and lm.t_uni.get(k, 0) >= TEXT_PLAIN_MIN:
                return 0.002  # میزان, میلیون, میان: never with a ZWNJ in the running text, not می + زان
            return 0.9  # فناوری‌ها, می‌کند: ی would join the next letter
        if attested and right not in PLURAL:
            return 0.002  # بستر, not بس‌تر: a known word written without a ZWNJ
        if left[-1] in NON_JOINING:
            return 0.05 if attested else 0.15
        return 0.3 if attested else 0.9
    if attested:
        return 0.002
    if len(left) >= 2 and len(right) >= 2 and lm.known(left) and lm.known(right):
        return 0.3
    return lm.zwnj_prob(left, right)


def positions(k: str, cuts: set[int], lm) -> set[int]:
    """Indices of ``k`` that get a ZWNJ, given the indices where the garbled line was cut inside the word."""
    out = set()
    for i in range(1, len(k)):
        z = prior(k, i, lm)
        if k[i - 1] == YEH or k[i] == YEH:
            post = z  # the line is cut next to ی anyway
        elif i in cuts:
            post = P_CUT_ZWNJ * z / (P_CUT_ZWNJ * z + P_CUT_LETTERS * (1 - z))
        else:
            post = (1 - P_CUT_ZWNJ) * z / ((1 - P_CUT_ZWNJ) * z + (1 - P_CUT_LETTERS) * (1 - z))
        if post > 0.5:
            out.add(i)
    return out


def spell(k: str, cuts: set[int], lm) -> str:
    """The word key ``k`` with its ZWNJ restored."""
    zs = positions(k, cuts, lm)
    return "".join((ZWNJ if i in zs else "") + c for i, c in enumerate(k))
