"""Honest refusals, naming the report(s) they speak for and what those do cover.

Every name here comes from the index: report titles and publishers from the metadata,
topics from the reports' own headings, municipalities from the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from service.answer.knowledge import SentenceUnit
from service.answer.result import PartAnswer
from service.answer.scope import Corpus
from service.render.messages import (
    PART_NOT_COVERED,
    REFUSAL_ACTION,
    REFUSAL_CONTACT,
    REFUSAL_NOT_COVERED,
    REFUSAL_OPINION,
    REFUSAL_OTHER_MUNICIPALITY,
    REFUSAL_PERSON,
    REFUSAL_YEAR,
    join_words,
    say,
)
from service.understand.frame import Frame, Language
from service.web.schemas import AskResponse

MAX_TOPICS = 10
_GENERIC_HEADING = re.compile(
    r"^(algemene doelstelling|doelstelling|programma|beleidsdoel)\b", re.I
)


def topics_by_document(sentences: Sequence[SentenceUnit]) -> dict[str, list[str]]:
    """Each report's own headings, in reading order: what it is about, for refusals."""
    topics: dict[str, list[str]] = {}
    for sentence in sentences:
        heading = sentence.section.rsplit(" > ", 1)[-1].strip()
        heading = re.sub(r"^[\d.]+\s+", "", heading)
        if not heading or _GENERIC_HEADING.match(heading) or len(heading) > 60:
            continue
        shown = heading if heading[:2].isupper() else heading[:1].lower() + heading[1:]
        seen = topics.setdefault(sentence.document, [])
        if shown not in seen:
            seen.append(shown)
    return topics


def _topics(documents: Sequence[str], topics: Mapping[str, list[str]], language: Language) -> str:
    names: list[str] = []
    for doc in documents:
        names += [t for t in topics.get(doc, []) if t not in names]
    return join_words(names[:MAX_TOPICS], language)


def _reports(documents: Sequence[str], corpus: Corpus, language: Language) -> str:
    labels = [corpus.label(d) for d in documents] or [corpus.label(d) for d in corpus.documents]
    return join_words(labels, language)


def _publisher(documents: Sequence[str], corpus: Corpus) -> str:
    chosen = documents or tuple(corpus.documents)
    municipalities = sorted(
        {corpus.documents[d].municipality for d in chosen if d in corpus.documents}
    )
    return " / ".join(f"de gemeente {m}" for m in municipalities) or "de gemeente"


def whole(frame: Frame, corpus: Corpus, topics: Mapping[str, list[str]]) -> AskResponse:
    """A question refused as a whole: an opinion, a person, contact details, an action."""
    language = frame.language
    part = frame.parts[0]
    documents = corpus.select(frame.scope, part).documents
    report = _reports(documents, corpus, language)
    shown = _topics(documents, topics, language)
    templates = {
        "opinion": REFUSAL_OPINION,
        "person": REFUSAL_PERSON,
        "contact": REFUSAL_CONTACT,
        "action": REFUSAL_ACTION,
    }
    template = templates[frame.refusal or "opinion"]
    text = say(
        template, language, report=report, topics=shown, publisher=_publisher(documents, corpus)
    )
    return AskResponse(answer=text, route="refusal", language=language)


def not_covered(
    documents: Sequence[str],
    corpus: Corpus,
    topics: Mapping[str, list[str]],
    language: Language,
    in_part: bool = False,
) -> PartAnswer:
    """Nothing in the reports in scope answers the part."""
    report = _reports(documents, corpus, language)
    covered = _topics(documents, topics, language)
    if in_part or not covered:
        text = say(PART_NOT_COVERED, language, report=report)
        return PartAnswer("refusal", text, answered=False, documents=tuple(documents))
    text = say(REFUSAL_NOT_COVERED, language, report=report, topics=covered)
    return PartAnswer("refusal", text, answered=False, documents=tuple(documents))


def other_municipality(place: str, corpus: Corpus, language: Language) -> PartAnswer:
    """A municipality the corpus has no report of."""
    text = say(
        REFUSAL_OTHER_MUNICIPALITY,
        language,
        place=place,
        municipalities=join_words(list(corpus.municipalities), language),
    )
    return PartAnswer("refusal", text, answered=False)


def year(missing: int, documents: Sequence[str], corpus: Corpus, language: Language) -> PartAnswer:
    """A year no report in scope covers."""
    infos = [corpus.documents[d] for d in documents if d in corpus.documents]
    shown = join_words(sorted({str(info.year) for info in infos}), language)
    text = say(
        REFUSAL_YEAR,
        language,
        report=_reports(documents, corpus, language),
        years=shown,
        year=str(missing),
    )
    return PartAnswer("refusal", text, answered=False, documents=tuple(documents))
