"""Written reading summaries (``summarize --llm``): the model server writes each subsection's key points.

The extractive summary (:func:`assistant.summarize.summarize`) is made first and stays the default and the
fallback. With ``--llm`` each subsection's key points are then rewritten by the configured model
(``llm_*`` settings, :mod:`indexer.llm_client`) from the passages its extractive key points come from, numbered
like an answer's (:func:`assistant.llm_prompt.build_summary_messages`). Every written sentence is checked like a
written answer's (:func:`assistant.llm_support.verify`: cites a passage, quotes it or e5 ≥ the measured
threshold, numbers and names present); a supported one becomes a key point marked *written by the model*, an
unsupported one is replaced by the extractive key point of the passage it cites (or left out when none is
left). A timeout, a dead server, a missing model or a server error keeps the extractive key points, and the
summary's note says why — in the summary's language.
"""
from __future__ import annotations

from typing import Any

from assistant.answer import citation_keys
from assistant.fusion import Hit
from assistant.llm import CLIENT_FAILED_FA, FALLBACK_TEXT, FALLBACK_TEXT_FA
from assistant.llm_prompt import build_summary_messages, parse_cited_sentences
from assistant.llm_support import SUPPORT_SIMILARITY, SupportCheck, verify
from assistant.summarize import KeyPoint, SubsectionSummary, Summary
from indexer.lang import detect_language
from indexer.llm_client import make_llm, stream_reply


def _note(summary: Summary, model: str, written: int, replaced: int, dropped: int, fallback: str | None,
          message: str | None) -> str:
    fa = summary.lang == "fa"
    if fallback is not None:
        return (f"(خلاصه نوشته نشد: {message}؛ نکته‌ها جمله‌های خود مقاله‌اند.)" if fa else
                f"(No written summary: {message}; the key points quote the paper.)")
    parts = [f"نکته‌های «نوشته مدل» را مدل {model} از روی گذرگاه‌های همین بخش نوشته و هر جمله با گذرگاه "
             "استنادشده‌اش سنجیده شده است" if fa else
             f"Key points marked \"written by the model\" were written by {model} from this section's passages, "
             "each sentence checked against the passage it cites"]
    if replaced:
        parts.append(f"{replaced} جملهٔ بی‌پشتوانه با نکتهٔ خود مقاله جایگزین شد" if fa else
                     f"{replaced} unsupported sentence(s) replaced by the paper's key point")
    if dropped:
        parts.append(f"{dropped} جملهٔ بی‌پشتوانه حذف شد" if fa else f"{dropped} unsupported sentence(s) left out")
    return "(" + ("؛ " if fa else "; ").join(parts) + ".)"


def write_summary(summary: Summary, assistant: Any, llm: Any = None) -> Summary:
    """``summary`` with its key points written by the model where they pass the support check (in place)."""
    settings = assistant.settings
    model = settings.llm_model
    passages = assistant.retriever.passages
    embed = assistant.embedder
    written = replaced = dropped = 0
    extractive = [list(sub.points) for sub in summary.subsections]  # the fallback, as it was
    checks: list[SupportCheck] = []
    fallback: str | None = None
    message: str | None = None
    try:
        llm = llm or make_llm(settings)
    except Exception as exc:  # noqa: BLE001 - the [llm] extra is missing
        fallback = "server-error"
        message = CLIENT_FAILED_FA.format(exc=exc) if summary.lang == "fa" else str(exc)
    for sub in summary.subsections if fallback is None else []:
        ids = list(dict.fromkeys(pid for p in sub.points for pid in p.passage_ids if pid in passages))
        if not ids:
            continue
        hits = [Hit(passages[pid], 0.0) for pid in ids]
        messages = build_summary_messages(sub.title or summary.title, hits, summary.lang, len(sub.points))
        reply = stream_reply(llm, messages, settings.llm_timeout_s, settings.llm_base_url, model)
        if not reply.ok:  # the whole summary stays extractive: a half-written one would read unevenly
            fallback = reply.failure or "server-error"
            message = reply.message_fa if summary.lang == "fa" and reply.message_fa else reply.message
            break
        sub_checks = verify(parse_cited_sentences(reply.text), hits, embed)
        checks += sub_checks
        points, w, r, d = _rewrite(sub, sub_checks, hits, summary.lang)
        sub.points[:] = points
        written, replaced, dropped = written + w, replaced + r, dropped + d
    if fallback is None and not written:
        fallback = "unsupported"
        message = (FALLBACK_TEXT_FA if summary.lang == "fa" else FALLBACK_TEXT)["unsupported"]
    if fallback is not None:
        for sub, points in zip(summary.subsections, extractive):  # nothing kept of a half-written summary
            sub.points[:] = points
    summary.generation = {"model": model, "fallback": fallback, "message": message,
                          "written": 0 if fallback else written, "replaced": 0 if fallback else replaced,
                          "dropped": 0 if fallback else dropped, "support_threshold": SUPPORT_SIMILARITY,
                          "checks": [c.to_json() for c in checks]}
    note = _note(summary, model, written, replaced, dropped, fallback, message)
    summary.generation["note"] = note  # what the model did, in the summary's language (``summarize --llm`` prints it)
    summary.note = note + " " + summary.note
    return summary


def _rewrite(sub: SubsectionSummary, checks: list[SupportCheck], hits: list[Hit],
             lang: str) -> tuple[list[KeyPoint], int, int, int]:
    """The subsection's key points from the model's checked sentences: supported ones written, unsupported
    ones replaced by an unused extractive key point of a passage they cite, or left out when those passages
    have none (a key point of another passage would not say what the sentence claimed)."""
    extractive = list(sub.points)
    used: set[int] = set()
    out: list[KeyPoint] = []
    written = replaced = dropped = 0
    for check in checks:
        cited = [hits[n - 1].passage.id for n in check.numbers]
        if check.supported:
            first = hits[check.numbers[0] - 1].passage
            meta = first.metadata or {}
            out.append(KeyPoint(check.text, cited, meta.get("page") or None, meta.get("line_start"),
                                meta.get("line_end"), citation_keys(check.text), detect_language(check.text),
                                None, generated=True, support=check.how))
            written += 1
            continue
        spare = next((i for i, p in enumerate(extractive) if i not in used and set(p.passage_ids) & set(cited)), None)
        if spare is None:
            dropped += 1
            continue
        used.add(spare)
        out.append(extractive[spare])
        replaced += 1
    if not written:  # nothing the model wrote held: the subsection keeps its extractive key points
        return extractive, 0, 0, 0
    return out, written, replaced, dropped


