"""Whether a word of a question stands for a word of a sentence: the same word in another
form (inflection, a participle, a typo), or a compound that holds it ("detentiejongeren" is
a kind of "jongeren"). Used to find the sentence that states an operand of a calculation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from service.answer.figures import TOKEN
from service.core.text import fold, stem

STRONG = 0.8  # a word match this good means the same word (stem, compound head, typo)


def tokens(text: str) -> list[tuple[str, int]]:
    return [(fold(m.group(0)), m.start()) for m in TOKEN.finditer(text)]


def same_word(query: str, word: str) -> bool:
    """One word in another form: inflection ("gebiedsverbod"/"-verboden") or a typo."""
    if query == word:
        return True
    if len(word) < 3 or len(query) < 3:
        return False
    q, w = stem(query), stem(word)
    if q == w:
        return True
    # A participle of a compound verb: "foutgeparkeerde" is "foutparkeren" done.
    q, w = (re.sub(r"(?<=\w{3})ge(?=\w{4})", "", x, count=1) if len(x) > 9 else x for x in (q, w))
    if (
        len(q) >= 5
        and len(w) >= 5
        and abs(len(q) - len(w)) <= 3
        and (q.startswith(w) or w.startswith(q))
    ):
        return True
    return (
        len(q) >= 6
        and abs(len(q) - len(w)) <= 2
        and difflib.SequenceMatcher(None, q, w).ratio() >= 0.8
    )


def word_score(query: str, word: str) -> float:
    """How well a sentence word stands for a question word (stems, compounds, typos)."""
    if same_word(query, word):
        return 1.0
    if len(word) < 3 or len(query) < 3:
        return 0.0
    # Compounds: "detentiejongeren" is a kind of "jongeren"; "handhavingsmeldingen" holds both
    # "handhaving" and "meldingen" (and is split into them when the report never joins them).
    if len(query) >= 4 and word.endswith(query):
        return 0.8
    if len(word) >= 4 and query.endswith(word):
        return 0.6 * len(word) / len(query) + 0.2
    if len(word) >= 5 and query.startswith(word):
        return 0.5 * len(word) / len(query) + 0.1
    return 0.0


def best_match(query: str, words: Iterable[str]) -> float:
    return max((word_score(query, w) for w in words), default=0.0)


def coverage(
    query_words: Sequence[str], text_words: Sequence[str], heading: Sequence[str]
) -> float:
    """Mean over the query words of their best match (a heading word counts half)."""
    if not query_words:
        return 0.0
    total = 0.0
    for q in query_words:
        total += max(best_match(q, text_words), 0.5 * best_match(q, heading))
    return total / len(query_words)


def distance(tokens: list[tuple[str, int]], index: int, words: Sequence[str]) -> int:
    """Tokens between a figure and the nearest word that stands for one of `words`."""
    hits = [
        abs(i - index)
        for i, (t, _) in enumerate(tokens)
        if any(word_score(w, t) >= STRONG for w in words)
    ]
    return min(hits, default=20)


def words_of(text: str) -> list[str]:
    return [t for t, _ in tokens(text)]


def split_compound(word: str, vocabulary: set[str]) -> list[str]:
    """A question compound as two report words when the report never joins them."""
    if len(word) < 8 or any(same_word(word, v) or v.endswith(word) for v in vocabulary):
        return [word]
    for cut in range(len(word) - 4, 3, -1):
        head, tail = word[:cut], word[cut:]
        left = head[:-1] if head.endswith("s") and head[:-1] in vocabulary else head
        if (
            len(left) >= 4
            and any(same_word(left, v) for v in vocabulary)
            and any(same_word(tail, v) for v in vocabulary)
        ):
            return [left, tail]
    return [word]
