"""One response from the answered parts: numbered in order, citations numbered once.

A question with one part reads as that part's answer. A question with several parts
lists them in order, each under the part as it was understood, so a reply to a council
inquiry can follow its structure; a part the report does not answer says so while the
others are answered. Citation markers are renumbered over the whole answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.answer.result import PartAnswer
from service.render.messages import PART_HEADING, say
from service.understand.frame import Frame
from service.web.schemas import AskResponse, Citation, PartSummary, Route

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def renumber(answer: PartAnswer, before: Sequence[Citation]) -> tuple[str, list[Citation]]:
    """The body of one part with its markers numbered on after the citations `before`, and
    its citations that are new. A passage already cited keeps its number, so the answer
    never lists one quote twice."""
    numbers: dict[int, int] = {}
    seen = {(c.document, c.start, c.end): c.id for c in before}
    new: list[Citation] = []
    for c in answer.citations:
        key = (c.document, c.start, c.end)
        if key not in seen:
            seen[key] = len(before) + len(new) + 1
            new.append(c.model_copy(update={"id": seen[key]}))
        numbers[c.id] = seen[key]
    body = _MARKER.sub(
        lambda m: (
            "["
            + ",".join(
                dict.fromkeys(str(numbers.get(int(n), int(n))) for n in m.group(1).split(","))
            )
            + "]"
        ),
        answer.body,
    )
    return body, new


def combine(answers: Sequence[PartAnswer]) -> PartAnswer:
    """Several answers to one part (one per year) as one, citations numbered on."""
    bodies: list[str] = []
    citations: list[Citation] = []
    for answer in answers:
        body, cited = renumber(answer, citations)
        bodies.append(body)
        citations.extend(cited)
    documents = tuple(dict.fromkeys(d for a in answers for d in a.documents))
    figures = [f for a in answers for f in a.figures]
    return PartAnswer(route_of(answers), " ".join(bodies), citations, figures, True, documents)


def route_of(answers: Sequence[PartAnswer]) -> Route:
    """The route of the whole answer: a refusal only when no part was answered."""
    answered = [a for a in answers if a.answered]
    return answered[0].route if answered else answers[0].route


def respond(frame: Frame, answers: Sequence[PartAnswer]) -> AskResponse:
    """The API's answer for a frame whose parts have been answered (in the same order)."""
    language = frame.language
    if len(answers) == 1:
        body, cited = renumber(answers[0], [])
        return AskResponse(
            answer=body,
            route=answers[0].route,
            citations=cited,
            resolved_question=frame.resolved,
            language=language,
        )
    sections: list[str] = []
    citations: list[Citation] = []
    for number, (part, answer) in enumerate(zip(frame.parts, answers, strict=True), start=1):
        body, cited = renumber(answer, citations)
        citations.extend(cited)
        heading = say(PART_HEADING, language, number=str(number), question=_question(part.text))
        sections.append(f"{heading}\n{body}")
    return AskResponse(
        answer="\n\n".join(sections),
        route=route_of(answers),
        citations=citations,
        resolved_question=frame.resolved,
        language=language,
        parts=[
            PartSummary(question=part.text, route=answer.route, answered=answer.answered)
            for part, answer in zip(frame.parts, answers, strict=True)
        ],
    )


def _question(text: str) -> str:
    """A part as a question: capitalised, ending in a question mark."""
    text = text.strip().rstrip(".")
    text = text[:1].upper() + text[1:]
    return text if text.endswith("?") else f"{text}?"
