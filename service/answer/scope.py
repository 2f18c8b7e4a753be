"""Which reports a part of a question is about, from the frame and the corpus metadata.

Named in the question (municipality, year, programme): only those reports. Not named:
the newest report(s) of the default municipality (a setting), and the answer says which
report it used. "Vorig jaar" and "het jaar ervoor" count from the report in scope. A year
no report of that municipality covers is said so. Nothing here knows a report: every
name and year comes from the metadata of the indexed documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from service.core.text import years_in
from service.understand.frame import Part, Scope
from service.understand.parse import CorpusFacts


@dataclass(frozen=True)
class DocumentInfo:
    """What the answering code needs to know of one indexed report."""

    id: str
    municipality: str
    year: int
    programme: str
    title: str
    covered_years: frozenset[int]  # years the report gives figures or text for

    @property
    def label(self) -> str:
        """How an answer names the report: "Jaarrekening <jaar> — … (Gouda)"."""
        if self.municipality.lower() in self.title.lower():
            return self.title
        return f"{self.title} ({self.municipality})"


@dataclass(frozen=True)
class Selection:
    """The reports to answer one part from, best first, and why.

    `missing_year` is a year the question names that no report in scope covers;
    `named` is True when the question itself chose the reports (so no fallback).
    """

    documents: tuple[str, ...]
    year: int | None = None
    missing_year: int | None = None
    named: bool = False


class Corpus:
    """The indexed reports: their metadata, the years they cover, the default municipality."""

    def __init__(
        self,
        documents: Iterable[DocumentInfo],
        default_municipality: str = "",
    ) -> None:
        self.documents = {d.id: d for d in sorted(documents, key=lambda d: (d.year, d.id))}
        municipalities = sorted({d.municipality for d in self.documents.values()})
        self.municipalities = tuple(municipalities)
        wanted = default_municipality.strip().lower()
        by_count = sorted(
            municipalities,
            key=lambda m: (-sum(d.municipality == m for d in self.documents.values()), m),
        )
        self.default = next((m for m in municipalities if m.lower() == wanted), None) or (
            by_count[0] if by_count else ""
        )

    @classmethod
    def from_metadata(
        cls,
        metadata: Mapping[str, object],
        sources: Mapping[str, str],
        default_municipality: str = "",
    ) -> Corpus:
        """Build from the index's document metadata and source texts."""
        infos = []
        for doc_id, meta in metadata.items():
            year = int(getattr(meta, "year"))  # noqa: B009  (any object with these fields)
            text = sources.get(doc_id, "")
            infos.append(
                DocumentInfo(
                    id=doc_id,
                    municipality=str(getattr(meta, "municipality")),  # noqa: B009
                    year=year,
                    programme=str(getattr(meta, "programme")),  # noqa: B009
                    title=str(getattr(meta, "title")),  # noqa: B009
                    covered_years=frozenset({year, *_stated_years(text, year)}),
                )
            )
        return cls(infos, default_municipality)

    def facts(self) -> CorpusFacts:
        """The names a question reader needs to recognise."""
        return CorpusFacts(
            municipalities=self.municipalities,
            programmes=tuple(sorted({d.programme for d in self.documents.values()})),
            years=tuple(sorted({d.year for d in self.documents.values()})),
        )

    def label(self, doc_id: str) -> str:
        """The report's title as answers name it."""
        info = self.documents.get(doc_id)
        return info.label if info else doc_id

    def _pool(self, scope: Scope) -> list[DocumentInfo]:
        """The reports of the named (else the default) municipality and programme."""
        municipalities = scope.municipalities or ((self.default,) if self.default else ())
        everywhere = list(self.documents.values())
        pool = [d for d in everywhere if d.municipality in municipalities]
        if scope.programmes or scope.programme_codes:
            # A programme named: its reports, of the named (else any) municipality.
            base = pool if scope.municipalities else everywhere
            chosen = [d for d in base if _names_programme(d, scope)]
            pool = chosen or pool
        return pool

    def years(self, scope: Scope, part: Part) -> list[int]:
        """The years a part asks about: named, or counted from the newest report in scope
        ("het jaar ervoor")."""
        if part.years or not part.relative_years:
            return list(part.years)
        pool = self._pool(scope)
        if not pool:
            return []
        newest = max(d.year for d in pool)
        return [newest + r for r in part.relative_years]

    def select(self, scope: Scope, part: Part) -> Selection:
        """The reports a part should be answered from (see the module docstring)."""
        named = bool(scope.municipalities or scope.programmes or part.years)
        pool = self._pool(scope)
        if not pool:
            return Selection((), named=named)
        newest = max(d.year for d in pool)
        years = self.years(scope, part)
        if not years:
            docs = [d.id for d in sorted(pool, key=lambda d: (-d.year, d.id)) if d.year == newest]
            return Selection(tuple(docs), year=None, named=named)
        year = years[0]
        own = [d.id for d in pool if d.year == year]
        if own:
            return Selection(tuple(own), year=year, named=True)
        covering = [d for d in sorted(pool, key=lambda d: -d.year) if year in d.covered_years]
        if covering:
            best = covering[0].year
            return Selection(tuple(d.id for d in covering if d.year == best), year=year, named=True)
        return Selection(
            tuple(d.id for d in pool if d.year == newest), year=year, missing_year=year, named=True
        )

    def others(self, chosen: Sequence[str]) -> tuple[str, ...]:
        """Every report not chosen, newest first: where a part is tried when the default
        report does not answer it."""
        rest = [d for d in self.documents.values() if d.id not in chosen]
        return tuple(d.id for d in sorted(rest, key=lambda d: (-d.year, d.id)))


def _names_programme(document: DocumentInfo, scope: Scope) -> bool:
    """Whether the question names this report's programme, by name or by number."""
    if scope.programmes and document.programme not in scope.programmes:
        return False
    title = document.title.lower()
    return all(re.search(rf"\bprogramm[ae]\s+{code}\b", title) for code in scope.programme_codes)


def _stated_years(text: str, year: int) -> set[int]:
    """Years a report says something about besides its own: earlier years it compares
    with, later years it plans for. Whether it gives the figure asked is for the routes."""
    return {y for y in years_in(text) if year - 15 <= y <= year + 5}
