"""Dutch text basics: folding, tokens and stems, one of each for the whole service.

Everything that compares words goes through these functions, so "Casuïstiek" and
"casuistiek" are one word everywhere, and every module stems the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_APOSTROPHES = re.compile(r"['’‘`]")
YEAR = re.compile(r"\b(19[5-9]\d|20[0-9]\d)\b")
_stemmer = Stemmer.Stemmer("dutch_porter")


def fold(text: str) -> str:
    """Lower case without diacritics: "Casuïstiek" -> "casuistiek"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_aligned(text: str) -> str:
    """`fold`, one character for one, so a span found in the result is a span of `text`."""
    out = []
    for char in text:
        folded = fold(char)
        out.append(folded[0] if folded else " ")
    return "".join(out)


def words(text: str) -> list[str]:
    """Folded word tokens, numbers kept whole ("13.939", "30,8", "5.3")."""
    return _TOKEN.findall(_APOSTROPHES.sub("", fold(text)))


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded word tokens with their offsets in `text`."""
    folded = fold_aligned(text)
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The `dutch_porter` stem of a folded word, with the final v/z of inflected forms
    written as f/s ("primitieve" and "primitief", "huizen" and "huis" meet)."""
    stemmed = str(_stemmer.stemWord(word))
    if len(stemmed) > 3 and stemmed[-1] in "vz":
        return stemmed[:-1] + ("f" if stemmed[-1] == "v" else "s")
    return stemmed


def years_in(text: str) -> list[int]:
    """The years a text names, in order."""
    return [int(y) for y in YEAR.findall(text)]


def squash(text: str) -> str:
    """Whitespace runs (line breaks of PDF text) as single spaces."""
    return " ".join(text.split())
