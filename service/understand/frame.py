"""The question as one typed value: what every answering route reads instead of the raw text.

`understand()` (in `service.understand.parse`) turns a question and the earlier turns into
a `Frame`: the language and register, the whole-question refusal if any, where the
question points (municipality, year, programme) and its parts. Each `Part` says what it
asks (a figure, a calculation, a fact, a reason, a definition, a claim to check), which
operation, which years and which words, so the table, calculation and text answerers
never read the question again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from service.understand.calculation import CalculationPlan

Language = Literal["nl", "en"]
Register = Literal["formal", "informal", "keywords"]
RefusalReason = Literal["opinion", "person", "contact", "action"]
PartKind = Literal["figure", "calculation", "fact", "reason", "definition", "claim"]
Operation = Literal[
    "value",
    "sum",
    "max",
    "min",
    "top",
    "diff",
    "change",
    "share",
    "average",
    "target",
    "list",
    "remainder",
    "filter",
]
Amount = Literal["money", "percent", "score", "count"]
Asks = Literal[
    "amount",
    "which",
    "who",
    "where",
    "when",
    "why",
    "what",
    "how",
    "definition",
    "yesno",
    "keywords",
]
Direction = Literal["up", "down"]
Comparison = Literal[">", "<", "=", ">=", "<="]

OPERATIONS_THAT_CALCULATE: frozenset[str] = frozenset(
    {"sum", "diff", "change", "share", "average", "remainder"}
)


@dataclass(frozen=True)
class Claim:
    """What "Klopt het dat X?" asserts: X itself, its figures and the direction it names."""

    statement: str
    figures: tuple[Decimal, ...] = ()
    direction: Direction | None = None
    topic: str = ""  # the statement without its figures: what to look up
    tolerances: tuple[Decimal, ...] = ()  # half a unit of each figure's last written digit
    comparison: Comparison | None = None  # "meer dan 100": the one figure is a bound

    @property
    def probe(self) -> str:
        """The text to answer in order to check the claim."""
        return self.topic or self.statement


@dataclass(frozen=True)
class Scope:
    """Where a question points: municipalities, programmes and years it names.

    `municipalities` are those of the corpus; `elsewhere` are Dutch municipalities the
    corpus has no report of. Empty means "not named": the default report is used.
    """

    municipalities: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    programme_codes: tuple[str, ...] = ()  # "programma 2": the number reports give it
    years: tuple[int, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The words that chose the reports ("Gouda", "Wonen", "programma 3"):
        they say which report, not what in it, so no table or passage lacks them."""
        codes = tuple(f"programma {code}" for code in self.programme_codes)
        return (*self.municipalities, *self.programmes, *codes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, for logs and the README."""
        return {
            "municipalities": list(self.municipalities),
            "elsewhere": list(self.elsewhere),
            "programmes": list(self.programmes),
            "programme_codes": list(self.programme_codes),
            "years": list(self.years),
        }


@dataclass(frozen=True)
class Part:
    """One thing a question asks.

    `text` is the part made standalone (with what it carried from an earlier turn or
    part); retrieval and sentence ranking read it. `terms` are its own content words and
    `carried` the content words it took over; the table matcher lets its own words win
    over carried ones. `years` are named years, `relative_years` offsets from the year
    of the report in scope ("het jaar ervoor" = -1).
    """

    text: str
    asked: str
    asks: Asks
    kind: PartKind
    operation: Operation
    amount: Amount | None = None
    years: tuple[int, ...] = ()
    relative_years: tuple[int, ...] = ()
    terms: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()
    refers_back: bool = False
    claim: Claim | None = None
    threshold: tuple[Comparison, Decimal] | None = None
    top_n: int | None = None
    group: str | None = None  # "welke wijk …": the kind of thing the answer names
    calculation: CalculationPlan | None = None  # operands of a calculation over stated figures
    query: str = ""  # what to search: `asked` without the names that scope the part
    since: bool = False  # "sinds <jaar>": from the named year up to the newest report
    period: tuple[int, ...] = ()  # "schooljaar <jaar>-<jaar+1>": one period, not a choice
    previous: Part | None = field(default=None, repr=False, compare=False)

    @property
    def search_text(self) -> str:
        """The part's own words as retrieval and ranking read them."""
        return self.query or self.asked

    @property
    def calculates(self) -> bool:
        """True when the part asks for a calculation over figures."""
        return self.operation in OPERATIONS_THAT_CALCULATE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form without the question text (logs must not hold it)."""
        return {
            "asks": self.asks,
            "kind": self.kind,
            "operation": self.operation,
            "amount": self.amount,
            "years": list(self.years),
            "relative_years": list(self.relative_years),
            "terms": len(self.terms),
            "carried": len(self.carried),
            "refers_back": self.refers_back,
            "claim": None
            if self.claim is None
            else {
                "figures": len(self.claim.figures),
                "direction": self.claim.direction,
                "comparison": self.claim.comparison,
            },
        }


@dataclass(frozen=True)
class Frame:
    """A question, read once."""

    question: str
    core: str
    language: Language
    register: Register
    parts: tuple[Part, ...]
    scope: Scope = Scope()
    refusal: RefusalReason | None = None
    followup: bool = False

    @property
    def resolved(self) -> str | None:
        """How a follow-up was understood, shown to the user; None for a standalone question."""
        if not self.followup:
            return None
        return " ".join(p.text for p in self.parts)

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        """JSON-ready form; the question's words only with `with_text` (never in logs)."""
        data: dict[str, Any] = {
            "language": self.language,
            "register": self.register,
            "refusal": self.refusal,
            "followup": self.followup,
            "scope": self.scope.to_dict(),
            "parts": [p.to_dict() for p in self.parts],
        }
        if with_text:
            data["core"] = self.core
            for shown, part in zip(data["parts"], self.parts, strict=True):
                shown["text"] = part.text
                shown["terms"] = list(part.terms)
                shown["carried"] = list(part.carried)
        return data
