"""Suggested questions for an empty conversation: a few per report, made from the report's
own financial table, figure tables and headings, and kept only when they are answered.

Nothing here is written for one report: the questions follow templates in `messages`
filled with a report's programme, year, table titles and section headings, and each is
put to the assistant once, so a suggestion never leads to a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.tables.model import Table
from service.answer.knowledge import Knowledge
from service.answer.scope import DocumentInfo
from service.render import messages
from service.render.tables import is_money
from service.web.schemas import AskRequest, AskResponse

PER_REPORT = 3
# At most this many candidates are tried per report, so the first call stays quick.
TRIES_PER_REPORT = 8
# Longer headings read as sentences, not as a subject to ask about.
MAX_HEADING_WORDS = 6

_TABLE_NUMBER = re.compile(r"^(?:tabel|table)\s+[\d.]+\s*", re.IGNORECASE)
_BRACKETS = re.compile(r"\s*\([^)]*\)")
_TRAILING_YEAR = re.compile(r"\s+(?:19|20)\d\d$")
# A heading that asks or introduces ("Wat wilden we bereiken?", "Bron: …") is no subject.
_SENTENCE_MARK = re.compile(r"[?:!]")


@dataclass(frozen=True)
class Suggestion:
    """One question to offer, and the report it was made from."""

    question: str
    document: str
    title: str


def subject(title: str) -> str:
    """A table title or heading as a subject: without its number, brackets and year.

    "Tabel 3.2 Jeugdoverlast 2031" gives "Jeugdoverlast"; "Aantal meldingen per wijk
    (Realisatie 2031)" gives "Aantal meldingen per wijk".
    """
    core = _BRACKETS.sub("", _TABLE_NUMBER.sub("", title.strip()))
    return _TRAILING_YEAR.sub("", core).strip(" :–-")


def candidates(
    document: DocumentInfo, tables: list[Table], headings: list[str], where: str = ""
) -> list[str]:
    """Questions to try for one report, best first: the programme's costs, then one figure
    table and one heading, then the other tables and headings."""
    year = str(document.year)
    money = [
        messages.SUGGEST_MONEY.format(programme=document.programme, year=year, where=where)
        for _ in range(1)
        if any(is_money(t) for t in tables)
    ]
    figures = [
        messages.SUGGEST_TABLE.format(
            subject=subject(t.title), year=str(t.year or year), where=where
        )
        for t in tables
        if not is_money(t) and subject(t.title)
    ]
    titles = {subject(t.title) for t in tables}
    sections = [
        messages.SUGGEST_SECTION.format(subject=subject(h), where=where)
        for h in headings
        if subject(h)
        and subject(h) not in titles
        and len(h.split()) <= MAX_HEADING_WORDS
        and not _SENTENCE_MARK.search(h)
    ]
    ordered = [*money, *figures[:1], *sections[:1], *figures[1:], *sections[1:]]
    return list(dict.fromkeys(ordered))


def headings(knowledge: Knowledge, document: str) -> list[str]:
    """The innermost section headings of a report that hold text, in reading order (not
    the report's own title, which is no subject)."""
    leaves = (
        s.section.rsplit(" > ", 1)[-1]
        for s in knowledge.sentences
        if s.document == document and " > " in s.section
    )
    return list(dict.fromkeys(leaves))


def answered(response: AskResponse, document: str) -> bool:
    """True for an answer worth offering: not a refusal, and cited from its own report."""
    return (
        response.route != "refusal"
        and bool(response.citations)
        and all(c.document == document for c in response.citations)
    )


def suggest(
    documents: list[DocumentInfo],
    knowledge: Knowledge,
    tables_of: Callable[[str], list[Table]],
    ask: Callable[[AskRequest], AskResponse],
) -> list[Suggestion]:
    """Up to `PER_REPORT` answered questions per report, newest report first."""
    out: list[Suggestion] = []
    several = len({d.municipality for d in documents}) > 1
    for document in sorted(documents, key=lambda d: (-d.year, d.id)):
        where = messages.SUGGEST_WHERE.format(municipality=document.municipality) if several else ""
        made = candidates(document, tables_of(document.id), headings(knowledge, document.id), where)
        kept: list[str] = []
        for tried, question in enumerate(made):
            if len(kept) == PER_REPORT or tried == TRIES_PER_REPORT:
                break
            if answered(ask(AskRequest(question=question)), document.id):
                kept.append(question)
        out.extend(Suggestion(q, document.id, document.label) for q in kept)
    return out
