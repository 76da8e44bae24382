"""BM25 over hazm tokens: spelling variants of Persian names and compounds meet (real bm25s index)."""
from __future__ import annotations

import pytest

from indexer.lexical import LexicalIndex, build_bm25, near_spellings
from indexer.normalize import lexical_tokens

PASSAGES = [
    ("p:1", "آشیل پسر تتیس بود و مادرش او را در رود استوکس فرو برد."),
    ("p:2", "سرماخوردگی معمولاً یک هفته طول می‌کشد و ویروس‌های گوناگونی دارد."),
    ("p:3", "یونیسف در سال ۱۹۴۶ برای کمک به کودکان پس از جنگ جهانی دوم پایه‌گذاری شد."),
    ("p:4", "ابراهیم تاتلیسس خواننده‌ای کرد از شهر اورفا در ترکیه است."),
    ("p:5", "شبکه‌های هوشمند برق در شهرها مصرف انرژی را کاهش می‌دهند."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> LexicalIndex:
    folder = tmp_path_factory.mktemp("bm25")
    build_bm25(PASSAGES, folder)
    return LexicalIndex(folder)


@pytest.mark.parametrize("question, expected", [
    ("مادر اشیل که بود؟", "p:1"),                       # alef without madda
    ("سرما خوردگی چند روز طول می‌کشد؟", "p:2"),          # compound written with a space
    ("یونسف چه سالی تأسیس شد؟", "p:3"),                 # a letter missing from a loanword
    ("تاتلیس اهل کجاست؟", "p:4"),                       # the index's spelling has one letter more
])
def test_spelling_variants_find_their_passage(index, question, expected):
    assert index.search(question, 3)[0][0] == expected


def test_known_words_are_not_respelled(index):
    # indexed words stay as they are: «شهرها» must not also search «شهری»-like neighbours
    vocabulary = index._retriever.bm25.vocab_dict
    assert near_spellings(lexical_tokens("شهرها مصرف انرژی"), vocabulary) == []
    assert near_spellings(["یونسف"], vocabulary) == ["یونیسف"]
