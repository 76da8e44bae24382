"""``python -m evals run|answers|repair|fit-decline|fit-fusion|fit-lead|fit-rerank``: the evaluation commands."""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Iterable

from evals.paper_eval import DEFAULT_OUT, WORK_DIR


def main(argv: Iterable[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m evals", description=(__doc__ or "").split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the evaluation and write results")
    r.add_argument("--subset", choices=["dev", "test", "all", "fast", "calibration"], default="all")
    r.add_argument("--skip-baseline", action="store_true")
    r.add_argument("--skip-persianqa", action="store_true")
    r.add_argument("--pqa-ask", type=int, default=100, metavar="N",
                   help="also ask the first N answerable PersianQA questions (false-abstention rate; "
                        "default 100, -1 = all 651)")
    r.add_argument("--pqa-ask-unanswerable", type=int, default=-1, metavar="N",
                   help="ask the first N unanswerable PersianQA questions (default -1 = all 279)")
    r.add_argument("--pqa-paragraphs", type=int, default=-1, metavar="N",
                   help="index only the first N PersianQA paragraphs and ask their questions "
                        "(default -1 = all 93)")
    r.add_argument("--out", type=Path, default=DEFAULT_OUT)
    sub.add_parser("repair",
                   help="score the RTL repair against its baseline (options: python -m evals.repair_metrics -h)")
    a = sub.add_parser("answers", help="answer-level figures (declines, first sentence, signposting, English)")
    a.add_argument("--set", dest="set_name", default="heldout",
                   choices=[*(f"heldout{n}" for n in ("", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)), "calibration", "dev"])
    a.add_argument("--label", default="", help="suffix of the result files (e.g. 'before')")
    a.add_argument("--out", type=Path, default=DEFAULT_OUT)
    sub.add_parser("fit-decline", help="fit assistant/data/decline_model.json on the blind sets already reported")
    sub.add_parser("fit-fusion", help="fit assistant/data/fusion_weights.json on the blind sets already reported")
    sub.add_parser("fit-lead", help="fit assistant/data/lead_model.json on the blind sets already reported")
    sub.add_parser("fit-rerank", help="fit assistant/data/rerank_<language>.json on the blind sets already reported")
    args, rest = parser.parse_known_args(argv)
    if args.cmd == "repair":
        from evals import repair_metrics

        return int(repair_metrics.main(rest) or 0) if _accepts_args(repair_metrics.main) else \
            int(repair_metrics.main() or 0)
    if args.cmd == "fit-decline":
        from evals import fit_decline

        print(json.dumps(fit_decline.main(WORK_DIR / "paper"), ensure_ascii=False, indent=1))
        return 0
    if args.cmd == "fit-fusion":
        from evals import fit_fusion

        print(json.dumps(fit_fusion.main(WORK_DIR / "paper")["profiles"], indent=1))
        return 0
    if args.cmd == "fit-lead":
        from evals import fit_lead

        print(json.dumps(fit_lead.main(WORK_DIR / "paper"), indent=1))
        return 0
    if args.cmd == "fit-rerank":
        from evals import fit_rerank

        print(json.dumps(fit_rerank.main(WORK_DIR / "paper"), indent=1))
        return 0
    if args.cmd == "answers":
        from evals import answer_eval

        command = "python -m evals " + " ".join(shlex.quote(a) for a in argv)
        res = answer_eval.run(args.set_name, WORK_DIR / "paper", args.out, command, args.label)
        print(answer_eval.markdown(res))
        return 0
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    from evals.harness import run

    command = "python -m evals " + " ".join(shlex.quote(a) for a in argv)
    res = run(args.subset, args.skip_baseline, args.skip_persianqa, args.out,
              pqa_ask=None if args.pqa_ask < 0 else args.pqa_ask,
              pqa_ask_unanswerable=None if args.pqa_ask_unanswerable < 0 else args.pqa_ask_unanswerable,
              pqa_paragraphs=None if args.pqa_paragraphs < 0 else args.pqa_paragraphs, command=command)
    from evals import report

    print(report.headline(res))
    return 0


def _accepts_args(fn) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) > 0
    except (TypeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
