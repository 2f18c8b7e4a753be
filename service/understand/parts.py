"""Parts: a question that asks two or more things becomes one piece per thing asked.

"Hoeveel … en welke …?", "…, en hoeveel daarvan …?", two question marks, a numbered
list of sub-questions: each piece is answered on its own, in order. A piece is cut
only where a new question word (or a new request, "en kan het aangeven …") starts, so
"schade aan afvalbakken, containers en verharding samen" stays one question.
"""

from __future__ import annotations

import itertools
import re

from service.core.text import fold_aligned, words
from service.lexicon import lexicon
from service.understand.register import starts_with_wrapper, strip_wrappers

MIN_PART_WORDS = 2
_SENTENCES = re.compile(r"(?<=[?;])\s+(?=\S)|\s+(?=(?:\d|[a-h])[.)]\s)|\n\s*[-•]\s+")
_PREPOSITIONS = (
    r"in|bij|op|aan|voor|met|van|over|door|uit|naar|tot|om|sinds|vanaf|tussen|"
    r"at|for|on|to|of|with|by|from|since"
)
_JOINERS = r"en|and|maar ook|alsook|alsmede|evenals|as well as|plus"


def _question_words() -> str:
    """The first words of the question-word phrases, as a regex alternation."""
    firsts = {p.split()[0] for p in lexicon().question_words.values}
    firsts |= {"zo"}  # "en zo ja, …" / "en zo nee, waarom niet?"
    return "|".join(sorted((re.escape(w) for w in firsts), key=len, reverse=True))


def _cut_points(sentence: str) -> list[int]:
    """Offsets where a new question starts inside one sentence."""
    folded = fold_aligned(sentence)
    joiner = re.compile(
        rf"(?:,\s*|\s+)(?:{_JOINERS})\s+(?=(?:(?:{_PREPOSITIONS})\s+)?(?:{_question_words()})\b)"
        rf"|,\s+(?=(?:{_question_words()})\b)"
    )
    cuts = [m.start() for m in joiner.finditer(folded)]
    request = re.compile(rf"(?:,\s*|\s+)(?:{_JOINERS})\s+")
    for match in request.finditer(folded):
        if starts_with_wrapper(sentence[match.end() :]):
            cuts.append(match.start())
    return sorted(set(cuts))


def _has_question_word(text: str) -> bool:
    folded = " " + " ".join(words(text)) + " "
    return any(f" {w} " in folded for w in _question_words().split("|"))


def split_parts(core: str) -> list[tuple[str, frozenset[str]]]:
    """The pieces of a question, in order, each without its joiner and wrappers, with the
    kinds of wrapper it had ("claim" for "…, en klopt het dat …")."""
    pieces: list[tuple[str, frozenset[str]]] = []
    for sentence in _SENTENCES.split(core.strip()):
        if not sentence or not sentence.strip():
            continue
        bounds = [0, *_cut_points(sentence), len(sentence)]
        for start, end in itertools.pairwise(bounds):
            piece = sentence[start:end]
            piece = re.sub(rf"^[\s,;:]*(?:(?:{_JOINERS})\b)?[\s,]*", "", piece, flags=re.I)
            piece = re.sub(r"^(?:\d|[a-h])[.)]\s+", "", piece)
            piece = re.sub(rf"[\s,;]*\b(?:{_JOINERS})\s*$", "", piece, flags=re.I)
            piece, found = strip_wrappers(piece)
            if piece:
                pieces.append((piece.strip(), frozenset(found)))
    merged: list[tuple[str, frozenset[str]]] = []
    for piece, kinds in pieces:
        small = len(words(piece)) < MIN_PART_WORDS and not _has_question_word(piece)
        if merged and small:
            merged[-1] = (f"{merged[-1][0]} {piece}", merged[-1][1] | kinds)
        else:
            merged.append((piece, kinds))
    return merged or [(core.strip(), frozenset())]
