"""Follow-up questions and language, resolved statelessly from the request's history.

The server keeps no session: the client sends the earlier turns, so any worker can answer
any turn. A follow-up ("en daarvan?", "welk deel daarvan kwam van partners?") is rewritten
into a standalone question before routing, and the rewrite is returned to the user.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.lexical import STOPWORDS_EN, STOPWORDS_NL, is_stopword, words
from service.render.messages import Language
from service.web.schemas import Turn

# Words that point back at an earlier turn.
_REFERENCES = frozenset(
    """
    daarvan daarin daar daarbij daarmee daarna daarop hiervan hierin hierbij ervan erin
    diezelfde dezelfde zij ze hun that those these it they them its their there
    """.split()
)
_SLOT = re.compile(
    r"^\s*(?:en|and|maar|ook)?\s*(?P<prep>aan|in|bij|voor|van|over|op|met|to|for|at|of)\s+\w",
    re.IGNORECASE,
)
_FOLLOW_UP_START = re.compile(r"^\s*(en|maar|ook|and|what about|how about|wat dan|en wat)\b", re.I)
MAX_FOLLOW_UP_WORDS = 4


def user_turns(history: Sequence[Turn]) -> list[str]:
    """The user's earlier questions, oldest first."""
    return [t.content for t in history if t.role == "user" and t.content.strip()]


def detect_language(text: str) -> Language:
    """English when English function words clearly outnumber Dutch ones."""
    tokens = words(text)
    en = sum(t in STOPWORDS_EN and t not in STOPWORDS_NL for t in tokens)
    nl = sum(t in STOPWORDS_NL and t not in STOPWORDS_EN for t in tokens)
    return "en" if en > nl else "nl"


def is_follow_up(question: str) -> bool:
    """True when a question leans on an earlier turn instead of standing on its own."""
    tokens = words(question)
    content = [t for t in tokens if not is_stopword(t) and t not in _REFERENCES]
    refers = any(t in _REFERENCES for t in tokens)
    starts = bool(_FOLLOW_UP_START.match(question))
    return starts or (refers and len(content) <= MAX_FOLLOW_UP_WORDS) or len(content) <= 1


def topic_of(question: str, replaced_by: str = "") -> str:
    """The content words of a question: its topic, for carrying into a follow-up.

    "en aan verharding?" after "schade aan afvalbakken" replaces what followed "aan":
    the words the follow-up puts in the same slot are not carried over.
    """
    dropped: set[str] = set()
    slot = _SLOT.match(replaced_by)
    if slot:
        earlier = re.search(rf"\b{slot.group('prep')}\s+((?:\w+\s*){{1,3}})", question, re.I)
        if earlier:
            dropped = set(words(earlier.group(1)))
    return " ".join(
        t
        for t in words(question)
        if not is_stopword(t) and t not in _REFERENCES and t not in dropped
    )


@dataclass(frozen=True)
class Resolved:
    """A question made standalone: the turn itself plus the topic it carries over."""

    question: str
    topic: str = ""
    previous: str = ""  # the earlier question the topic comes from

    @property
    def text(self) -> str:
        """How the question was understood, shown to the user."""
        return f"{self.question} (over: {self.topic})" if self.topic else self.question


def resolve_text_question(question: str, earlier: Sequence[str]) -> Resolved:
    """A standalone version of `question`, with the topic of the last question if it needs one."""
    question = question.strip()
    if not earlier or not is_follow_up(question):
        return Resolved(question)
    for previous in reversed(earlier):
        topic = topic_of(previous, replaced_by=question)
        if topic:
            return Resolved(question, topic, previous)
    return Resolved(question)
