"""Follow-ups on the frame: a part that leans on an earlier one takes over what it lacks.

"En in <jaar-1>?" replaces the year of the previous question; "en bij koopwoningen?" adds a
word to it; "en aan verharding?" replaces what followed "aan"; "hoeveel daarvan …"
narrows it; "waarom?" asks the reason of the figure it gave. The same mechanism joins
the parts of one question ("…, en hoeveel daarvan ging naar …"). The server keeps no
session: the earlier turns come with the request and are read again.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

from service.core.text import fold, words
from service.lexicon import lexicon
from service.lexicon.vocabulary import could_be_noun
from service.understand.frame import Frame, Part

MAX_FOLLOW_UP_WORDS = 4
_SLOT = re.compile(
    r"^\s*(?:en|and|maar|ook)?\s*(?P<prep>aan|in|bij|voor|van|over|op|met|to|for|at|of)\s+\w",
    re.IGNORECASE,
)
_STARTER = re.compile(r"^\s*(en|maar|ook|and|what about|how about|wat dan|en wat)\b[\s,]*", re.I)


def _content(tokens: list[str]) -> list[str]:
    references = lexicon().followup["references"] | lexicon().followup["kinds"]
    return [t for t in tokens if not lexicon().is_function_word(t) and t not in references]


def points_back(tokens: list[str]) -> bool:
    """Whether words point at something named before: "daarvan", "die", or a noun that
    names only a kind after a determiner ("de aanpak", "dit project")."""
    if any(t in lexicon().followup["references"] for t in tokens):
        return True
    kinds, determiners = lexicon().followup["kinds"], lexicon().followup["determiners"]
    return any(a in determiners and b in kinds for a, b in pairwise(tokens))


def is_follow_up(question: str) -> bool:
    """True when a question leans on an earlier turn instead of standing on its own.

    It opens like a follow-up ("en …", "maar …"), points back with few words of its own
    ("hoeveel daarvan …"), or is a bare slot ("waarom?", "Centrum?", "hoeveel zijn er
    afgerond?"). A question with a question word and a noun of its own ("Wat is IPTA?")
    stands alone.
    """
    tokens = words(question)
    content = _content(tokens)
    refers = any(t in lexicon().followup["references"] for t in tokens)
    starts = bool(_STARTER.match(question))
    asks = lexicon().question_words.first(" ".join(tokens)) is not None
    nouns = [w for w in content if could_be_noun(w)]
    bare = not nouns or (not asks and len(content) <= 2)
    return starts or (refers and len(content) <= MAX_FOLLOW_UP_WORDS) or bare


def leans_on(part: Part) -> bool:
    """True when a later part of one question needs the part before it ("hoeveel daarvan")."""
    return part.refers_back or len(part.terms) <= 1


def _bare(part: Part) -> bool:
    """ "En in <jaar>?", "en Centrum?": no question of its own, only a slot to fill."""
    return part.asks == "keywords" and part.operation == "value" and part.claim is None


def _replaced_words(previous: Part, later: Part) -> list[str]:
    """The previous part's words a later one replaces: the noun phrase after the same
    preposition ("aan afvalbakken bij de kermis" -> "afvalbakken")."""
    slot = _SLOT.match(later.asked)
    if not slot:
        return []
    earlier = re.search(rf"\b{slot.group('prep')}\s+((?:[\w'-]+\s*){{1,4}})", previous.text, re.I)
    if not earlier:
        return []
    phrase: list[str] = []
    for word in words(earlier.group(1)):
        if word in ("de", "het", "een", "the", "a") and not phrase:
            continue
        if lexicon().is_function_word(word) or len(phrase) == 3:
            break
        phrase.append(word)
    return phrase


def _resolved_text(previous: Part, later: Part, dropped: list[str], years: tuple[int, ...]) -> str:
    """The standalone question the follow-up stands for, as shown to the user."""
    if not _bare(later):
        topic = " ".join(t for t in (*previous.terms, *previous.carried) if t not in dropped)
        return f"{later.asked.rstrip(' ?')} (over: {topic})" if topic else later.asked
    base = previous.text.rstrip(" ?")
    if years and previous.years and years != previous.years and not later.terms:
        for old, new in zip(previous.years, years, strict=False):
            base = base.replace(str(old), str(new))
        return base + "?"
    addition = _STARTER.sub("", later.asked).strip(" ?")
    if dropped:
        slot = _SLOT.match(later.asked)
        prep = slot.group("prep") if slot else ""
        shown = _in_order(previous.text, set(dropped))
        pattern = rf"\b{prep}\s+(?:(?:de|het|een)\s+)?" + r"\s+".join(re.escape(w) for w in shown)
        replaced = re.sub(pattern, addition, base, count=1, flags=re.I)
        if shown and replaced != base:
            return replaced + "?"
    if years and not previous.years:
        return f"{base} in {' en '.join(str(y) for y in years)}?"
    return f"{base} {addition}?" if addition else base + "?"


def _in_order(text: str, chosen: set[str]) -> list[str]:
    """The chosen words in the order the text has them."""
    return [w for w in text.split() if fold(w.strip(",.?")) in chosen]


def carry(part: Part, previous: Part, *, same_question: bool = False) -> Part:
    """`part` with what it lacks taken over from `previous` (see the module docstring)."""
    dropped = _replaced_words(previous, part)
    carried = tuple(
        t
        for t in dict.fromkeys((*previous.terms, *previous.carried))
        if t not in dropped and t not in part.terms
    )
    years, relative = part.years, part.relative_years
    if not years and previous.years:
        years = tuple(y + r for y in previous.years[:1] for r in relative) or previous.years
        relative = ()
    elif not years and not relative:
        relative = previous.relative_years
    bare = _bare(part)
    update = {
        "carried": carried,
        "years": years,
        "relative_years": relative,
        "previous": previous,
        "text": part.text
        if same_question and not bare
        else _resolved_text(previous, part, dropped, years),
    }
    if bare:
        update |= {
            "asks": previous.asks,
            "kind": previous.kind,
            "operation": previous.operation,
            "amount": previous.amount,
            "threshold": previous.threshold,
            "top_n": previous.top_n,
        }
    elif part.amount is None and previous.amount is not None and part.asks == "amount":
        update["amount"] = previous.amount
    return replace(part, **update)  # type: ignore[arg-type]


def carry_frame(frame: Frame, previous: Frame) -> Frame:
    """A follow-up turn: its first part carries the previous turn's last part."""
    if not previous.parts or not frame.parts:
        return frame
    first = carry(frame.parts[0], previous.parts[-1])
    scope = frame.scope
    if not (scope.municipalities or scope.programmes):
        scope = replace(
            scope,
            municipalities=previous.scope.municipalities,
            programmes=previous.scope.programmes,
            elsewhere=scope.elsewhere or previous.scope.elsewhere,
        )
    return replace(frame, parts=(first, *frame.parts[1:]), scope=scope, followup=True)
