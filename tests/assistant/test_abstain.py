"""Abstention: pure rules over a tiny corpus (no model), then the dev questions over the real store."""
from __future__ import annotations

import pytest

from assistant.abstain import asked_quantity, corpus_rule, years_in
from assistant.expansion import TermIndex, TermPair, entity_terms, expand, field_terms

CORPUS = [
    "تجربه استونی در دولت دیجیتال و سامانه تشخیص هویت دیجیتال نشان می‌دهد که شهروندان می‌توانند خدمات را برخط بگیرند.",
    "کشورداری سه ساحت دارد: حکمرانی، مدیریت دولتی و عملیات اجرایی (دانائی‌فرد، 1399).",
    "پهپادها و هوش مصنوعی در واکنش به بحران به کار می‌روند (Heeks, 2003).",
    "Smart statesmanship integrates AI, cloud computing and big data (Zhao et al., 2012).",
]


@pytest.fixture(scope="module")
def rule():
    return corpus_rule(CORPUS)


def decide(rule, question: str, language: str, passages=None):
    return rule.decide(question, language, CORPUS if passages is None else passages)


def test_entity_named_in_either_language_is_found_across_languages(rule):
    assert not decide(rule, "What can Estonian citizens do on the digital government platform?", "en").abstain
    assert not decide(rule, "شهروندان استونیایی چه خدماتی می‌گیرند؟", "fa").abstain


def test_entity_or_field_term_absent_from_the_corpus_is_declined(rule):
    d = decide(rule, "What does the paper say about Japan's earthquake warnings?", "en")
    assert d.abstain and "japan" in d.reason and "earthquake" in d.reason
    d = decide(rule, "مقاله درباره متاورس چه می‌گوید؟", "fa")
    assert d.abstain and "metaverse" in d.reason
    # a suffixed Persian form is still the entity: «ژاپنی» is Japanese
    assert decide(rule, "تجربه ژاپنی‌ها در این زمینه چیست؟", "fa").abstain


def test_words_that_only_look_like_names_are_not_entities(rule):
    # «انگلیسی» is the English language, not the UK; "us" is a pronoun, not the US
    assert not decide(rule, "چکیده انگلیسی اثر کدام فناوری‌ها را بررسی می‌کند؟", "fa").abstain
    assert not decide(rule, "Can you tell us what smart statesmanship integrates?", "en").abstain
    assert decide(rule, "What does the paper say about the US?", "en").abstain


def test_a_capitalised_name_the_corpus_never_begins_a_word_with_is_declined(rule):
    """Rule 2: no list of countries or agencies — the corpus itself (either edition) is the evidence."""
    d = decide(rule, "How did the GovTech agency of Jeju Island use drones?", "en")
    assert d.abstain and "GovTech" in d.reason and "Jeju" in d.reason
    # a demonym finds its country; a short acronym, a sentence-initial word or a title-case question is not checked
    assert not decide(rule, "What do Estonian citizens do online? Statesmanship and AI.", "en").abstain
    assert not decide(rule, "Jeju aside, what is said about cloud computing?", "en").abstain
    assert not decide(rule, "What Does The Paper Say About Cloud Computing?", "en").abstain
    # a given name beside an author the corpus cites is part of that author's name; a possessive separates
    assert not decide(rule, "What does Richard Heeks say about cloud computing?", "en").abstain
    assert decide(rule, "What does Heeks's Kigalix project say about cloud computing?", "en").abstain
    # Persian questions are left to the other rules (no capitals to tell a name from a word)
    assert not decide(rule, "تجربه شهروندان استونی چیست؟", "fa").abstain


def test_a_cited_author_in_another_romanisation_is_a_cited_author():
    """"Taqva" and "Taghva" are one Persian name (تقوا); an unknown name stays unknown."""
    rule = corpus_rule(CORPUS + ["Cloud computing in state-owned enterprises (Taghva et al., 2020)."])
    assert not rule.decide("In which journal did Taqva and colleagues publish?", "en", CORPUS).abstain
    assert rule.decide("In which journal did Kowsari and colleagues publish?", "en", CORPUS).abstain


def test_asked_quantity_kinds():
    assert asked_quantity("What share of households use the app?")[0] == "share"
    assert asked_quantity("How much did the city invest?")[0] == "money"
    assert asked_quantity("How much does governance depend on data?") is None
    assert asked_quantity("قانون در چه سالی تصویب شد؟")[0] == "year"
    assert asked_quantity("ایران چه رتبه‌ای دارد؟")[0] == "rank"
    assert asked_quantity("در چند سال اخیر چه تغییری رخ داده است؟") is None


def test_a_year_only_inside_citations_does_not_answer_which_year(rule):
    d = decide(rule, "In which year did the government pass its cloud computing law?", "en")
    assert d.abstain and "year" in d.reason
    assert not decide(rule, "In which year did the government pass its cloud law?", "en",
                      ["The cloud law was passed in 2019 by the parliament."]).abstain


def test_money_and_share_need_their_units(rule):
    assert decide(rule, "How much did the city invest in its platform?", "en").abstain
    assert not decide(rule, "How much did the city invest in its platform?", "en",
                      ["The city invested 20 million euros in the platform."]).abstain
    assert decide(rule, "چند درصد شهروندان از این سامانه استفاده می‌کنند؟", "fa").abstain


def test_a_count_needs_a_number_beside_what_is_counted(rule):
    assert not decide(rule, "کشورداری چند ساحت دارد؟", "fa").abstain          # «سه ساحت», spelled out
    assert not decide(rule, "How many domains does statesmanship have?", "en").abstain
    assert decide(rule, "How many drones does the government operate?", "en").abstain  # drones, no number


def test_technical_name_with_a_digit_must_occur(rule):
    d = decide(rule, "مقاله درباره شبکه‌های 5G چه می‌گوید؟", "fa")
    assert d.abstain and "5G" in d.reason


def test_term_index_matches_phrases_with_persian_endings_and_acronyms():
    pair = TermPair(("neural network",), ("شبکه عصبی",), ("NN",))
    assert TermIndex("کاربرد شبکه‌های عصبی در دولت").has(pair)
    assert TermIndex("an NN model").has(pair) and not TermIndex("an nn model").has(pair)
    assert not TermIndex(["... شبکه", "عصبی ..."]).has(pair)  # never across two passages


def test_gazetteer_expands_english_entities_to_persian():
    assert "استونی" in expand("What can Estonian citizens do?", "en", entity_terms())
    assert "کووید" in expand("telemedicine during COVID-19", "en", field_terms())


# -- the real store -------------------------------------------------------------------------------
def test_dev_unanswerables_declined_with_a_reason(paper_assistant, dev_questions):
    for q in dev_questions:
        if q["should_abstain"]:
            result = paper_assistant.ask(q["question"]).to_json()
            assert result["abstained"] and result["abstain_reason"], q["id"]


def test_dev_answerables_pass_the_rule(paper_assistant, dev_questions):
    bot = paper_assistant
    for q in dev_questions:
        if not q["should_abstain"]:
            passages = [h.passage.text for h in bot.retriever.retrieve(q["question"], bot.settings.top_k)]
            decision = bot.abstention.decide(q["question"], q["lang"], passages)
            assert not decision.abstain, (q["id"], decision.reason)


def test_a_year_the_corpus_never_mentions_is_declined(rule):
    # citations count, and a year stands for its other calendar's two (1399 ≈ 2020/21)
    assert rule.years == {"1399", "2020", "2021", "2003", "1381", "1382", "2012", "1390", "1391"}
    assert not decide(rule, "What happened to e-government in 2021?", "en").reason.startswith("a year")
    assert years_in("in the 1980s") == []   # a decade is not a year
    d = decide(rule, "What market size does the paper forecast for 2030?", "en")
    assert d.abstain and "2030" in d.reason
    d = decide(rule, "مقاله چه پیش‌بینی‌ای برای سال ۱۴۱۰ دارد؟", "fa")   # Persian digits too
    assert d.abstain and "1410" in d.reason


def test_an_acronym_the_corpus_neither_uses_nor_spells_out_is_declined(rule):
    for question in ("Does the paper prefer LSTM networks for forecasting?", "Does it prefer LSTMs?"):
        d = decide(rule, question, "en")
        assert d.abstain and "LSTM" in d.reason
    # the corpus spells it out: its initials are evidence enough
    spelled = corpus_rule([*CORPUS, "Forecasts use long short-term memory networks."])
    assert "LSTM" not in decide(spelled, "Does the paper prefer LSTM networks for forecasting?", "en").reason
    # "AI" is in the corpus; a question in capitals has no acronyms to check
    assert not decide(rule, "How does AI help smart statesmanship?", "en").abstain
    assert not decide(rule, "WHAT DOES THE PAPER SAY ABOUT SMART STATESMANSHIP?", "en").abstain


def test_an_english_count_looks_for_its_noun_in_the_english_edition():
    """"How many X": a number beside X in an English sentence; a Persian passage without an English edition
    cannot be searched for X, so any number there still counts."""
    translated = corpus_rule(["کشورداری سه ساحت دارد.", "Statesmanship has three pillars."])
    passages = ["کشورداری سه ساحت دارد. Statesmanship has three pillars."]
    english = ["Statesmanship has three pillars."]
    assert not translated.decide("How many pillars underpin statesmanship according to the paper?", "en",
                                 passages, english).abstain
    d = translated.decide("How many smart meters were installed?", "en", passages, english)
    assert d.abstain and "count" in d.reason
    untranslated = ["کشورداری سه ساحت دارد (Heeks, 2003)."]   # a Latin citation is not an English edition
    assert not translated.decide("How many smart meters were installed?", "en", untranslated, [None]).abstain


def test_a_designation_whose_number_the_corpus_never_writes_is_declined():
    """"ISO 37122" names a standard; a corpus that never writes 37122 says nothing about it (either language)."""
    rule = corpus_rule([*CORPUS, "Standards such as ISO 27001 secure government data."])
    d = rule.decide("Which clauses of ISO 37122 does the paper use?", "en", CORPUS)
    assert d.abstain and "ISO 37122" in d.reason
    assert rule.decide("امتیاز ایران در استاندارد ISO 37122 چند است؟", "fa", CORPUS).abstain
    assert "ISO 27001" not in rule.decide("What does ISO 27001 secure?", "en", CORPUS).reason
    assert "300" not in rule.decide("Summarise the paper in 300 words.", "en", CORPUS).reason   # not a name
