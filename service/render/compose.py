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


def renumber(answer: PartAnswer, offset: int) -> tuple[str, list[Citation]]:
    """The body and citations of one part with every marker shifted by `offset`."""
    if offset == 0:
        return answer.body, list(answer.citations)
    body = _MARKER.sub(
        lambda m: "[" + ",".join(str(int(n) + offset) for n in m.group(1).split(",")) + "]",
        answer.body,
    )
    citations = [c.model_copy(update={"id": c.id + offset}) for c in answer.citations]
    return body, citations


def combine(answers: Sequence[PartAnswer]) -> PartAnswer:
    """Several answers to one part (one per year) as one, citations numbered on."""
    bodies: list[str] = []
    citations: list[Citation] = []
    for answer in answers:
        body, cited = renumber(answer, len(citations))
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
        body, cited = renumber(answers[0], 0)
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
        body, cited = renumber(answer, len(citations))
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
