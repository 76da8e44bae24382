"""Every label of the app in Persian and English.

>>> t("ask.title", "en")
'Ask the paper'
"""
from __future__ import annotations

LANGUAGES = ("fa", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"fa": "دستیار پژوهشی کشورداری هوشمند", "en": "Smart statesmanship research assistant"},
    "app.caption": {"fa": "پرسش، خواندن و منابع مقاله — بدون اینترنت، روی همین رایانه.",
                    "en": "Ask, read and cite the paper — offline, on this machine."},
    "lang.label": {"fa": "زبان رابط", "en": "Interface language"},
    "nav.label": {"fa": "بخش‌ها", "en": "Pages"},
    "page.ask": {"fa": "پرسش", "en": "Ask"},
    "page.read": {"fa": "خواندن", "en": "Read"},
    "page.sources": {"fa": "منابع", "en": "Sources"},
    "page.glossary": {"fa": "واژه‌نامه", "en": "Glossary"},
    "page.summaries": {"fa": "خلاصه‌ها", "en": "Summaries"},
    "page.maintainers": {"fa": "نگهداری", "en": "Maintainers"},
    "page.evaluation": {"fa": "ارزیابی", "en": "Evaluation"},
    "store.missing": {"fa": "هنوز نمایه‌ای ساخته نشده است. دستور `python -m indexer build` را اجرا کنید.",
                      "en": "No index has been built yet. Run `python -m indexer build`."},
    "store.error": {"fa": "بارگذاری نمایه ممکن نشد. نمایه را دوباره بسازید (`python -m indexer build`) و "
                          "جزئیات را در گزارش برنامه ببینید.",
                    "en": "The index could not be loaded. Rebuild it (`python -m indexer build`) and see the app's "
                          "log for the details."},
    # ask
    "ask.title": {"fa": "از مقاله بپرسید", "en": "Ask the paper"},
    "ask.placeholder": {"fa": "پرسش خود را به فارسی یا انگلیسی بنویسید…",
                        "en": "Type your question in Persian or English…"},
    "ask.hint": {"fa": "نمونه: «سه ساحت کشورداری هوشمند کدام‌اند؟» یا به انگلیسی: {example}",
                 "en": "Try: “What is smart statesmanship?” or in Persian: {example}"},
    "ask.thinking": {"fa": "در حال جست‌وجو در مقاله…", "en": "Searching the paper…"},
    "ask.abstained": {"fa": "مقاله به این پرسش پاسخ نمی‌دهد.", "en": "The paper does not answer this."},
    "ask.offtopic": {"fa": "این پرسش بیرون از حوزه این پایگاه دانش است. این پایگاه درباره مقاله «کشورداری هوشمند» "
                           "(هوش مصنوعی، رایانش ابری، داده‌های کلان و اینترنت اشیا در حکمرانی، مدیریت دولتی و "
                           "عملیات اجرایی) و آثاری است که به آن‌ها استناد می‌کند.",
                     "en": "This question is outside what this knowledge base covers: one paper on smart "
                           "statesmanship (AI, cloud computing, big data and IoT in governance, public administration "
                           "and executive operations) and the works it cites."},
    "ask.translated": {"fa": "جمله‌های مقاله فارسی به انگلیسی: ترجمه تهیه‌شده برای این پایگاه دانش، نه متن نویسنده.",
                       "en": "The Persian paper's sentences in English: a rendering prepared for this knowledge base, "
                             "not the author's text."},
    "ask.show_original": {"fa": "نمایش متن اصلی (فارسی)", "en": "Show the original (Persian)"},
    "ask.abstained_more": {"fa": "نزدیک‌ترین بخش‌ها را در زیر می‌بینید؛ شاید کمک کنند.",
                           "en": "The closest passages are listed below in case they help."},
    "ask.citations": {"fa": "ارجاع‌ها — نشانگر را روی شماره ببرید یا روی آن بزنید تا بخش ارجاع‌شده باز شود",
                      "en": "Citations — point at a number or click it to open the cited passage"},
    "ask.passage": {"fa": "بخش ارجاع‌شده", "en": "Cited passage"},
    "ask.section": {"fa": "بخش", "en": "Section"},
    "ask.location": {"fa": "محل", "en": "Location"},
    "ask.page": {"fa": "صفحه", "en": "page"},
    "ask.lines": {"fa": "سطر", "en": "line"},
    "ask.document": {"fa": "سند", "en": "Document"},
    "ask.works": {"fa": "آثار استنادشده", "en": "Cited works"},
    "ask.no_works": {"fa": "این بخش به اثری استناد نمی‌کند.", "en": "This passage cites no work."},
    "ask.answer_works": {"fa": "آثار پشتیبان پاسخ", "en": "Works supporting the answer"},
    "ask.other_passages": {"fa": "بخش‌های بازیابی‌شده", "en": "Retrieved passages"},
    "ask.clear": {"fa": "گفت‌وگوی تازه", "en": "New conversation"},
    "ask.latency": {"fa": "زمان پاسخ: {s} ثانیه", "en": "Answered in {s} s"},
    "ask.done": {"fa": "پاسخ در {s} ثانیه آماده شد", "en": "Answered in {s} s"},
    "ask.cite_label": {"fa": "ارجاع {n}: نمایش بخش", "en": "Citation {n}: show the passage"},
    "ask.cite_open": {"fa": "برای دیدن کل بخش بزنید", "en": "Click to open the whole passage"},
    "ask.cite_close": {"fa": "بستن", "en": "Close"},
    "ask.copy": {"fa": "رونوشت پاسخ با ارجاع‌ها", "en": "Copy the answer with its references"},
    "ask.history": {"fa": "پرسش‌های این گفت‌وگو ({n})", "en": "Questions in this conversation ({n})"},
    "ask.cited_as": {"fa": "در متن: {work}", "en": "cited as: {work}"},
    "conf.verified": {"fa": "تأییدشده", "en": "verified"},
    "conf.probable": {"fa": "محتمل", "en": "probable"},
    "conf.unknown": {"fa": "نامعلوم", "en": "unknown"},
    "conf.label": {"fa": "اطمینان", "en": "Confidence"},
    # read
    "read.title": {"fa": "خواندن مقاله", "en": "Read the paper"},
    "read.document": {"fa": "سند", "en": "Document"},
    "read.outline": {"fa": "فهرست بخش‌ها", "en": "Outline"},
    "read.footnotes": {"fa": "پانویس‌ها", "en": "Footnotes"},
    "read.empty": {"fa": "این بخش متنی ندارد.", "en": "This section has no text."},
    # sources
    "sources.title": {"fa": "منابع مقاله", "en": "The paper's sources"},
    "sources.search": {"fa": "جست‌وجو در منابع (نویسنده، عنوان، سال)", "en": "Search sources (author, title, year)"},
    "sources.confidence": {"fa": "اطمینان", "en": "Confidence"},
    "sources.count": {"fa": "{n} منبع", "en": "{n} sources"},
    "sources.where": {"fa": "کجا به این اثر استناد شده است؟", "en": "Where is this cited?"},
    "sources.not_cited": {"fa": "استنادی در متن پیدا نشد.", "en": "No in-text citation was found."},
    "sources.select": {"fa": "انتخاب برای خروجی", "en": "Select for export"},
    "sources.export": {"fa": "خروجی گرفتن از منابع انتخاب‌شده", "en": "Export the selected sources"},
    "sources.format": {"fa": "قالب", "en": "Format"},
    "sources.download": {"fa": "دریافت {fmt}", "en": "Download {fmt}"},
    "sources.none_selected": {"fa": "هیچ منبعی انتخاب نشده است؛ همهٔ منابع فیلترشده صادر می‌شوند.",
                              "en": "Nothing selected: all filtered sources will be exported."},
    "sources.selected": {"fa": "{n} منبع انتخاب شده است (از {total})؛ همین‌ها صادر می‌شوند.",
                         "en": "{n} of {total} sources selected; these are exported."},
    "sources.select_all": {"fa": "انتخاب همهٔ منابع فهرست‌شده", "en": "Select all listed"},
    "sources.select_none": {"fa": "پاک کردن انتخاب", "en": "Select none"},
    "sources.export_failed": {"fa": "ساختن خروجی ممکن نشد.", "en": "The export could not be made."},
    "sources.occurrences": {"fa": "{n} بار در متن", "en": "{n}× in the text"},
    # glossary
    "glossary.title": {"fa": "واژه‌نامهٔ فارسی–انگلیسی", "en": "Persian–English glossary"},
    "glossary.search": {"fa": "جست‌وجوی واژه", "en": "Search a term"},
    "glossary.fa": {"fa": "فارسی", "en": "Persian"},
    "glossary.en": {"fa": "انگلیسی", "en": "English"},
    "glossary.occurs": {"fa": "کجا آمده است؟", "en": "Where does it occur?"},
    "glossary.none": {"fa": "واژه‌ای پیدا نشد.", "en": "No term found."},
    # summaries
    "sum.title": {"fa": "خلاصه‌ها", "en": "Summaries"},
    "sum.mode": {"fa": "خلاصهٔ چه چیزی؟", "en": "Summarise what?"},
    "sum.mode_section": {"fa": "یک بخش", "en": "A section"},
    "sum.mode_topic": {"fa": "یک موضوع", "en": "A topic"},
    "sum.section": {"fa": "بخش", "en": "Section"},
    "sum.topic": {"fa": "موضوع", "en": "Topic"},
    "sum.language": {"fa": "زبان خلاصه", "en": "Summary language"},
    "sum.go": {"fa": "خلاصه کن", "en": "Summarise"},
    "sum.md": {"fa": "دریافت Markdown", "en": "Download Markdown"},
    "sum.pdf": {"fa": "دریافت PDF", "en": "Download PDF"},
    "sum.pdf_failed": {"fa": "ساختن PDF ممکن نشد (قلم فارسی یا کتابخانهٔ PDF در دسترس نیست). نسخهٔ Markdown را "
                             "دریافت کنید.",
                       "en": "The PDF could not be made (no Persian font or PDF library available). Download the "
                             "Markdown instead."},
    "sum.not_found": {"fa": "بخشی با این نام پیدا نشد.", "en": "No section has this name."},
    "sum.making": {"fa": "در حال ساختن خلاصه…", "en": "Making the summary…"},
    "sum.files": {"fa": "در حال ساختن نسخه‌های Markdown و PDF…", "en": "Making the Markdown and PDF files…"},
    "sum.done": {"fa": "خلاصه آماده شد", "en": "The summary is ready"},
    # maintainers
    "admin.title": {"fa": "نگهداری: افزودن سند", "en": "Maintainers: add documents"},
    "admin.disabled": {"fa": "این صفحه غیرفعال است چون رمز نگهداری تنظیم نشده است. برای فعال‌سازی، "
                             "متغیر محیطی `KB_ADMIN_TOKEN` را تنظیم کنید یا `admin_token = \"…\"` را در "
                             "`kb.toml` بنویسید و برنامه را دوباره اجرا کنید.",
                       "en": "This page is disabled because no maintainer token is configured. To enable it, "
                             "set the environment variable `KB_ADMIN_TOKEN` or write `admin_token = \"…\"` in "
                             "`kb.toml`, then restart the app."},
    "admin.token": {"fa": "رمز نگهداری", "en": "Maintainer token"},
    "admin.bad_token": {"fa": "رمز نادرست است.", "en": "Wrong token."},
    "admin.upload": {"fa": "اسناد (txt، md، pdf، docx)", "en": "Documents (txt, md, pdf, docx)"},
    "admin.index": {"fa": "ذخیره و نمایه‌سازی", "en": "Save and index"},
    "admin.progress": {"fa": "در حال نمایه‌سازی…", "en": "Indexing…"},
    "admin.done": {"fa": "نمایه‌سازی تمام شد:", "en": "Indexing finished:"},
    "admin.conflict": {"fa": "اگر سندی دیگر با همین نام هست", "en": "If a different document has this name"},
    "admin.conflict.refuse": {"fa": "کنار بگذار و به من بگو", "en": "Stop and tell me"},
    "admin.conflict.replace": {"fa": "نسخهٔ تازهٔ همان سند باشد", "en": "Replace it as a new version"},
    "admin.conflict.keep-both": {"fa": "هر دو بمانند (شناسهٔ تازه)", "en": "Keep both (a new id)"},
    "admin.status.indexed": {"fa": "{name} با شناسهٔ {doc_id} نمایه شد.", "en": "{name} was indexed as {doc_id}."},
    "admin.status.replaced": {"fa": "نسخهٔ تازهٔ {doc_id} از {name} نمایه شد.",
                              "en": "{name} was indexed as the new version of {doc_id}."},
    "admin.status.already_indexed": {"fa": "{name} پیش‌تر نمایه شده است ({doc_id}).",
                                     "en": "{name} is already indexed ({doc_id})."},
    "admin.status.conflict": {"fa": "سندی دیگر با نام {name} در پیکره هست؛ چیزی تغییر نکرد. گزینهٔ «نسخهٔ تازه» "
                                    "یا «هر دو بمانند» را برگزینید و دوباره نمایه کنید.",
                              "en": "A different document named {name} is in the corpus; nothing was changed. "
                                    "Choose “Replace it as a new version” or “Keep both” and index again."},
    "admin.status.refused": {"fa": "{name} پذیرفته نشد؛ پیکره تغییری نکرد.",
                             "en": "{name} was not accepted; the corpus is unchanged."},
    "admin.status.failed": {"fa": "نمایه‌سازی {name} ممکن نشد؛ پیکره تغییری نکرد.",
                            "en": "{name} could not be indexed; the corpus is unchanged."},
    # why a file was refused or failed (indexer.errors class names)
    "admin.reason.DocumentError": {"fa": "سند خوانا نیست.", "en": "The document cannot be read."},
    "admin.reason.UnsupportedFormatError": {"fa": "این قالب پشتیبانی نمی‌شود (pdf، txt، md، docx).",
                                            "en": "This format is not supported (pdf, txt, md, docx)."},
    "admin.reason.NotADocumentError": {"fa": "این پرونده سند نیست: پرونده‌های خود پیکره (مانند PROVENANCE.md) "
                                             "بارگذاری نمی‌شوند.",
                                       "en": "Not a document: the corpus's own files (such as PROVENANCE.md) "
                                             "cannot be uploaded."},
    "admin.reason.EmptyDocumentError": {"fa": "سند متنی ندارد.", "en": "The document contains no text."},
    "admin.reason.EncryptedPdfError": {"fa": "این PDF رمزگذاری شده است؛ نخست رمز آن را بردارید.",
                                       "en": "The PDF is encrypted; decrypt it first."},
    "admin.reason.CorruptPdfError": {"fa": "این PDF خراب یا ناقص است.", "en": "The PDF is corrupt or truncated."},
    "admin.reason.ImageOnlyPdfError": {"fa": "این PDF لایهٔ متن ندارد (تصویر اسکن‌شده)؛ نخست نویسه‌خوانی (OCR) کنید.",
                                       "en": "The PDF has no text layer (scanned images); run OCR first."},
    "admin.reason.EncodingError": {"fa": "رمزگذاری نویسه‌های پرونده شناخته نشد (UTF-8 یا Windows-1256).",
                                   "en": "The text encoding is not recognised (UTF-8 or Windows-1256 expected)."},
    "admin.reason.BinaryFileError": {"fa": "این پرونده متنی نیست.", "en": "The file is not text."},
    "admin.reason.FileTooLargeError": {"fa": "پرونده از اندازهٔ مجاز (max_file_mb) بزرگ‌تر است.",
                                       "en": "The file is larger than the limit (max_file_mb)."},
    "admin.reason.DocumentTooLongError": {"fa": "سند از سقف یک سند بلندتر است (max_document_chars، "
                                                "max_document_passages).",
                                          "en": "The document is longer than one document may be "
                                                "(max_document_chars, max_document_passages)."},
    "admin.reason.DuplicateDocumentError": {"fa": "همین محتوا با شناسه‌ای دیگر نمایه شده است.",
                                            "en": "The same content is already indexed under another id."},
    "admin.reason.UnsafePathError": {"fa": "نام پرونده امن نیست.", "en": "The file name is not safe."},
    "ask.no_words": {"fa": "پرسش واژه‌ای ندارد. پرسش را با واژه بنویسید، مثلاً «کشورداری هوشمند چیست؟».",
                     "en": "The question has no words. Ask in words, e.g. “What is smart statesmanship?”."},
    "admin.docs": {"fa": "اسناد نمایه‌شده", "en": "Indexed documents"},
    # evaluation
    "eval.title": {"fa": "ارزیابی", "en": "Evaluation"},
    "eval.none": {"fa": "هنوز نتیجه‌ای نیست. دستور `python -m evals run` را اجرا کنید.",
                  "en": "No results yet. Run `python -m evals run`."},
    "eval.run": {"fa": "آخرین اجرا: {date} · {n} پرسش", "en": "Latest run: {date} · {n} questions"},
    "eval.commit": {"fa": "نسخه", "en": "commit"},
    "eval.paper": {"fa": "پرسش‌های مقاله", "en": "Paper questions"},
    "eval.metric": {"fa": "سنجه", "en": "Metric"},
    "eval.group": {"fa": "گروه", "en": "Group"},
    "eval.n": {"fa": "تعداد", "en": "n"},
    "eval.system.ours": {"fa": "این سامانه", "en": "ours"},
    "eval.system.baseline": {"fa": "مبنای llama-index", "en": "llama-index baseline"},
    "eval.system.keyword": {"fa": "هم‌پوشانی واژه‌ها", "en": "keyword overlap"},
    "eval.m.recall@1": {"fa": "بازیابی@۱", "en": "Recall@1"},
    "eval.m.recall@5": {"fa": "بازیابی@۵", "en": "Recall@5"},
    "eval.m.recall@10": {"fa": "بازیابی@۱۰", "en": "Recall@10"},
    "eval.m.mrr": {"fa": "میانگین رتبهٔ معکوس", "en": "MRR"},
    "eval.m.ndcg@10": {"fa": "سود تجمعی نرمال‌شده@۱۰", "en": "nDCG@10"},
    "eval.m.citation_recall": {"fa": "بازیابی ارجاع‌ها", "en": "Citation recall"},
    "eval.m.citation_precision": {"fa": "دقت ارجاع‌ها", "en": "Citation precision"},
    "eval.m.abstention_accuracy": {"fa": "درستی خودداری از پاسخ", "en": "Abstention accuracy"},
    "eval.m.abstain_recall": {"fa": "پرسش‌های بی‌پاسخ ردشده", "en": "Unanswerable declined"},
    "eval.m.false_abstention": {"fa": "نرخ خودداری نابجا", "en": "False-abstention rate"},
    "eval.m.sentence_support": {"fa": "جمله‌های پشتیبانی‌شده", "en": "Sentences supported"},
    "eval.m.retrieve_ms_p50": {"fa": "زمان بازیابی، میانه (میلی‌ثانیه)", "en": "Retrieve latency p50 (ms)"},
    "eval.m.ask_ms_p50": {"fa": "زمان پاسخ، میانه (میلی‌ثانیه)", "en": "Ask latency p50 (ms)"},
    "eval.m.ask_ms_p95": {"fa": "زمان پاسخ، صدک ۹۵ (میلی‌ثانیه)", "en": "Ask latency p95 (ms)"},
    "eval.answers_note": {"fa": "سنجه‌های پاسخ (ارجاع، خودداری، پشتیبانی، زمان پاسخ) فقط برای این سامانه است؛ "
                                "مبناها گام پاسخ ندارند (—).",
                          "en": "Answer metrics (citations, abstention, support, ask latency) apply to ours only; "
                                "the references have no answer step (—)."},
    "eval.by_lang": {"fa": "به تفکیک زبان", "en": "By language"},
    "eval.by_type": {"fa": "به تفکیک نوع پرسش", "en": "By question type"},
    "eval.by_split": {"fa": "به تفکیک بخش داده", "en": "By split"},
    "eval.group.fa": {"fa": "فارسی", "en": "Persian"},
    "eval.group.en": {"fa": "انگلیسی", "en": "English"},
    "eval.group.concept": {"fa": "مفهومی", "en": "concept"},
    "eval.group.detail": {"fa": "جزئی", "en": "detail"},
    "eval.group.citation": {"fa": "استنادی", "en": "citation"},
    "eval.group.crosslingual": {"fa": "میان‌زبانی", "en": "cross-lingual"},
    "eval.group.summary": {"fa": "خلاصه", "en": "summary"},
    "eval.group.unanswerable": {"fa": "بی‌پاسخ", "en": "unanswerable"},
    "eval.group.dev": {"fa": "توسعه (تنظیم)", "en": "dev (calibration)"},
    "eval.group.test": {"fa": "آزمون", "en": "test"},
    "eval.persianqa": {"fa": "مجموعهٔ پرسش و پاسخ فارسی (PersianQA)", "en": "PersianQA"},
    "eval.pqa_setting": {"fa": "سامانه و نمایه", "en": "System and store"},
    "eval.pqa_alone": {"fa": "تنها", "en": "alone"},
    "eval.pqa_mixed": {"fa": "نمایهٔ آمیخته", "en": "mixed store"},
    "eval.chart": {"fa": "نمودار (برچسب‌های نمودار به انگلیسی است)", "en": "Chart"},
    # degrade
    "privacy": {"fa": "آمار استفاده خاموش است و برنامه به اینترنت وصل نمی‌شود.",
                "en": "Usage statistics are off and the app makes no outbound requests."},
}


def t(key: str, lang: str, **fmt: object) -> str:
    """The label ``key`` in ``lang`` (falls back to English, then to the key itself)."""
    entry = STRINGS.get(key, {})
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**fmt) if fmt else text

