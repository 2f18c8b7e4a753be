"""The question set: one JSON object per line in `evals/questions.jsonl`, checked on load."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.web.schemas import Route, Turn

EVALS_DIR = Path(__file__).resolve().parent
QUESTIONS_PATH = EVALS_DIR / "questions.jsonl"
HOLDOUT_PATH = EVALS_DIR / "holdout.jsonl"
BLIND_PATH = EVALS_DIR / "blind.jsonl"
CALIBRATION_PATH = EVALS_DIR / "calibration.jsonl"
REPORT_PATH = (
    EVALS_DIR.parent / "corpus" / "zoetermeer-jaarrekening-2024-programma-5-veiligheid.txt"
)

# Categories of the main and held-out sets (by what answers them) …
Category = Literal[
    "table_cell",
    "table_aggregate",
    "text_number",
    "text_fact",
    "multi_hop",
    "followup",
    "unanswerable",
    "inconsistency",
]
# … and of the blind and calibration sets (by who asks, and how).
RegisterCategory = Literal[
    "council", "citizen", "staff", "table_calc", "formal", "paraphrase", "cross_year"
]
CATEGORIES: tuple[Category, ...] = get_args(Category)
ALL_CATEGORIES: tuple[str, ...] = (*CATEGORIES, *get_args(RegisterCategory))
ROUTES: tuple[Route, ...] = get_args(Route)

# The floor per category the team agreed on; the set may grow above it, never below.
MIN_PER_CATEGORY: dict[str, int] = {
    "table_cell": 25,
    "table_aggregate": 20,
    "text_number": 30,
    "text_fact": 30,
    "multi_hop": 10,
    "followup": 15,
    "unanswerable": 35,
    "inconsistency": 8,
}
MIN_QUESTIONS = 160


class Question(BaseModel):
    """One evaluation question with its expected answer facts and evidence.

    The main and held-out sets name the route that should answer (`route`); sets written
    blind to the code say only whether the report answers it (`answerable`), plus how the
    question is asked (language, several parts, a claim to check, paraphrased).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list)
    category: Category | RegisterCategory
    route: Route | None = None
    answerable: bool | None = None
    language: Literal["nl", "en"] | None = None
    multipart: bool = False
    claim: bool | None = None  # the claim in "Klopt het dat …" is true / false
    paraphrase: bool = False
    documents: list[str] = Field(default_factory=list)  # where the evidence is (other corpora)
    gold_answer: str
    must_contain: list[list[str]]
    evidence: list[str]
    section: str

    @model_validator(mode="after")
    def _route_or_answerable(self) -> Question:
        if self.route is None and self.answerable is None:
            raise ValueError("a question needs `route` or `answerable`")
        return self

    @property
    def should_answer(self) -> bool:
        """Whether the report answers this question (else the right answer is a refusal)."""
        if self.answerable is not None:
            return self.answerable
        return self.route != "refusal"


def load_questions(path: Path = QUESTIONS_PATH) -> list[Question]:
    """Parse the JSONL file; a bad line raises with its line number."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(Question.model_validate(json.loads(line)))
        except ValueError as exc:
            raise ValueError(f"{path.name}:{number}: {exc}") from exc
    return questions


def load_report(path: Path = REPORT_PATH) -> str:
    """The unedited report text the evidence spans point into."""
    return path.read_text(encoding="utf-8")


def report_year(path: Path = REPORT_PATH) -> int | None:
    """The year the report covers, from its metadata file next to it."""
    meta = path.with_suffix(".meta.json")
    if not meta.is_file():
        return None
    year = json.loads(meta.read_text(encoding="utf-8")).get("year")
    return int(year) if year else None


def evidence_offsets(question: Question, source: str) -> list[tuple[int, int]]:
    """Character offsets of each evidence span; spans are unique in the report by contract."""
    offsets = []
    for span in question.evidence:
        start = source.find(span)
        if start < 0:
            raise ValueError(f"{question.id}: evidence not found verbatim: {span[:60]!r}")
        offsets.append((start, start + len(span)))
    return offsets


def category_counts(questions: list[Question]) -> Counter[str]:
    """How many questions each category holds."""
    return Counter(q.category for q in questions)
