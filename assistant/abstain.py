"""Abstention: decline questions the retrieved passages cannot answer.

Scores cannot do this here: unanswerable questions about the paper are on topic, and their top
passages score like answerable ones (DESIGN.md / issue #6). So the rule checks whether the corpus and
the passages hold *what was asked*:

1. a quantity needs the matching kind of number in the top passages: an amount of money a number
   with a currency or magnitude, a share a percentage, a year a year outside citations, a rank a
   number beside "rank", a count a number (not a year) in a sentence that names what is counted — for an
   English question, in the passages' English edition: "how many smart *meters* were installed" needs a
   number beside "meters" (:func:`counted_head_en`: the first plural of its first words), not any number;
2. a technical name with a digit (5G, Web3) must occur in the corpus; so must a capitalised name in an
   English question ("Jeju Island", "GovTech"): some Latin word of the corpus (the English edition, English
   documents, citations) must begin like it (its first ``len − 3`` letters, at least 4, so "Korean" and
   "Estonian" find "Korea" and "Estonia"). Evidence from the corpus, not a list: it needs no entry for each
   country, vendor or agency a reader may name. Names the term lists of rule 3 know are left to rule 3, which
   looks for them in both languages (a Persian document without an English edition names Estonia only as
   «استونی»); so are the first word of a sentence, every word of a question in title case, and a given name
   beside an author the corpus cites ("Hasan Danaeefard"). An all-capital acronym must be a word of the corpus
   or the initials of a run of its words ("ML": "machine learning"; "LSTM": no "long short-term memory"), so
   short acronyms, which some run of words always spells, pass. A year the corpus never writes, not even in a
   citation ("by 2030"; a Solar Hijri year stands for its two Gregorian ones), declines in both languages, and
   so does a name whose number the corpus never writes ("ISO 37122");
3. a named entity (country, city, organisation, product) or a field term (a technology, a public-
   sector domain, a research method) that the question names must occur somewhere in the corpus in
   English or Persian (``data/entities_fa_en.tsv``, ``data/field_terms_fa_en.tsv``, matched through
   :class:`assistant.expansion.TermIndex`): "what does the paper say about Rwanda / the metaverse /
   its interviews" has no answer in a corpus that never names them. Whole-corpus absence, not
   absence from the top passages, because an entity the paper names once may rank below the top 5;
4. (off by default) a Persian question whose specific content words are largely absent from the
   whole corpus. With 2 missing words at a 20% share it declines all 3 dev unanswerables and no dev
   answerable question, but paraphrased questions bring their own words: on the held-out test split
   it declined 11 of 62 answerable questions, so it stays off (``abstain_vocabulary_rule``). Rules 1–3
   look only for *names* (entities, terms, numbers), which paraphrase leaves alone.

Rules 1–3 were written on the dev questions (evals/questions.jsonl, ``split: dev``) and checked on the
blind calibration sets (``evals/data/calibration_*.jsonl``, docs/evals.md): there they decline no
answerable question through rule 3 and catch most on-topic unanswerable ones; two false declines of
rule 2 ("1990s", "2000s" — in the paper, but only in its English edition) and three of rule 1 («در چند
جمله», "in a few sentences", read as a count) were fixed by searching both editions and by reading «چند»
after a preposition as "a few". Off-topic questions are declined before these rules, by the model of
:mod:`assistant.decline`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable

from assistant.expansion import TermIndex, TermPair, curated_terms, entity_terms, expand, field_terms
from indexer.english import PERSIAN
from indexer.lexical import english_tokens
from indexer.normalize import ascii_digits, lexical_tokens, split_sentences, words

# -- what kind of quantity a question asks for --------------------------------------------------
_ASKS: tuple[tuple[str, re.Pattern], ...] = tuple((kind, re.compile(p, re.IGNORECASE)) for kind, p in (
    ("share", r"(what|which) (share|percentage|proportion|fraction|percent)|how many percent|"
              r"چند درصد|چه درصدی|چه سهمی|چه نسبتی"),
    ("money", r"how much\b(?=.*\b(invest|spen[dt]|cost|pa(y|id)|fund|allocat|budget|money|sav|earn|rais|price))|"
              r"what amount|what (was|is|were) (the )?([\w'’\-]+ ){0,3}(cost|budget|price|spending|expenditure)s?"
              r"(?= *(\?|$|in |of |for |on ))|what budget|"
              r"how expensive|چه مبلغی|چه میزان|چقدر|چه بودجه|چه هزینه‌ای|چند (دلار|ریال|یورو|تومان)"),
    ("year", r"(in|during) (which|what) year|which year|what year|"
             r"when (was|were|did)\b.*\b(pass|enact|adopt|approv|launch|found|establish|introduc|ratif)|"
             r"در چه سالی|چه سالی|کدام سال|چه تاریخی"),
    ("rank", r"what rank|which rank|ranked|ranking|چه رتبه|چندم|چندمین|کدام رتبه"),
    # «چند» after a preposition is "a few" («در چند جمله»: in a few sentences), not "how many"
    ("count", r"how many|what number of|چه تعداد|(?<![\w\u200c])(?<!(?:در|با|به|از) )چند(?![\w\u200c])"
              r"(?! (سال|دهه)[\u200c\w]* اخیر)"),
))
_UNIT = r"(%|٪|درصد|percent|میلیون|میلیارد|هزار|million|billion|thousand|دلار|ریال|تومان|یورو|dollars?|euros?|\$|€)"
_EVIDENCE: dict[str, re.Pattern] = {
    "share": re.compile(r"\d+(?:[.,]\d+)?\s*(%|٪|درصد|percent)", re.IGNORECASE),
    "money": re.compile(r"(?<![\d(،,])\b\d+(?:[.,]\d+)?\s*" + _UNIT + r"|[$€]\s*\d", re.IGNORECASE),
    "year": re.compile(r"(?<!\d)(1[34]\d\d|19\d\d|20\d\d)(?!\d)"),
    "rank": re.compile(r"(rank(ed|ing)?|رتبه|جایگاه|place)\W{0,3}(\w+\W+){0,3}?\d+|\d+\W{0,3}(\w+\W+){0,2}?"
                       r"(rank|رتبه|جایگاه|place)", re.IGNORECASE),
}
_NUMBER = re.compile(r"(?<!\d)\d+(?:[.,]\d+)?(?!\d)")
# "three domains", «سه ساحت»: counts are often spelled out ("one"/«یک» also mean "a", so left out).
_NUMBER_WORDS = re.compile(
    r"(?<![\w\u200c])(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|"
    r"دو|سه|چهار|پنج|شش|هفت|هشت|نه|ده|یازده|دوازده|بیست|صد)(?![\w\u200c])", re.IGNORECASE)
# Citations carry years: "(Heeks, 2003)", "Zhao et al. (2012)", «دانائی‌فرد، 1399» — not what was asked.
_CITATION = re.compile(r"\([^()]*\d{4}[^()]*\)|[^\s(),،]+(\s+et al\.?)?\s*[,،]\s*\d{4}")
_ACRONYM = re.compile(r"\b([A-Za-z]+\d[A-Za-z\d]*|\d+[A-Za-z][A-Za-z\d]*)\b")
# an ordinal or a decade ("20th", "1990s") is a number with its suffix, not a technical name
_NUMBER_WITH_SUFFIX = re.compile(r"\d+(st|nd|rd|th|s)", re.IGNORECASE)
# a capitalised name: "Seoul", "GovTech" (not "US", "SMS-based")
_NAME = re.compile(r"(?<![\w\-])([A-Z][a-z]+(?:[A-Z][a-z]+)*)(?![\w\-])")
_SENTENCE_OPENERS = set('.?!:;"“(')
_WORD = re.compile(r"[A-Za-z][\w'’\-]*")
# Words that carry the question, not its topic (kept small; tuned on dev answerable questions).
_GENERIC = set("""
مقاله نویسنده چیست چیستند کدام کداماند کدام‌اند چگونه چرا آیا تعبیر گفته می‌گوید میگوید اشاره
بیان توضیح شرح جمعبندی جمع‌بندی ادعا منبع منبعی ارجاع آسان امکان امکانی انداختهاند راه
پشتوانه عملا شمارهای چاپ انگلیسی ند نظر دیدگاه بر اساس طبق مطرح معرفی ذکر پیشنهاد
""".split())
_COUNT_SKIP = set("of the a an different distinct main key major separate types kinds".split()) | \
    set("تا نوع مورد عدد".split())


@dataclass
class AbstentionDecision:
    abstain: bool
    reason: str = ""


def asked_quantity(question: str) -> tuple[str, str] | None:
    """The kind of quantity a question asks for and the words after the asking phrase, or None.

    >>> asked_quantity("How many pillars does smart governance have?")
    ('count', ' pillars does smart governance have?')
    >>> asked_quantity("بودجه سالانه این طرح چقدر است؟")[0]
    'money'
    """
    for kind, pattern in _ASKS:
        match = pattern.search(question)
        if match:
            return kind, question[match.end():]
    return None


@dataclass(frozen=True)
class Name:
    """A capitalised name of a question: its text, its word position, and whether it is possessive."""

    text: str
    position: int
    possessive: bool = False


def capitalised_names(question: str) -> list[Name]:
    """The capitalised names of an English question; sentence-initial words are left out, and a question
    written in title case has none (its capitals say nothing about names).

    >>> [(n.text, n.position, n.possessive) for n in capitalised_names("How does Rwanda match Estonia's X-Road?")]
    [('Rwanda', 2, False), ('Estonia', 4, True)]
    >>> [n.text for n in capitalised_names("What does the paper say? Which GovTech agency is meant?")]
    ['GovTech']
    >>> capitalised_names("What Does The Paper Say About Smart Governance?")
    []
    """
    words = list(_WORD.finditer(question))
    long = [w.group() for w in words if len(w.group()) > 3]
    if len(long) >= 3 and all(w[0].isupper() for w in long):
        return []
    out = []
    for i, w in enumerate(words):
        bare = re.split(r"['’]", w.group())[0]
        name = _NAME.fullmatch(bare)
        j = w.start() - 1
        while j >= 0 and question[j].isspace():
            j -= 1
        if name and j >= 0 and question[j] not in _SENTENCE_OPENERS:
            out.append(Name(name.group(1), i, bare != w.group()))
    return out


# a year, not a decade ("the 1980s") nor part of a longer number or word
_YEAR = re.compile(r"(?<![\d\w])((?:19|20|13|14)\d\d)(?![\d\w])")


def years_in(text: str) -> list[str]:
    """The years (Gregorian 19xx/20xx, Solar Hijri 13xx/14xx) of a text, in any digits; decades are not years.

    >>> years_in("By 2030? و در سال ۱۴۰۲، in the 1980s")
    ['2030', '1402']
    """
    return _YEAR.findall(ascii_digits(text))


# a name and its number: "ISO 37122", "ISO/IEC 27001:2022", "Microsoft 365", "I-405"
_DESIGNATION = re.compile(r"(?<![\w\-])([A-Z][A-Za-z]*(?:/[A-Z][A-Za-z]*)*)[ \-](\d{2,})(?![\d\w])")
_CORPUS_NUMBER = re.compile(r"(?<!\d)\d{2,}(?!\d)")


def designations(question: str) -> list[tuple[str, str]]:
    """The capitalised names of a question followed by a number of two digits or more (a standard, a model).

    >>> designations("Which clauses of ISO/IEC 27001:2022 apply? And ISO 37122? Not COVID-19 nor 300 words.")
    [('ISO/IEC', '27001'), ('ISO', '37122'), ('COVID', '19')]
    """
    return _DESIGNATION.findall(ascii_digits(question))


def calendar_years(years: Iterable[str]) -> set[str]:
    """The years and their equivalents in the other calendar (a Solar Hijri year spans two Gregorian ones):
    a corpus that writes 1400 also speaks of 2021 and 2022.

    >>> sorted(calendar_years(["1400"]))
    ['1400', '2021', '2022']
    """
    out: set[str] = set()
    for year in years:
        y = int(year)
        out |= {year, str(y + 621), str(y + 622)} if y < 1900 else {year, str(y - 621), str(y - 622)}
    return out


_ACRONYM_CAPS = re.compile(r"(?<![\w\-])([A-Z]{2,6})s?(?![\w\-])")


def acronyms(question: str) -> list[str]:
    """The all-capital acronyms of an English question ("LSTM", "GDPR"), plural "s" left off; none in a
    question written in capitals (its capitals say nothing about acronyms).

    >>> acronyms("Does the paper compare LSTMs with ARIMA for AI in the US?")
    ['LSTM', 'ARIMA', 'AI', 'US']
    >>> acronyms("WHAT DOES THE PAPER SAY ABOUT SMART GOVERNANCE?")
    []
    """
    long = [w for w in _WORD.findall(question) if len(w) > 3]
    if len(long) >= 2 and sum(w.isupper() for w in long) * 2 >= len(long):
        return []
    return _ACRONYM_CAPS.findall(question)


def initials_of(texts: Iterable[str], longest: int = 6) -> set[str]:
    """The initials of every run of 2 … ``longest`` consecutive Latin words in ``texts`` (hyphens split words):
    what an acronym may stand for ("machine learning" → "ml", "long short-term memory" → "lstm").

    >>> sorted(initials_of(["Machine learning, long short-term memory."], 3))
    ['ls', 'lst', 'ml', 'st', 'stm', 'tm']
    """
    out: set[str] = set()
    for text in texts:
        for clause in re.split(r"[^A-Za-z\s\-]+", text):
            letters = [w[0].lower() for w in re.findall(r"[A-Za-z]+", clause)]
            for n in range(2, longest + 1):
                out.update("".join(letters[i:i + n]) for i in range(len(letters) - n + 1))
    return out


def begins_a_word(name: str, words: list[str]) -> bool:
    """Does a word of ``words`` (sorted, lower case) begin with the name's first ``len − 3`` letters (≥ 4)?

    >>> begins_a_word("Korean", ["e-government", "korea", "seoul"]), begins_a_word("Jeju", ["korea"])
    (True, False)
    """
    stem = name.lower()[:max(4, len(name) - 3)]
    i = bisect.bisect_left(words, stem)
    return i < len(words) and words[i].startswith(stem)


_ROMANISATION = (("gh", "q"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("aa", "a"), ("w", "v"))


def spelling_key(name: str) -> str:
    """A Latin spelling of a Persian name with the common romanisation variants folded (غ/ق as gh or q, و as
    ou, oo or u, ی as ee or i, آ as aa or a, و as w or v, doubled letters), so that two spellings meet.

    >>> spelling_key("Taqva") == spelling_key("Taghva"), spelling_key("Mousavi") == spelling_key("Musavi")
    (True, True)
    """
    key = name.lower()
    for variant, folded in _ROMANISATION:
        key = key.replace(variant, folded)
    return re.sub(r"(.)\1+", r"\1", key)


def _without_citations(text: str) -> str:
    return _CITATION.sub(" ", text)


class AbstentionRule:
    """Decide, from a question, its top passages and the corpus, whether to decline."""

    def __init__(self, vocabulary: set[str], min_missing: int = 2, min_missing_share: float = 0.2,
                 vocabulary_rule: bool = False, corpus: TermIndex | None = None,
                 names: Iterable[TermPair] | None = None, term_rule: bool = True,
                 quantity_passages: int = 3, latin_words: Iterable[str] = (), authors: Iterable[str] = (),
                 name_rule: bool = True, initials: Iterable[str] = (), years: Iterable[str] | None = None,
                 numbers: Iterable[str] | None = None) -> None:
        self.vocabulary = vocabulary
        self.vocabulary_rule = vocabulary_rule
        self.min_missing = min_missing
        self.min_missing_share = min_missing_share
        self.corpus = corpus
        self.names = tuple(names if names is not None else (*entity_terms(), *field_terms()))
        self.term_rule = term_rule and corpus is not None
        self.quantity_passages = quantity_passages
        self.latin_words = sorted(set(latin_words))
        self.initials = set(initials)
        self.years = set(years) if years is not None else None
        self.numbers = set(numbers) if numbers is not None else None
        self.authors = sorted(set(authors))
        self.author_keys = sorted({spelling_key(a) for a in self.authors})
        self.name_rule = name_rule and bool(self.latin_words)
        self._present: dict[TermPair, bool] = {}

    def decide(self, question: str, language: str, passages: list[str],
               english: list[str | None] | None = None) -> AbstentionDecision:
        """Decline or not. ``passages``: the top passages' text (both editions); ``english``, aligned with it:
        each passage's English (its English edition, or its own text when it is English), ``None`` for a Persian
        passage without an English edition — by default read off the text (a passage with no Persian is English).
        """
        if not passages:
            return AbstentionDecision(True, "no passage retrieved")
        if self.years is not None:
            # a year the corpus never mentions, not even in a citation ("by 2030"): nothing here is about it
            absent_years = [y for y in years_in(question) if y not in self.years]
            if absent_years:
                return AbstentionDecision(True, f"a year the corpus never mentions: {', '.join(absent_years)}")
        if self.numbers is not None:
            # a designation whose number the corpus never writes ("ISO 37122", "ISO/IEC 27001:2022")
            absent = [f"{name} {number}" for name, number in designations(question) if number not in self.numbers]
            if absent:
                return AbstentionDecision(True, f"names what the corpus never mentions: {', '.join(absent)}")
        for name in _ACRONYM.findall(question):
            in_corpus = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", " ".join(passages), re.I)
            if len(name) > 1 and not _NUMBER_WITH_SUFFIX.fullmatch(name) and not in_corpus \
                    and name.lower() not in self.vocabulary:
                return AbstentionDecision(True, f"{name!r} does not occur in the corpus")
        mentioned = TermIndex(question).mentions(self.names) if self.term_rule or self.name_rule else []
        if self.term_rule:
            absent = [p.label for p in mentioned if not self._in_corpus(p)]
            if absent:
                return AbstentionDecision(True, f"names what the corpus never mentions: {', '.join(absent)}")
        if self.name_rule and language == "en":
            # a name the term lists know was looked for in both languages just above
            known = sorted({w for p in mentioned for form in (*p.en, *p.exact) for w in form.lower().split()})
            names = capitalised_names(question)
            # a cited author in another romanisation ("Taqva" for "Taghva") is a cited author
            people = {n.position for n in names if begins_a_word(n.text, self.authors)
                      or begins_a_word(spelling_key(n.text), self.author_keys)}
            found = people | {n.position for n in names
                              if begins_a_word(n.text, self.latin_words) or begins_a_word(n.text, known)}
            # a word beside an author the corpus cites belongs to that author's name, in another spelling
            # ("Hasan Danaeefard", "Danaei Fard"); not across a possessive ("Singapore's GovTech")
            by_position = {n.position: n for n in names}
            absent = [n.text for n in names if n.position not in found
                      and not (n.position - 1 in people and not by_position[n.position - 1].possessive)
                      and not (n.position + 1 in people and not n.possessive)]
            # an acronym the corpus neither uses nor spells out ("LSTM": no "long short-term memory")
            absent += [a for a in acronyms(question) if a.lower() not in known and a.lower() not in self.vocabulary
                       and not begins_a_word(a, self.latin_words) and a.lower() not in self.initials]
            if absent:
                return AbstentionDecision(True, f"a name the corpus never mentions: {', '.join(absent)}")
        asked = asked_quantity(question)
        if english is None:
            english = [None if PERSIAN.search(p) else p for p in passages]
        if asked and not self._quantity_given(asked[0], asked[1], language, passages[:self.quantity_passages],
                                               english[:self.quantity_passages]):
            return AbstentionDecision(True, f"asks for a quantity ({asked[0]}) the passages do not give")
        if language == "fa" and self.vocabulary_rule:
            content = [w for w in words(question) if w.replace("\u200c", "") not in _GENERIC]
            content_tokens = [lexical_tokens(w) for w in content]
            content_tokens = [t for t in content_tokens if t]
            missing = [t[0] for t in content_tokens if not any(x in self.vocabulary for x in t)]
            if content_tokens and len(missing) >= self.min_missing and \
                    len(missing) / len(content_tokens) >= self.min_missing_share:
                return AbstentionDecision(True, f"not discussed in the corpus: {', '.join(missing)}")
        return AbstentionDecision(False)

    def _in_corpus(self, pair: TermPair) -> bool:
        if pair not in self._present:
            self._present[pair] = self.corpus is not None and self.corpus.has(pair)
        return self._present[pair]

    def _quantity_given(self, kind: str, rest: str, language: str, passages: list[str],
                        english: list[str | None]) -> bool:
        """Do the passages hold a number of the asked kind?"""
        text = _without_citations(" ".join(passages))
        if kind in _EVIDENCE:
            return _EVIDENCE[kind].search(text) is not None
        # a count: a number (not a year) in a sentence that names what is counted
        numbers = _number_sentences(text)
        head = counted_head_en(rest) if language == "en" else None
        if head:
            # the counted noun itself, in the passages' English (their English edition)
            stems = set(english_tokens(head))
            in_english = _number_sentences(_without_citations(" ".join(e for e in english if e)))
            if any(stems & set(english_tokens(s)) for s in in_english):
                return True
            forms = _counted_noun(" " + head, language)
            if len(forms) > 1:   # … or its Persian terms, in any sentence with a number
                keys = set(lexical_tokens(" ".join(forms)))
                return any(keys & set(lexical_tokens(s)) for s in numbers)
            # a Persian passage without an English edition cannot be searched for an English noun: any
            # number there counts
            untranslated = " ".join(p for p, e in zip(passages, english) if e is None)
            return bool(_number_sentences(_without_citations(untranslated)))
        noun = _counted_noun(rest, language)
        if not noun or (language == "en" and len(noun) == 1):
            return bool(numbers)
        keys = set(lexical_tokens(" ".join(noun)))
        return any(keys & set(lexical_tokens(s)) for s in numbers)


def _number_sentences(text: str) -> list[str]:
    """The sentences of ``text`` holding a number (spelled out or not) other than a year."""
    return [s for s in split_sentences(text) if _NUMBER_WORDS.search(s)
            or any(not _EVIDENCE["year"].fullmatch(n) for n in _NUMBER.findall(s))]


_PLURAL = re.compile(r"^[a-z\-]{2,}[^siu]s$|people$|children$|men$", re.IGNORECASE)
# English closes a counted noun phrase with a preposition or the verb: "how many smart *meters* were …",
# "how many *cyberattacks* on …" (grammar words, not topic words)
_NP_END = set("""of in on at for to from by with per across within among about under over through into
are is was were be been do does did have has had will would can could should may might must""".split())


def counted_head_en(rest: str) -> str | None:
    """The noun an English count question counts: the first plural among its first words ("how many smart
    *meters* were …", "how many *pillars* underpin …"), else the last word before a preposition or a verb
    ("how many *people* are …"), else None.

    >>> counted_head_en(" smart meters were installed nationwide?"), counted_head_en(" cyberattacks on networks")
    ('meters', 'cyberattacks')
    >>> counted_head_en(" pillars underpin smart statesmanship according to the paper?")
    'pillars'
    >>> counted_head_en(" people are enrolled?"), counted_head_en(" of them?")
    ('people', None)
    """
    found = _WORD.findall(rest)
    end = next((i for i, w in enumerate(found[:6]) if w.lower() in _NP_END), None)
    phrase = [w for w in found[:4 if end is None else min(end, 4)] if w.lower() not in _COUNT_SKIP]
    plural = next((w for w in phrase if _PLURAL.search(w)), None)
    if plural:
        return plural
    return phrase[-1] if phrase and end is not None else None


def _counted_noun(rest: str, language: str) -> list[str]:
    """What a count question counts, in both languages: "how many *cyberattacks*" → its forms."""
    head = next((w for w in words(rest) if w not in _COUNT_SKIP and lexical_tokens(w)), None)
    if head is None:
        return []
    return [head, *expand(head, language, (*curated_terms(), *entity_terms(), *field_terms()))]


def corpus_vocabulary(texts) -> set[str]:
    """Lexical tokens of every passage (what BM25 can match)."""
    vocab: set[str] = set()
    for text in texts:
        vocab.update(lexical_tokens(text))
    return vocab


def corpus_rule(texts: Iterable[str], **options) -> AbstentionRule:
    """The rule over a corpus: its BM25 vocabulary and its text prepared for term look-ups."""
    texts = list(texts)
    latin = {w for text in texts for w in _LATIN_WORD.findall(text.lower())}
    # the authors it cites: a capitalised word shortly before a year ("Heeks, 2003", "Danaeifard, 1399")
    names = {w.lower() for text in texts for w in _AUTHOR.findall(text)}
    years = calendar_years(y for text in texts for y in years_in(text))
    numbers = {n for text in texts for n in _CORPUS_NUMBER.findall(ascii_digits(text))}
    return AbstentionRule(corpus_vocabulary(texts), corpus=TermIndex(texts), latin_words=latin, authors=names,
                          initials=initials_of(texts), years=years, numbers=numbers, **options)


_LATIN_WORD = re.compile(r"[a-z]{2,}")
_AUTHOR = re.compile(r"\b([A-Z][a-z]+)(?=[^()\d]{0,30}\(?(?:(?:19|20|13|14)\d\d\b|forthcoming|in press))")
