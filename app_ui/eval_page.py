"""The Evaluation page: the latest run of ``python -m evals run`` (by the date in its file name), its
tables in the interface language and direction, and its chart."""
from __future__ import annotations

import streamlit as st

from app_ui.i18n import t as _t
from app_ui.pages import html
from app_ui.render import esc
from assistant.eval_results import ANSWER_METRICS, BREAKDOWNS, LATENCY_METRICS, RETRIEVAL_METRICS, EvalRun, latest_run
from indexer.settings import PROJECT_ROOT

EVAL_DIR = PROJECT_ROOT / "evals" / "results"


def _num(value: object, ms: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, (int, float)):
        return f"{value:.0f}" if ms or abs(value) >= 100 else f"{value:.3f}"
    return str(value)


def _table(head: list[str], rows: list[list[str]], lang: str, kb: str) -> str:
    d = "rtl" if lang == "fa" else "ltr"
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    num = ' class="kb-num"'
    body = "".join("<tr>" + "".join(f"<td{num if i else ''}>{esc(c)}</td>" for i, c in enumerate(r)) + "</tr>"
                   for r in rows)
    return (f'<table class="kb-table" dir="{d}" data-kb="{kb}"><thead><tr>{cells}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _group_name(group: str, lang: str) -> str:
    key = f"eval.group.{group}"
    label = _t(key, lang)
    return group if label == key else label


def overall_table(run: EvalRun, lang: str) -> str:
    systems = run.systems()
    head = [_t("eval.metric", lang), *[_t(f"eval.system.{s}", lang) for s in systems]]
    rows = []
    for key in RETRIEVAL_METRICS + ANSWER_METRICS + LATENCY_METRICS:
        values = [run.overall(s).get(key) for s in systems]
        if all(v is None for v in values):
            continue
        rows.append([_t(f"eval.m.{key}", lang), *[_num(v, key in LATENCY_METRICS) for v in values]])
    return _table(head, rows, lang, "eval-overall")


def breakdown_table(run: EvalRun, breakdown: str, lang: str) -> str | None:
    groups = run.groups(breakdown)
    if not groups:
        return None
    systems = run.systems()
    head = [_t("eval.group", lang), _t("eval.n", lang)]
    for s in systems:
        head += [f"{_t('eval.m.recall@5', lang)} · {_t(f'eval.system.{s}', lang)}",
                 f"{_t('eval.m.mrr', lang)} · {_t(f'eval.system.{s}', lang)}"]
    rows = []
    for group, figures in groups.items():
        row = [_group_name(group, lang), str(figures.get("n_questions", 0))]
        for s in systems:
            other = run.groups(breakdown, s).get(group, {})
            row += [_num(other.get("recall@5")), _num(other.get("mrr"))]
        rows.append(row)
    return _table(head, rows, lang, f"eval-{breakdown}")


def persianqa_table(run: EvalRun, lang: str) -> str | None:
    pqa = run.persianqa()
    if not pqa:
        return None
    head = [_t("eval.pqa_setting", lang), _t("eval.m.recall@1", lang), _t("eval.m.recall@5", lang),
            _t("eval.m.mrr", lang)]
    rows = []
    for setting in ("alone", "mixed"):
        for system in ("ours", "baseline"):
            figures = (pqa.get(setting) or {}).get(system)
            if figures:
                rows.append([f"{_t(f'eval.system.{system}', lang)} · {_t(f'eval.pqa_{setting}', lang)}",
                             _num(figures.get("recall@1")), _num(figures.get("recall@5")), _num(figures.get("mrr"))])
    return _table(head, rows, lang, "eval-persianqa") if rows else None


def page_evaluation(lang: str) -> None:
    st.header(_t("eval.title", lang))
    run = latest_run(EVAL_DIR)
    if run is None:
        st.info(_t("eval.none", lang))
        return
    d = "rtl" if lang == "fa" else "ltr"
    html(f'<div class="kb-meta" dir="{d}" data-kb="eval-run" data-date="{esc(run.date)}">'
         f'{esc(_t("eval.run", lang, date=run.date, n=run.n_questions))} · '
         f'<bdi dir="ltr" class="kb-code">{esc(run.command)}</bdi> · '
         f'{esc(_t("eval.commit", lang))} <bdi dir="ltr" class="kb-code">{esc(run.commit)}</bdi></div>')
    st.subheader(_t("eval.paper", lang))
    html(overall_table(run, lang))
    st.caption(_t("eval.answers_note", lang))
    for breakdown in BREAKDOWNS:
        table = breakdown_table(run, breakdown, lang)
        if table:
            st.subheader(_t(f"eval.{breakdown}", lang))
            html(table)
    table = persianqa_table(run, lang)
    if table:
        st.subheader(_t("eval.persianqa", lang))
        html(table)
    if run.chart:
        st.subheader(_t("eval.chart", lang))
        st.image(str(run.chart))
