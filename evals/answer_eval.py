"""Answer-level evaluation: ``python -m evals answers --set heldout|calibration|dev``.

Asks every question of one set through the public API (``Assistant.ask`` and ``Assistant.retrieve``)
and reports, per language and per kind of question:

* **declines** — the share of off-topic, on-topic unanswerable and answerable questions declined;
* **retrieval** — Recall@5 / MRR of the gold evidence (answerable questions, same scorer as ``run``);
* **first sentence** — the share of answered answerable questions whose first answer sentence holds
  gold evidence (the sentence, or its Persian original for a translated sentence, covers ≥ 60 % of an
  evidence string's 4-grams, or ≥ 60 % of the sentence's 4-grams lie inside an evidence string);
* **signposting** — the share of answer sentences, and of first sentences, that only announce what the
  paper goes on to do (labelled once per sentence of the paper, blind to the system, in
  ``evals/data/signposting.json``; matched on the Persian text);
* **English** — for English questions, the share of answer sentences written in English.

The sets (``evals/data/``): ``heldout.jsonl`` … ``heldout10.jsonl`` were written blind
(writers saw randomly drawn passages, or only the field) and are for reporting only (the first was run three
times in the session that built the decline model; the later ones were written later, each on a fresh draw,
before the changes they measure); the calibration files (also
written blind, on other draws) are for choosing; ``dev`` is the project's dev split.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Sequence

from evals import metrics as m

DATA = Path(__file__).resolve().parent / "data"
SETS = {
    "heldout": ["heldout.jsonl"],
    "heldout2": ["heldout2.jsonl"],
    "heldout3": ["heldout3.jsonl"],
    "heldout4": ["heldout4.jsonl"],
    "heldout5": ["heldout5.jsonl"],
    "heldout6": ["heldout6.jsonl"],
    "heldout7": ["heldout7.jsonl"],
    "heldout8": ["heldout8.jsonl"],
    "heldout9": ["heldout9.jsonl"],
    "heldout10": ["heldout10.jsonl"],
    "heldout11": ["heldout11.jsonl"],
    "heldout12": ["heldout12.jsonl"],
    "calibration": ["calibration_answers.jsonl", "calibration_decline.jsonl", "calibration_short.jsonl",
                    "calibration.jsonl", "calibration2_answers.jsonl", "calibration2_decline.jsonl",
                    "calibration3_decline.jsonl"],
}
CATEGORIES = ("answerable", "unanswerable", "offtopic")
_PERSIAN = re.compile(r"[\u0600-\u06FF]")


def load_set(name: str) -> list[dict]:
    """The questions of a named set (``dev`` and ``test`` are the splits of ``evals/questions.jsonl``)."""
    if name in ("dev", "test"):
        from evals.paper_eval import load_questions

        return load_questions(name)
    out: list[dict] = []
    for file in SETS[name]:
        path = DATA / file
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return out


def category(q: dict) -> str:
    if q.get("type") == "offtopic":
        return "offtopic"
    return "unanswerable" if q.get("should_abstain") else "answerable"


def signposting_keys(path: Path = DATA / "signposting.json") -> set[str]:
    """Normalised Persian text of every sentence of the paper labelled as signposting."""
    if not path.is_file():
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    return {m.normalise(s) for s in data.get("sentences", [])}


def _is_signposting(sentence: dict, keys: set[str]) -> bool:
    text = m.normalise(sentence.get("original") or sentence.get("text", ""))
    return bool(text) and any(text == k or (len(text) > 30 and (text in k or k in text)) for k in keys)


def holds_evidence(sentence: dict, evidence: Sequence[str], threshold: float = m.THRESHOLD) -> bool:
    """Does one answer sentence hold (part of) the gold evidence? (see the module docstring)"""
    text = sentence.get("original") or sentence.get("text", "")
    grams = m.ngrams(m.normalise(text))
    for ev in evidence:
        ev_grams = m.ngrams(m.normalise(ev))
        if not ev_grams or not grams:
            continue
        if len(ev_grams & grams) / len(ev_grams) >= threshold or len(ev_grams & grams) / len(grams) >= threshold:
            return True
    return False


def evaluate(questions: Sequence[dict], ask: Callable[[str], dict],
             retrieve: Callable[[str, int], list[dict]], signposts: set[str]) -> list[dict]:
    records = []
    for q in questions:
        res = ask(q["question"])
        sentences = res.get("sentences") or []
        rec = {"id": q["id"], "lang": q["lang"], "type": q["type"], "category": category(q),
               "declined": bool(res.get("abstained")), "reason": res.get("abstain_reason"),
               "n_sentences": len(sentences),
               "signposting": sum(_is_signposting(s, signposts) for s in sentences),
               "first_signposting": bool(sentences) and _is_signposting(sentences[0], signposts),
               "english_sentences": sum(not _PERSIAN.search(s.get("text", "")) for s in sentences),
               "answer": (res.get("answer") or "")[:300]}
        if q.get("gold_evidence"):
            passages = retrieve(q["question"], 10)
            rec["ranks"] = m.evidence_ranks(q["gold_evidence"], [p.get("text", "") for p in passages])
            if sentences:
                rec["first_holds"] = holds_evidence(sentences[0], q["gold_evidence"])
        records.append(rec)
    return records


def _share(xs: list[bool]) -> float | None:
    return round(sum(xs) / len(xs), 3) if xs else None


def summarise(records: Sequence[dict]) -> dict:
    out: dict = {"n": len(records)}
    for cat in CATEGORIES:
        rs = [r for r in records if r["category"] == cat]
        out[f"declined_{cat}"] = _share([r["declined"] for r in rs])
        out[f"n_{cat}"] = len(rs)
    ranked = [r["ranks"] for r in records if "ranks" in r]
    if ranked:
        summary = m.retrieval_summary(ranked)
        out["recall@5"] = round(summary["recall@5"], 3)
        out["mrr"] = round(summary["mrr"], 3)
    answered = [r for r in records if r["category"] == "answerable" and not r["declined"] and "first_holds" in r]
    out["first_sentence_holds_evidence"] = _share([r["first_holds"] for r in answered])
    total = sum(r["n_sentences"] for r in records if not r["declined"])
    out["signposting_sentences"] = round(sum(r["signposting"] for r in records) / total, 3) if total else None
    out["answers_led_by_signposting"] = sum(r["first_signposting"] for r in records if not r["declined"])
    en = [r for r in records if r["lang"] == "en" and not r["declined"]]
    en_total = sum(r["n_sentences"] for r in en)
    out["english_sentence_share"] = round(sum(r["english_sentences"] for r in en) / en_total, 3) if en_total else None
    return out


def breakdown(records: Sequence[dict]) -> dict:
    groups = {"overall": summarise(records)}
    groups["by_lang"] = {lang: summarise([r for r in records if r["lang"] == lang]) for lang in ("fa", "en")}
    types = sorted({r["type"] for r in records})
    groups["by_type"] = {t: summarise([r for r in records if r["type"] == t]) for t in types}
    return groups


def markdown(results: dict) -> str:
    cols = [("declined_offtopic", "off-topic declined"), ("declined_unanswerable", "unanswerable declined"),
            ("declined_answerable", "answerable declined"), ("recall@5", "R@5"), ("mrr", "MRR"),
            ("first_sentence_holds_evidence", "1st sentence holds evidence"),
            ("signposting_sentences", "signposting share"), ("answers_led_by_signposting", "led by signposting"),
            ("english_sentence_share", "English sentences (en)")]
    lines = [f"# Answer-level evaluation: {results['set']} ({results['n']} questions)", "",
             f"`{results['command']}` at {results['git_commit']}, {results['date']}", "",
             "| group | " + " | ".join(c[1] for c in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    groups = [("all", results["overall"])] + [(k, v) for k, v in results["by_lang"].items()] + \
        [(k, v) for k, v in results["by_type"].items()]

    def fmt(x) -> str:
        return "–" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))

    for name, g in groups:
        lines.append(f"| {name} | " + " | ".join(fmt(g.get(c[0])) for c in cols) + " |")
    return "\n".join(lines) + "\n"


def run(set_name: str, store_dir: Path, out_dir: Path, command: str, label: str = "") -> dict:
    import datetime as dt

    from evals.paper_eval import Ours, git_commit

    ours = Ours(store_dir)
    questions = load_set(set_name)
    records = evaluate(questions, ours.ask, ours.retrieve, signposting_keys())
    results = {"set": set_name, "n": len(records), "date": dt.date.today().isoformat(),
               "git_commit": git_commit(), "command": command, **breakdown(records), "per_question": records}
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{results['date']}-answers-{set_name}{('-' + label) if label else ''}"
    (out_dir / f"{stem}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out_dir / f"{stem}.md").write_text(markdown(results), encoding="utf-8")
    return results
