"""Persian/English normalisation and tokenisation, built on hazm.

Two levels:
- :func:`normalize_text` for what users read and what we embed: Arabic ي/ك → ی/ک, presentation
  forms → base letters, bidi controls removed, hazm's spacing rules; **Latin digits are kept**
  (hazm's default turns them Persian and breaks author–year citations such as ``Heeks, 2003``).
- :func:`lexical_tokens` for BM25: normalised, lower-cased, punctuation-free tokens without
  stopwords, each word also contributing its ZWNJ-joined form, its ZWNJ pieces and its hazm stem so
  that «فناوری‌های», «فناوریهای» and «فناوری» meet; alef with madda is folded to alef («آشیل» and
  «اشیل» are one name in informal writing).
"""
from __future__ import annotations

import functools
import re
import unicodedata

from hazm import Normalizer, SentenceTokenizer, Stemmer, WordTokenizer, stopwords_list

ZWNJ = "\u200c"
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Display text: only letters that are wrong in Persian (Arabic yeh/kaf); hamza forms such as «تأثیر» stay.
_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
# Matching folds spelling variants too.
_FOLD_LETTERS = str.maketrans({"ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و"})
_TOKEN_CHARS = re.compile(r"[^\w\u200c]+")
_ENGLISH_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was were "
    "what which who whom how why when where does do did with about into than then there these those "
    "paper author say says said according".split())


def ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII ones.

    >>> ascii_digits("سال ۱۴۰۲ و ٢٠٢١")
    'سال 1402 و 2021'
    """
    return text.translate(_DIGITS)


def english_stopwords() -> frozenset[str]:
    """English words BM25 and the question lexicon ignore."""
    return _ENGLISH_STOPWORDS


@functools.lru_cache(maxsize=1)
def _normalizer() -> Normalizer:
    # correct_spacing would pad Latin citations ("2012 ;", "al. ,"); diacritics are the author's.
    return Normalizer(persian_numbers=False, correct_spacing=False, remove_diacritics=False)


@functools.lru_cache(maxsize=1)
def _word_tokenizer() -> WordTokenizer:
    return WordTokenizer(join_verb_parts=False, replace_numbers=False, replace_ids=False,
                         replace_emails=False, replace_links=False, replace_hashtags=False)


@functools.lru_cache(maxsize=1)
def _sentence_tokenizer() -> SentenceTokenizer:
    return SentenceTokenizer()


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer:
    return Stemmer()


def stem(word: str) -> str:
    """hazm's stem of a Persian word (plural and possessive endings removed)."""
    return _stemmer().stem(word.replace(ZWNJ, ""))


@functools.lru_cache(maxsize=1)
def persian_stopwords() -> frozenset[str]:
    """hazm's Persian stopwords, ZWNJ-joined forms included."""
    words = {w.strip() for w in stopwords_list()}
    return frozenset(words | {w.replace(ZWNJ, "") for w in words})


def normalize_text(text: str) -> str:
    """Clean text for display and embedding; keeps Latin digits and ZWNJ.

    >>> normalize_text("كشورداري در سال 1403")
    'کشورداری در سال 1403'
    """
    if _PRESENTATION.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = _BIDI.sub("", text).translate(_ARABIC_LETTERS)
    if re.search(r"[\u0600-\u06FF]", text):
        text = _normalizer().normalize(text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def fold(text: str) -> str:
    """Aggressive folding for matching: normalised, Latin digits, lower case, no ZWNJ/diacritics."""
    text = normalize_text(text).translate(_DIGITS).translate(_FOLD_LETTERS).lower().replace(ZWNJ, "")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def match_key(text: str) -> str:
    """Letters and digits only, folded: the key two spellings of one sentence share.

    Cheap (no hazm): used to de-duplicate sentences and find glossary terms in text.

    >>> match_key("كشورداري  هوشمند‌ (۱۴۰۳)") == match_key("کشورداری‌هوشمند 1403")
    True
    """
    text = unicodedata.normalize("NFKC", text.translate(_FOLD_LETTERS)).translate(_ARABIC_LETTERS)
    text = text.translate(_FOLD_LETTERS).translate(_DIGITS).lower()
    return "".join(c for c in text if unicodedata.category(c)[0] == "L" or unicodedata.category(c) == "Nd")


def split_sentences(text: str) -> list[str]:
    """Sentences of a Persian or English paragraph (hazm's tokenizer handles both . and ؟)."""
    return [s.strip() for s in _sentence_tokenizer().tokenize(text) if s.strip()]


def words(text: str) -> list[str]:
    """Word tokens (punctuation dropped), after :func:`fold`-style normalisation but keeping ZWNJ."""
    text = normalize_text(text).translate(_DIGITS).translate(_FOLD_LETTERS).lower()
    out: list[str] = []
    for tok in _word_tokenizer().tokenize(text):
        tok = _TOKEN_CHARS.sub(" ", tok).strip()
        out.extend(t.strip(ZWNJ + "_") for t in tok.split() if t.strip(ZWNJ + "_"))
    return out


def lexical_tokens(text: str) -> list[str]:
    """BM25 tokens: joined form, ZWNJ pieces and stem of every content word (آ folded to ا).

    >>> lexical_tokens("فناوری‌های نوین")
    ['فناوریهای', 'فناوری', 'فناوری', 'نوین']
    >>> lexical_tokens("آشیل") == lexical_tokens("اشیل")
    True
    """
    stop = persian_stopwords()
    stem = _stemmer().stem
    out: list[str] = []
    for word in words(text):
        joined = word.replace(ZWNJ, "")
        if joined in stop or joined in _ENGLISH_STOPWORDS or len(joined) < 2:
            continue
        out.append(joined)
        pieces = [p for p in word.split(ZWNJ) if len(p) > 1 and p not in stop]
        if len(pieces) > 1:
            out.append(pieces[0])
        if not joined.isascii():
            stemmed = stem(joined)
            if stemmed and stemmed != joined:
                out.append(stemmed)
        elif len(joined) > 4 and joined.endswith("s"):
            out.append(joined[:-1])  # crude English plural folding: governments → government
    # after the stopword test: «آن» is a stopword, «ان» is not
    return [fold_alef(t) for t in out]


def fold_alef(token: str) -> str:
    """Alef with madda as plain alef, the spelling variant BM25 tokens ignore («آشیل» = «اشیل»)."""
    return token.replace("آ", "ا")
