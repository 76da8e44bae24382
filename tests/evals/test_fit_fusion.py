"""The fusion fitter's mirror of the pipeline and of the scorer must agree with the real ones, or it fits the
wrong thing."""
from __future__ import annotations

import random
from types import SimpleNamespace

from assistant.fusion import FittedFusion, FusionProfile, RankedList, WeightedRRF
from assistant.rank_steps import RecordPenalty, SummarySectionLift
from evals import fit_decline, fit_fusion
from evals import metrics as m
from evals.fit_fusion import Candidates, evidence_ranks, fit_profile, fused_order, span_masks
from indexer.store import Passage

SENTENCES = ["کشورداری هوشمند بر داده‌های کلان و هوش مصنوعی تکیه دارد",
             "استونی خدمات دولتی را از راه دور ارائه می‌کند",
             "Smart governance relies on open data and citizen participation",
             "حکمرانی هوشمند شفافیت و پاسخ‌گویی را افزایش می‌دهد",
             "The paper cites Heeks (2003) on e-government failure"]
KINDS = ["body", "body", "body", "reference", "acknowledgements"]
LISTS = ("zero", "dense", "lexical", "gloss")


def _world(seed: int):
    rng = random.Random(seed)
    passages = {}
    for i in range(12):
        section = f"بخش {i % 3}\nزیربخش {i % 2}"
        text = " ".join(rng.sample(SENTENCES, 2)) + f" {i}"
        passages[f"p{i}"] = Passage(f"p{i}", "paper", text, {"kind": KINDS[i % 5], "section_path": section})
    # 'gloss' mirrors 'lexical' in reverse, so that equal weights give exact ties
    lexical = rng.sample(sorted(passages), 8)
    lists = {"zero": rng.sample(sorted(passages), 8), "dense": rng.sample(sorted(passages), 8),
             "lexical": lexical, "gloss": lexical[::-1]}
    return passages, {name: [(pid, 0.0) for pid in ids] for name, ids in lists.items()}


def _candidates(passages, lists, evidence, profile, hand):
    ids: list[str] = []
    for ranking in lists.values():
        ids += [pid for pid, _ in ranking if pid not in ids]
    ranks = {name: [dict((pid, r) for r, (pid, _) in enumerate(ranking, 1)).get(pid, 0) for pid in ids]
             for name, ranking in lists.items()}
    penalty = [0.5 if passages[pid].metadata["kind"] in ("reference", "acknowledgements") else 1.0 for pid in ids]
    masks, spans, edges = span_masks([passages[pid].text for pid in ids], evidence)
    return ids, Candidates("q", "s", profile, ranks, penalty,
                           [None if passages[pid].is_record else passages[pid].metadata["section_path"] for pid in ids],
                           masks, spans, edges, hand)


def test_the_fitters_order_and_ranks_are_the_pipelines_and_the_scorers():
    # a list weighted 0 (absent from the pipeline), exact ties, records, acknowledgements, the summary lift of
    # the fitted profile (3.0, not the setting's 2.0), evidence split across two passages
    for seed in range(30):
        passages, lists = _world(seed)
        weights = {"zero": 0.0, "dense": 1.0, "lexical": 1.5, "gloss": 1.5}
        evidence = [SENTENCES[seed % len(SENTENCES)][:40], SENTENCES[(seed + 2) % len(SENTENCES)][5:50]]
        for summary, text in ((False, "What is smart governance?"), (True, "Summarise the part on smart governance")):
            ids, c = _candidates(passages, lists, evidence, "en-summary" if summary else "en", weights)
            query = SimpleNamespace(text=text, language="en")
            hits = WeightedRRF(60).run([RankedList(n, weights[n], r) for n, r in lists.items() if weights[n] > 0],
                                       passages)
            hits = RecordPenalty(0.5).run(query, hits, 10)  # type: ignore[arg-type]
            fitted = FittedFusion({"en-summary": FusionProfile(weights, 3.0)})
            hits = SummarySectionLift(2.0, 60, fitted).run(query, hits, 10)  # type: ignore[arg-type]
            order = fused_order(c, {}, 3.0)
            assert [ids[i] for i in order] == [h.passage.id for h in hits]
            assert evidence_ranks(c, order) == m.evidence_ranks(evidence, [h.passage.text for h in hits[:10]])


def test_evidence_across_two_passages_is_found_as_the_scorer_finds_it():
    texts, evidence = ["xxxxabcd", "efghyyyy"], ["abcdefgh"]
    masks, spans, edges = span_masks(texts, evidence)
    c = Candidates("q", "s", "en", {"dense": [1, 2]}, [1.0, 1.0], ["a", "a"], masks, spans, edges, {"dense": 1.0})
    assert evidence_ranks(c, [0, 1]) == m.evidence_ranks(evidence, texts) == [2]


def _rows(n: int = 40) -> list[Candidates]:
    # 'good' ranks the evidence third, 'noise' leaves it out: with equal weights it falls out of the top 5
    rows = []
    for i in range(n):
        others = [j for j in range(8) if j != i % 8]
        good = [3 if j == i % 8 else [1, 2, 4, 5, 6, 7, 8][others.index(j)] for j in range(8)]
        noise = [0 if j == i % 8 else 1 + others.index(j) for j in range(8)]
        texts = [SENTENCES[0] if j == i % 8 else SENTENCES[1] + str(j) for j in range(8)]
        masks, spans, edges = span_masks(texts, [SENTENCES[0]])
        rows.append(Candidates(f"q{i}", f"set{i % 4}", "fa", {"dense": good, "noise": noise}, [1.0] * 8,
                               ["a"] * 8, masks, spans, edges, {"dense": 1.0, "noise": 1.0}))
    return rows


def test_a_profile_turns_down_the_uninformative_list_in_every_fold(monkeypatch):
    rows = _rows()
    folds = []
    real = fit_fusion.coordinate_ascent

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        folds.append(result[0])
        return result

    monkeypatch.setattr(fit_fusion, "coordinate_ascent", spy)
    result = fit_profile(rows, hand_lift=0.0)
    # 4 folds, then all rows; dense is the unit (its setting's weight, 1.0), noise goes below it
    assert len(folds) == 5 and all(set(w) == {"noise"} and w["noise"] < 1.0 for w in folds)
    assert result["weights"] == folds[-1] and "summary_lift" not in result   # a lift only for summary profiles
    assert result["out_of_fold"]["fitted"]["recall@5"] == 1.0 > result["out_of_fold"]["hand_weights"]["recall@5"]


def test_dense_is_the_unit_and_untaught_other_language_lists_keep_their_weight():
    # OwnLanguageSlot reads the dense list's ranks, and fusion depends on ratios only: dense keeps its setting's
    # weight and the others are fitted against it. Here dense ranks the evidence last and 'noise' first, so the
    # fit raises noise instead of lowering dense; cross-language, whose evidence is never in the other language
    # here, is not fitted at all
    rows = _rows()
    for c in rows:
        e = c.ranks["dense"].index(3)
        others = [j for j in range(8) if j != e]
        c.ranks = {"dense": [8 if j == e else 1 + others.index(j) for j in range(8)],
                   "noise": [1 if j == e else 2 + others.index(j) for j in range(8)],
                   "cross-language": [1 if j == e else 2 + others.index(j) for j in range(8)]}
        c.hand = {"dense": 1.0, "noise": 1.0, "cross-language": 1.0}
    result = fit_fusion.fit_profile(rows, 0.0)
    assert set(result["weights"]) == {"noise"} and result["weights"]["noise"] == max(fit_fusion.GRID)


def test_the_fitters_never_see_the_newest_held_out_set():
    assert fit_fusion.FUSION_SETS == (*fit_decline.TRAINING_SETS, "test")
    assert "heldout10" not in fit_fusion.FUSION_SETS
