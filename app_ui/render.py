"""HTML rendering helpers: every piece of user or document text is escaped here.

Document text is never handed to the browser as markup: it is ``html.escape``d (and Markdown
specials are turned into entities) inside our own ``<div dir=…>`` wrappers.

>>> block("<script>alert(1)</script>", "en")
'<div class="kb-block" dir="ltr">&lt;script&gt;alert(1)&lt;/script&gt;</div>'
>>> esc("it's <b>*x*</b> & $y$")
'it&#x27;s &lt;b&gt;&#42;x&#42;&lt;/b&gt; &amp; &#36;y&#36;'
>>> highlight("Alpha beta. Gamma  delta.", ["Gamma delta."])
'Alpha beta. <mark class="kb-mark">Gamma  delta.</mark>'
"""
from __future__ import annotations

import html
import re
from typing import Iterable

_MD_SPECIALS = {"*": "&#42;", "_": "&#95;", "`": "&#96;", "$": "&#36;", "[": "&#91;", "]": "&#93;",
                "\\": "&#92;", "#": "&#35;", "~": "&#126;", "|": "&#124;"}
_ESCAPES = {**_MD_SPECIALS, "\n": "<br>"}
_ARABIC = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z]")


def esc(text: object) -> str:
    """Escape text for HTML and neutralise Markdown/LaTeX specials; newlines become ``<br>``."""
    raw = str(text if text is not None else "").replace("\r\n", "\n")
    return "".join(_ESCAPES.get(ch) or html.escape(ch, quote=True) for ch in raw)


def text_dir(text: str | None = None, lang: str | None = None) -> str:
    """``rtl`` for Persian, ``ltr`` for English, ``auto`` when unknown or mixed."""
    if lang == "fa":
        return "rtl"
    if lang == "en":
        return "ltr"
    if text:
        fa, en = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
        if fa and fa >= 3 * en:
            return "rtl"
        if en and not fa:
            return "ltr"
    return "auto"


def block(text: str, lang: str | None = None, cls: str = "", tag: str = "div") -> str:
    """One escaped text block with a direction attribute."""
    klass = f"kb-block {cls}".strip()
    return f'<{tag} class="{klass}" dir="{text_dir(text, lang)}">{esc(text)}</{tag}>'


def _pattern(sentence: str) -> re.Pattern | None:
    words = sentence.split()
    if not words:
        return None
    return re.compile(r"[\s\u200c]*".join(re.escape(w) for w in words))


def find_spans(text: str, sentences: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of ``sentences`` inside ``text`` (whitespace- and ZWNJ-tolerant), merged."""
    spans = []
    for sentence in sentences:
        sentence = sentence.strip()
        pat = _pattern(sentence)
        match = pat.search(text) if pat else None
        if not match and sentence:
            words = sentence.split()
            for size in (len(words) * 2 // 3, len(words) // 2):  # a trimmed sentence still locates
                if size >= 4:
                    shorter = _pattern(" ".join(words[:size]))
                    match = shorter.search(text) if shorter else None
                    if match:
                        break
        if match:
            spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlight(text: str, sentences: Iterable[str]) -> str:
    """Escaped ``text`` with the given sentences wrapped in ``<mark>``."""
    out, pos = [], 0
    for s, e in find_spans(text, sentences):
        out += [esc(text[pos:s]), f'<mark class="kb-mark">{esc(text[s:e])}</mark>']
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def snippet_html(text: str, sentences: Iterable[str], context: int = 90, longest: int = 320) -> str:
    """An escaped excerpt of ``text`` around the first of ``sentences`` found, that sentence marked
    (the passage's opening when none is found).

    >>> snippet_html("One two. Three four five. Six.", ["Three four five."], context=4)
    '…two. <mark class="kb-mark">Three four five.</mark> Six.'
    """
    spans = find_spans(text, sentences)
    if not spans:
        cut = text[:2 * context + 60]
        return esc(cut) + ("…" if len(cut) < len(text) else "")
    s, e = spans[0]
    e = min(e, s + longest)
    a, b = max(0, s - context), min(len(text), e + context)
    a = text.rfind(" ", 0, a) + 1 if a else 0  # whole words at both ends
    b = len(text) if b >= len(text) or text.find(" ", b) < 0 else text.find(" ", b)
    return ("…" if a else "") + esc(text[a:s]) + f'<mark class="kb-mark">{esc(text[s:e])}</mark>' \
        + esc(text[e:b]) + ("…" if b < len(text) else "")


def passage_html(text: str, sentences: Iterable[str] = (), lang: str | None = None) -> str:
    return (f'<div class="kb-block kb-passage" dir="{text_dir(text, lang)}">'
            f"{highlight(text, sentences)}</div>")


def location(passage: dict, t) -> str:
    """``page 3 · lines 120–131`` in the interface language (plain text, escape before use)."""
    parts = []
    if passage.get("page"):
        parts.append(f"{t('ask.page')} {passage['page']}")
    if passage.get("line_start"):
        end = passage.get("line_end") or passage["line_start"]
        span = passage["line_start"] if end == passage["line_start"] else f"{passage['line_start']}–{end}"
        parts.append(f"{t('ask.lines')} {span}")
    return " · ".join(parts)


FONT_FAMILY = "KB Persian"


LIGHT = {"fg": "#1f2328", "muted": "#5f6b76", "card": "#ffffff", "line": "#d0d7de", "link": "#0b5cad",
         "mark": "#ffe58a", "mark_fg": "#1a1a1a", "warn_bg": "#fff4e5", "warn_line": "#d9822b", "chip": "#eceff1"}
DARK = {"fg": "#e6edf3", "muted": "#a3b0bd", "card": "#1c2129", "line": "#3d444d", "link": "#7cb8ff",
        "mark": "#ffd84d", "mark_fg": "#111111", "warn_bg": "#3a2a12", "warn_line": "#e39a4a", "chip": "#2d333b"}


def page_css(lang: str, dark: bool = False) -> str:
    """The app's stylesheet: the shipped Persian font (served locally), RTL rules for Persian UI, the
    citation hover cards and evidence panels, colours for the light or the dark theme."""
    rtl = lang == "fa"
    c = DARK if dark else LIGHT
    rules = [
        ":root{" + "".join(f"--kb-{k.replace('_', '-')}:{v};" for k, v in c.items()) + "}",
        "@font-face{font-family:'KB Persian';src:url('app/static/fonts/NotoNaskhArabic-Regular.ttf') "
        "format('truetype');font-weight:400;unicode-range:U+0600-06FF,U+0750-077F,U+08A0-08FF,U+200C-200F,"
        "U+FB50-FDFF,U+FE70-FEFF;font-display:swap}",
        "@font-face{font-family:'KB Persian';src:url('app/static/fonts/NotoNaskhArabic-Bold.ttf') "
        "format('truetype');font-weight:700;unicode-range:U+0600-06FF,U+0750-077F,U+08A0-08FF,U+200C-200F,"
        "U+FB50-FDFF,U+FE70-FEFF;font-display:swap}",
        "html,body,.stApp,.stMarkdown,p,li,label,input,textarea,button,h1,h2,h3,h4,summary,"
        "[data-testid='stWidgetLabel']{font-family:'KB Persian','Source Sans Pro','Source Sans',"
        "'Noto Naskh Arabic',sans-serif}",
        ".kb-block{line-height:1.9;margin:.25rem 0;unicode-bidi:isolate}",
        ".kb-block[dir='rtl']{text-align:right}.kb-block[dir='ltr']{text-align:left}",
        ".kb-block[dir='auto']{text-align:start}",
        ".kb-passage{border-inline-start:4px solid #c9a227;padding:.5rem .9rem;background:rgba(201,162,39,.09);"
        "border-radius:6px}",
        "mark.kb-mark{background:var(--kb-mark);color:var(--kb-mark-fg);padding:0 .1em;border-radius:3px}",
        "sup.kb-cite,sup.kb-cite-n{font-weight:700;color:var(--kb-link);margin-inline-start:.15em}",
        # a citation: a link to its evidence panel, with a hover/focus card
        "a.kb-cite{position:relative;text-decoration:none;color:var(--kb-link);cursor:pointer;"
        "unicode-bidi:isolate}",
        "a.kb-cite:hover sup,a.kb-cite:focus sup{text-decoration:underline}",
        ".kb-tip{visibility:hidden;opacity:0;transition:opacity .12s;position:absolute;z-index:1000;"
        "bottom:1.7em;inset-inline-start:-1rem;width:26rem;max-width:80vw;background:var(--kb-card);"
        "color:var(--kb-fg);border:1px solid var(--kb-line);border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.25);"
        "padding:.55rem .75rem;font-size:.86rem;font-weight:400;line-height:1.75;white-space:normal;"
        "text-align:start;pointer-events:none}",
        "a.kb-cite:hover .kb-tip,a.kb-cite:focus .kb-tip,a.kb-cite:focus-visible .kb-tip{visibility:visible;opacity:1}",
        ".kb-tip>span{display:block}.kb-tip-head{font-weight:700;color:var(--kb-muted);margin-bottom:.2rem}",
        ".kb-tip-hint{color:var(--kb-muted);font-size:.78rem;margin-top:.2rem}",
        # the panel opens on the right in both directions: the sidebar holds the left
        ".kb-panel{display:none;position:fixed;top:4rem;bottom:1rem;right:1rem;width:min(34rem,44vw);"
        "overflow:auto;z-index:1000100;background:var(--kb-card);color:var(--kb-fg);border:1px solid var(--kb-line);"
        "border-radius:10px;box-shadow:0 10px 40px rgba(0,0,0,.3);padding:.8rem 1rem;line-height:1.8}",
        ".kb-panel:target{display:block}",
        ".kb-panel-bar{display:flex;justify-content:space-between;align-items:center;margin-bottom:.4rem}",
        "a.kb-panel-close{text-decoration:none;color:var(--kb-muted);font-size:1.2rem;padding:0 .3rem}",
        ".kb-anchor{display:block;position:relative;top:-4rem;visibility:hidden}",
        ".kb-history a{color:var(--kb-link);text-decoration:none}",
        ".kb-legend{display:inline-block;padding:0 .6em;margin-inline-end:.4em;border-radius:8px;"
        "border:1px solid #8a99a8;font-size:.85rem}",
        ".kb-answer{font-size:1.08rem}",
        ".kb-meta{color:var(--kb-muted);font-size:.9rem}",
        ".kb-unsupported{color:#c5221f;font-size:.85em}",
        ".kb-abstain{border:2px solid var(--kb-warn-line);background:var(--kb-warn-bg);color:var(--kb-fg);"
        "padding:.7rem 1rem;border-radius:8px;font-weight:700}",
        ".kb-conf{font-size:.8rem;padding:0 .45em;border-radius:9px;margin-inline-start:.4em;"
        "background:var(--kb-chip)}",
        ".kb-conf-verified{background:#d8f3dc;color:#1b4332}.kb-conf-probable{background:#fff3bf;color:#5c4400}",
        ".kb-conf-unknown{background:#eceff1;color:#455a64}",
        ".kb-term{display:flex;gap:1.5rem;justify-content:space-between}",
        "table.kb-table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.92rem}",
        "table.kb-table th,table.kb-table td{border:1px solid var(--kb-line);padding:.25rem .6rem;text-align:start}",
        "table.kb-table td.kb-num{text-align:end;font-variant-numeric:tabular-nums}",
        ".kb-code{font-family:monospace;font-size:.85em}",
        "input,textarea{unicode-bidi:plaintext;text-align:start}",
    ]
    if rtl:  # the interface itself reads right to left; document blocks carry their own dir
        rules += [
            "[data-testid='stMain'] [data-testid='stMarkdownContainer'],"
            "[data-testid='stSidebar'] [data-testid='stMarkdownContainer'],"
            "[data-testid='stWidgetLabel'],[data-testid='stExpander'] summary,"
            "[data-testid='stCaptionContainer'],[data-testid='stAlertContainer']"
            "{direction:rtl;text-align:right}",
            "[data-testid='stRadio'] [role='radiogroup']{direction:rtl}",
            "[data-testid='stMain'] [data-testid='stRadio'],[data-testid='stMain'] [data-testid='stButton'],"
            "[data-testid='stMain'] [data-testid='stDownloadButton'],"
            "[data-testid='stMain'] [data-testid='stSelectbox'],"
            "[data-testid='stMain'] [data-testid='stTextInput'],[data-testid='stMain'] [data-testid='stFileUploader']"
            "{direction:rtl}",
            "[data-testid='stMain'] [data-testid='stCheckbox'],[data-testid='stMain'] [data-testid='stMultiSelect'],"
            "[data-testid='stMain'] [data-testid='stExpanderDetails'],[data-testid='stMain'] [data-testid='stHeading']"
            "{direction:rtl}",
            "[data-testid='stMain'] [data-testid='stHeading']{text-align:right}",
        ]
    return "<style>" + "".join(rules) + "</style>"
