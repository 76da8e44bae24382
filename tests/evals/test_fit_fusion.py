"""The fusion fitter's mirror of the pipeline and of the scorer must agree with the real ones, or it fits the
wrong thing."""
from __future__ import annotations

import random
from types import SimpleNamespace

from assistant.fusion import FittedFusion, FusionProfile, RankedList, WeightedRRF
from assistant.rank_steps import RecordPenalty, SummarySectionLift
from evals import metrics as m
from evals.fit_fusion import Candidates, coordinate_ascent, evidence_ranks, fit_profile, fused_order, span_masks
from indexer.store import Passage

SENTENCES = ["کشورداری هوشمند بر داده‌های کلان و هوش مصنوعی تکیه دارد",
             "استونی خدمات دولتی را از راه دور ارائه می‌کند",
             "Smart governance relies on open data and citizen participation",
             "حکمرانی هوشمند شفافیت و پاسخ‌گویی را افزایش می‌دهد",
             "The paper cites Heeks (2003) on e-government failure"]


def _world(seed: int):
    rng = random.Random(seed)
    passages = {}
    for i in range(12):
        kind = "reference" if i % 5 == 4 else "body"
        section = f"بخش {i % 3}\nزیربخش {i % 2}"
        text = " ".join(rng.sample(SENTENCES, 2)) + f" {i}"
        passages[f"p{i}"] = Passage(f"p{i}", "paper", text, {"kind": kind, "section_path": section})
    lists = {name: [(pid, 0.0) for pid in rng.sample(sorted(passages), 8)] for name in ("dense", "lexical", "gloss")}
    return passages, lists


def _candidates(passages, lists, evidence, profile, hand):
    ids: list[str] = []
    for ranking in lists.values():
        ids += [pid for pid, _ in ranking if pid not in ids]
    ranks = {name: [dict((pid, r) for r, (pid, _) in enumerate(ranking, 1)).get(pid, 0) for pid in ids]
             for name, ranking in lists.items()}
    masks, sizes = span_masks([passages[pid].text for pid in ids], evidence)
    return ids, Candidates("q", "s", profile, ranks, [0.5 if passages[pid].is_record else 1.0 for pid in ids],
                           [None if passages[pid].is_record else passages[pid].metadata["section_path"] for pid in ids],
                           masks, sizes, hand)


def test_the_fitters_order_and_ranks_are_the_pipelines_and_the_scorers():
    for seed in range(20):
        passages, lists = _world(seed)
        weights = {"dense": 1.0, "lexical": 2.0, "gloss": 0.5}
        evidence = [SENTENCES[seed % len(SENTENCES)][:40], SENTENCES[(seed + 2) % len(SENTENCES)][5:50]]
        for summary, text in ((False, "What is smart governance?"), (True, "Summarise the part on smart governance")):
            profile = "en-summary" if summary else "en"
            ids, c = _candidates(passages, lists, evidence, profile, weights)
            query = SimpleNamespace(text=text, language="en")
            hits = WeightedRRF(60).run([RankedList(n, weights[n], r) for n, r in lists.items()], passages)
            hits = RecordPenalty(0.5).run(query, hits, 10)  # type: ignore[arg-type]
            fitted = FittedFusion({"en-summary": FusionProfile(weights, 3.0)})
            hits = SummarySectionLift(2.0, 60, fitted).run(query, hits, 10)  # type: ignore[arg-type]
            order = fused_order(c, {}, 3.0)
            assert [ids[i] for i in order] == [h.passage.id for h in hits]
            assert evidence_ranks(c, order) == m.evidence_ranks(evidence, [h.passage.text for h in hits[:10]])


def test_a_profile_is_fitted_out_of_fold_and_beats_weights_that_ignore_the_informative_list():
    # 'good' ranks the evidence first, 'noise' ranks it last; starting from equal weights the fit must
    # turn 'noise' down, in every fold and on all questions
    rows = []
    for i in range(40):
        ids = [f"x{j}" for j in range(8)]
        good = [1 if j == i % 8 else 2 + (j + i) % 7 for j in range(8)]
        noise = [8 - g + 1 for g in good]
        texts = [SENTENCES[0] if j == i % 8 else SENTENCES[1] + str(j) for j in range(8)]
        masks, sizes = span_masks(texts, [SENTENCES[0]])
        rows.append(Candidates(f"q{i}", f"set{i % 4}", "fa", {"good": good, "noise": noise}, [1.0] * 8,
                               ["a"] * 8, masks, sizes, {"good": 1.0, "noise": 1.0}))
        assert len(ids) == 8
    result = fit_profile(rows, hand_lift=0.0)
    assert result["weights"]["noise"] < result["weights"]["good"]
    assert result["out_of_fold"]["fitted"]["recall@5"] >= result["out_of_fold"]["hand_weights"]["recall@5"]
    assert result["out_of_fold"]["fitted"]["mrr"] > result["out_of_fold"]["hand_weights"]["mrr"]
    weights, _ = coordinate_ascent(rows, {"good": 1.0, "noise": 1.0}, 0.0, ["good", "noise"], lifts=[0.0])
    assert weights == result["weights"]
