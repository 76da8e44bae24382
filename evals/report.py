"""Markdown tables and a PNG chart from a results dict of ``python -m evals run``."""
from __future__ import annotations

from pathlib import Path

SYSTEMS = (("ours", "ours"), ("baseline", "llama-index baseline"), ("keyword", "keyword overlap"))
RETRIEVAL = (("recall@1", "Recall@1"), ("recall@5", "Recall@5"), ("recall@10", "Recall@10"),
             ("mrr", "MRR"), ("ndcg@10", "nDCG@10"))
ANSWERS = (("citation_recall", "Citation recall"), ("citation_precision", "Citation precision"),
           ("abstention_accuracy", "Abstention accuracy"), ("abstain_recall", "Unanswerable declined"),
           ("false_abstention", "False-abstention rate"), ("sentence_support", "Sentences supported"))
LATENCY = (("retrieve_ms_p50", "Retrieve latency p50 (ms)"), ("ask_ms_p50", "Ask latency p50 (ms)"),
           ("ask_ms_p95", "Ask latency p95 (ms)"))


def _f(x, digits: int = 3) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.{digits}f}" if abs(x) < 100 else f"{x:.0f}"
    return str(x)


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def headline(results: dict) -> str:
    """One-paragraph summary printed at the end of a run."""
    paper = results.get("paper", {})
    ours = paper.get("ours", {}).get("overall", {})
    base = paper.get("baseline", {}).get("overall", {})
    parts = [f"{results['n_questions']} questions ({results['subset']}): ours Recall@5 {_f(ours.get('recall@5'))}"
             f", MRR {_f(ours.get('mrr'))}"]
    if base:
        parts.append(f"baseline Recall@5 {_f(base.get('recall@5'))}, MRR {_f(base.get('mrr'))}")
    pqa = results.get("persianqa", {})
    if pqa:
        alone = pqa.get("alone", {}).get("ours", {})
        mixed = pqa.get("mixed", {}).get("ours", {})
        parts.append(f"PersianQA R@1 alone {_f(alone.get('recall@1'))}, mixed {_f(mixed.get('recall@1'))}")
    return "; ".join(parts)


def markdown(results: dict, chart: str | None = None) -> str:
    paper = results["paper"]
    present = [(k, label) for k, label in SYSTEMS if k in paper]
    ov = {k: paper[k]["overall"] for k, _ in present}
    n_ans = ov["ours"]["n"]
    lines = [f"# Evaluation results — {results['date']}", "",
             f"Command: `{results['command']}` (commit `{results['git_commit']}`, {results['machine']}, "
             f"{results.get('seconds', 0):.0f} s). Subset **{results['subset']}**: "
             f"{results['n_questions']} questions, {n_ans} answerable. Scorer: DESIGN §6 "
             "(normalised char 4-grams, 60 % threshold, first 2,000 chars per passage).", ""]
    if chart:
        lines += [f"![evaluation chart]({chart})", ""]
    lines += ["## Paper questions", "", _row(["metric", *[label for _, label in present]]),
              _row(["---"] + ["---:"] * len(present))]
    for key, label in RETRIEVAL:
        lines.append(_row([label, *[_f(ov[k].get(key)) for k, _ in present]]))
    for key, label in ANSWERS + LATENCY:
        if key.startswith("ask") or key in dict(ANSWERS):
            lines.append(_row([label, *[_f(ov[k].get(key)) for k, _ in present]]))
        else:
            lines.append(_row([label, *[_f(ov[k].get(key), 1) for k, _ in present]]))
    lines += ["", "Answer metrics (citations, abstention, support, ask latency) apply to `ask` only; the "
              "references have no answer step (—).", ""]

    # breakdowns
    for field, title in (("by_lang", "By language"), ("by_type", "By question type"), ("by_split", "By split")):
        groups = paper["ours"].get(field, {})
        if not groups:
            continue
        head = ["group", "n"]
        for k, label in present:
            head += [f"R@5 {label}", f"MRR {label}"]
        head += ["cit. recall (ours)", "abst. acc. (ours)"]
        lines += [f"### {title}", "", _row(head), _row(["---"] + ["---:"] * (len(head) - 1))]
        for g, s in groups.items():
            cells = [g, str(s.get("n_questions", 0))]
            for k, _ in present:
                gs = paper[k].get(field, {}).get(g, {})
                cells += [_f(gs.get("recall@5")), _f(gs.get("mrr"))]
            cells += [_f(s.get("citation_recall")), _f(s.get("abstention_accuracy"))]
            lines.append(_row(cells))
        lines.append("")

    pqa = results.get("persianqa") or {}
    for part, err in (results.get("persianqa_errors") or {}).items():
        lines += [f"**PersianQA part `{part}` failed:** `{err}`", ""]
    if pqa:
        lines += ["## PersianQA (test split)", "",
                  f"{pqa['n_paragraphs']} paragraphs indexed as documents; {pqa['n_answerable']} answerable "
                  f"questions (hit = a passage of the question's own paragraph); {pqa['n_unanswerable']} "
                  "unanswerable. *Mixed* = paper + cited-work records + the paragraphs in one store.", "",
                  _row(["store", "system", "Recall@1", "Recall@5", "MRR"]),
                  _row(["---", "---", "---:", "---:", "---:"])]
        for store in ("alone", "mixed"):
            for k, label in (("ours", "ours"), ("baseline", "llama-index baseline")):
                s = pqa.get(store, {}).get(k)
                if s:
                    lines.append(_row([store, label, _f(s["recall@1"]), _f(s["recall@5"]), _f(s["mrr"])]))
        a = pqa.get("alone", {}).get("ours", {})
        if "abstained_on_unanswerable" in a:
            lines += ["", f"Abstention rule on PersianQA (ours, alone): declined {_f(a['abstained_on_unanswerable'])} "
                      f"of the {a['n_unanswerable_asked']} (of {a['n_unanswerable']}) unanswerable questions asked; "
                      "false-abstention "
                      f"{_f(a['false_abstention'])} on {a['n_answerable_asked']} answerable ones asked "
                      f"(ask p50 {_f(a.get('ask_ms_p50'), 1)} ms)."]
        pa, pm = pqa.get("paper_alone_ours", {}), pqa.get("mixed", {}).get("ours_paper", {})
        if pm:
            bm = pqa.get("mixed", {}).get("baseline_paper")
            bo = paper.get("baseline", {}).get("overall")
            lines += ["", "Paper questions (retrieval), paper-only store vs mixed store:", "",
                      _row(["system", "store", "Recall@1", "Recall@5", "Recall@10", "MRR"]),
                      _row(["---", "---", "---:", "---:", "---:", "---:"])]
            rows = [("ours", "paper only", pa), ("ours", "mixed", pm)]
            if bm and bo:
                rows += [("llama-index baseline", "paper only", bo), ("llama-index baseline", "mixed", bm)]
            for sysname, name, s in rows:
                lines.append(_row([sysname, name, _f(s.get("recall@1")), _f(s.get("recall@5")),
                                   _f(s.get("recall@10")), _f(s.get("mrr"))]))
        lines.append("")

    b = results.get("build", {})
    if b:
        lines += ["Build: " + "; ".join(f"{k} {v.get('seconds')} s" + (f" ({v['summary']})" if v.get("summary") else "")
                                        for k, v in b.items()), ""]
    return "\n".join(lines)


def write_chart(results: dict, path: Path) -> Path:
    from indexer.extras import require

    require("matplotlib", "the results chart")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paper = results["paper"]
    present = [(k, label) for k, label in SYSTEMS if k in paper]
    pqa = results.get("persianqa") or {}
    ncols = 3 if pqa else 2
    fig, axes = plt.subplots(1, ncols, figsize=(5.2 * ncols, 4.2))
    colors = {"ours": "#1f77b4", "baseline": "#ff7f0e", "keyword": "#9a9a9a"}

    ax = axes[0]
    width = 0.8 / len(present)
    for i, (k, label) in enumerate(present):
        vals = [paper[k]["overall"].get(key) or 0.0 for key, _ in RETRIEVAL]
        ax.bar([x + i * width for x in range(len(RETRIEVAL))], vals, width, label=label, color=colors[k])
    ax.set_xticks([x + width * (len(present) - 1) / 2 for x in range(len(RETRIEVAL))])
    ax.set_xticklabels([label for _, label in RETRIEVAL], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_title(f"Paper questions ({results['subset']}, n={paper['ours']['overall']['n']} answerable)", fontsize=9)
    ax.legend(fontsize=7)

    ax = axes[1]
    types = [t for t in paper["ours"]["by_type"] if t != "unanswerable"]
    for i, (k, label) in enumerate(present):
        vals = [paper[k]["by_type"].get(t, {}).get("recall@5") or 0.0 for t in types]
        ax.bar([x + i * width for x in range(len(types))], vals, width, label=label, color=colors[k])
    ax.set_xticks([x + width * (len(present) - 1) / 2 for x in range(len(types))])
    ax.set_xticklabels(types, fontsize=8, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_title("Recall@5 by question type", fontsize=9)

    if pqa:
        ax = axes[2]
        groups = [("alone", "ours"), ("mixed", "ours"), ("alone", "baseline"), ("mixed", "baseline")]
        groups = [(s, k) for s, k in groups if pqa.get(s, {}).get(k)]
        keys = [("recall@1", "R@1"), ("recall@5", "R@5"), ("mrr", "MRR")]
        w = 0.8 / len(groups)
        for i, (s, k) in enumerate(groups):
            vals = [pqa[s][k][key] or 0.0 for key, _ in keys]
            ax.bar([x + i * w for x in range(len(keys))], vals, w, label=f"{k} ({s})", color=colors[k],
                   alpha=1.0 if s == "alone" else 0.55, hatch=None if s == "alone" else "//")
        ax.set_xticks([x + w * (len(groups) - 1) / 2 for x in range(len(keys))])
        ax.set_xticklabels([label for _, label in keys], fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_title("PersianQA: alone vs mixed with the paper", fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle(f"Evaluation {results['date']} (commit {results['git_commit']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
