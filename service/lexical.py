"""Dutch as Dutch: tokens, stems, compounds and typos for lexical search.

Lexical search is where a Dutch report differs from an English one: "gemeente" must
not stem to "meen" (PyStemmer's `dutch_porter` keeps it apart), "casuïstiek" and
"casuistiek" are one word, "woninginbraken" holds "inbraken", and a citizen's
"handhavng" means "handhaving". Everything here is deterministic.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_YEAR = re.compile(r"(19|20)\d\d")
MIN_COMPOUND_PART = 4
HEAD_PART = 0.8
UNKNOWN_MODIFIER_HEAD = 0.5  # "autoinbraken" is only partly "woninginbraken"
MODIFIER_PART = 0.3
# Heads that add no topic of their own: "ondermijningszaken" is about "ondermijning".
GENERIC_HEADS = ("zaken", "zaak", "gevallen", "casussen", "cijfers", "aantallen", "dingen")

# Function words that carry no topic; questions are full of them.
STOPWORDS_NL = frozenset(
    """
    de het een en of maar dat die dit deze wat wie waar wanneer hoe hoeveel welk welke
    waarom is zijn was waren wordt worden werd werden heeft hebben had hadden kan kunnen
    zal zullen zou zouden moet moeten mag mogen wil willen er in op aan van voor met bij
    door over naar uit om tot als dan ook nog al wel niet geen zo te ze zij hij ik je jij
    u we wij ons onze mijn hun haar zijn jullie men iets iemand hier daar daarvan daarin
    gaat ging gedaan doen deed veel heel erg vorig jaar jaren
    gemeente zoetermeer graag weten vertel eens even precies ongeveer totaal doet doe
    gebeurd gebeurde gebeurt
    kwam kwamen komt komen zat zaten zit zitten gaf gaven geeft geven gegeven leidde leidt
    deden doen hoog hoge hoger laag lage lager oud oude lang lange vaak keer voert voeren
    hangt hangen hing krijgt krijgen kreeg kregen pleegt plegen bedoeld bedoelt bedroeg
    bedraagt opgeleverd oplevert levert leverde geweest wezen vind vindt vinden kun kunt
    telde telt tellen bleef bleven blijft niets iets alles rond rondom mensen persoon
    personen ging gingen gaan staat stond staan stonden welk wat waarover waardoor waarmee
    begon begonnen begint beginnen
    partijen instanties organisaties deelnemers vaakst vaakste buiten tijdens sinds via per
    tussen onder boven
    na tegen zonder vanaf tot rond
    waarvoor hoelang hoezeer procent percent euro euros totaal totale samen allemaal
    """.split()
)
STOPWORDS_EN = frozenset(
    """
    the a an and or but that this these those what who where when how many much which
    why is are was were be been being has have had can could will would should shall may
    might must do does did of in on at to for with by from about into over as than then
    also still not no it its they them their there here i you we our your my me last year
    years tell please municipality get got give gave go went come came take took make made
    people person total percent percentage much more less most least some any all
    """.split()
)

# Domain words an English question uses, mapped to the report's Dutch; cross-lingual
# dense retrieval does the rest.
EN_TO_NL = {
    "burglary": "woninginbraken",
    "burglaries": "woninginbraken",
    "break-ins": "woninginbraken",
    "domestic": "huiselijk",
    "violence": "geweld",
    "nuisance": "overlast",
    "enforcement": "handhaving",
    "enforcers": "handhaving",
    "reports": "meldingen",
    "complaints": "meldingen",
    "notifications": "meldingen",
    "camera": "cameratoezicht",
    "cameras": "cameratoezicht",
    "surveillance": "cameratoezicht",
    "fireworks": "vuurwerk",
    "damage": "schade",
    "bins": "afvalbakken",
    "containers": "containers",
    "youth": "jeugd",
    "young": "jongeren",
    "youngsters": "jongeren",
    "gangs": "jeugdgroepen",
    "groups": "groepen",
    "extremism": "extremisme",
    "radicalisation": "radicalisering",
    "radicalization": "radicalisering",
    "undermining": "ondermijning",
    "organised": "ondermijning",
    "organized": "ondermijning",
    "crime": "criminaliteit",
    "signals": "signalen",
    "tips": "signalen",
    "cases": "casussen",
    "businesses": "bedrijven",
    "companies": "bedrijven",
    "inspections": "controles",
    "checks": "controles",
    "inspected": "gecontroleerd",
    "trained": "getraind",
    "professionals": "professionals",
    "visitors": "bezoekers",
    "spectators": "toeschouwers",
    "laser": "lasershow",
    "vouchers": "vouchers",
    "sand": "zand",
    "bans": "gebiedsverboden",
    "ban": "gebiedsverbod",
    "weapons": "wapens",
    "weapon": "wapen",
    "minors": "minderjarig",
    "prostitution": "prostitutie",
    "crisis": "crisisbeheersing",
    "budget": "begroting",
    "costs": "lasten",
    "income": "baten",
    "safety": "veiligheid",
    "safe": "veilig",
    "neighbourhood": "buurt",
    "neighborhood": "buurt",
    "district": "wijk",
    "housing": "woonoverlast",
    "homes": "woningen",
    "police": "politie",
    "mayor": "burgemeester",
    "priorities": "speerpunten",
    "partners": "partners",
    "new": "nieuwe",
    "eve": "jaarwisseling",
    "reintegration": "re-integratie",
    "detention": "detentiejongeren",
    "shows": "lasershows",
    "show": "lasershow",
    "party": "jongerenfeest",
    "grade": "rapportcijfer",
    "municipal": "gemeentelijke",
    "property": "eigendommen",
    "paving": "verharding",
    "pavement": "verharding",
    "litter": "afvalbakken",
    "themes": "themas",
    "exchange": "uitwisseling",
    "evaluation": "eindevaluatie",
    "trajectories": "trajecten",
    "started": "gestart",
    "finished": "afgesloten",
    "completed": "afgerond",
    "closed": "afgerond",
    "approach": "aanpak",
    "registered": "geregistreerd",
    "increase": "stijging",
    "rise": "stijging",
    "percentage": "procent",
    "financed": "gefinancierd",
    "funded": "gefinancierd",
    "trainings": "trainingen",
    "training": "training",
    "municipalities": "gemeenten",
    "cooperate": "samen",
    "population": "bevolkingszorg",
    "care": "zorg",
    "july": "juli",
    "january": "januari",
    "resilience": "weerbaarheid",
    "online": "online",
    "houses": "woningen",
    "closure": "sluiting",
    "closures": "sluiting",
    "drugs": "drugs",
    "vehicles": "voertuigen",
    "vehicle": "voertuigen",
    "parked": "foutgeparkeerde",
    "parking": "parkeerproblematiek",
    "bicycles": "fietsen",
    "bicycle": "fietsen",
    "bikes": "fietsen",
    "bike": "fietsen",
    "mopeds": "brommers",
    "paid": "gefinancierd",
    "pays": "gefinancierd",
    "planned": "gepland",
    "sandbags": "zand",
    "sandbag": "zand",
    "sealed": "verzegelde",
    "premises": "panden",
    "dogs": "honden",
    "prosecutor": "ministerie",
    "prosecution": "ministerie",
    "polarisation": "polarisatie",
    "polarization": "polarisatie",
    "disinformation": "desinformatie",
    "detainees": "gedetineerden",
    "prisoners": "gedetineerden",
    "knife": "mes",
    "knives": "mes",
    "firearm": "vuurwapen",
    "gun": "vuurwapen",
    "guns": "vuurwapen",
    "anonymous": "anoniem",
    "laundering": "witwassen",
    "money": "witwassen",
    "exploitation": "uitbuiting",
    "trafficking": "mensenhandel",
    "communication": "crisiscommunicatie",
    "noise": "geluidsoverlast",
    "neighbours": "buren",
    "neighbors": "buren",
    "hoarding": "verzamelwoede",
    "pets": "huisdieren",
    "ongoing": "lopende",
    "rental": "huurwoningen",
    "target": "doel",
    "achieved": "gehaald",
    "met": "gehaald",
    "expenses": "lasten",
    "balance": "saldo",
    "reserves": "reserves",
    "visits": "huisbezoeken",
    "returnees": "terugkeerders",
    "threat": "dreigingsbeeld",
    "terrorism": "terrorisme",
    "debates": "opvoeddebatten",
    "parents": "oudergroepen",
    "schools": "scholenaanpak",
    "alcohol": "alcoholwet",
    "licences": "exploitatievergunningen",
    "licenses": "exploitatievergunningen",
    "shoplifting": "winkeldiefstal",
    "vandalism": "vandalisme",
    "violent": "geweldsincidenten",
    "incidents": "geweldsincidenten",
    "festival": "ondermijningsfestival",
    "employers": "ondernemers",
    "entrepreneurs": "ondernemers",
    "industrial": "bedrijventerreinen",
    "estates": "bedrijventerreinen",
    "warnings": "waarschuwingen",
    "score": "rapportcijfer",
    "rating": "rapportcijfer",
}

# Everyday names for what the report calls otherwise; applied to questions only.
PHRASES_NL = {
    "oud en nieuw": "jaarwisseling",
    "oud & nieuw": "jaarwisseling",
    "oudjaar": "jaarwisseling",
    "oudejaarsavond": "jaarwisseling",
    "oudejaarsnacht": "jaarwisseling",
    "nieuwjaarsnacht": "jaarwisseling",
    "new year's eve": "jaarwisseling",
    "new years eve": "jaarwisseling",
    "politieagent": "politie",
    "politieagenten": "politie",
    "agenten": "politie",
    "handhavers": "handhaving",
    "inbraak": "woninginbraken",
}
_PHRASE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(PHRASES_NL, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def rewrite_phrases(text: str) -> str:
    """Replace everyday phrases by the report's own word: "oud en nieuw" -> "jaarwisseling"."""
    return _PHRASE.sub(lambda m: PHRASES_NL[m.group(1).lower()], text)


_stemmer = Stemmer.Stemmer("dutch_porter")


def fold(text: str) -> str:
    """Lower case without diacritics: "Casuïstiek" -> "casuistiek"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded word tokens, numbers kept whole ("13.939", "30,8")."""
    return _TOKEN.findall(re.sub(r"['’‘`]", "", fold(text)))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The `dutch_porter` stem of a folded word."""
    return str(_stemmer.stemWord(word))


_NOT_A_NOUN = re.compile(
    # adjectives: buitenlandse, verstandig, duidelijke, praktische, haalbare
    r"(?:[^aeiou]se|ige?|lijke?|ische?|bare?)$|"
    # past participles: afgehandeld, beeindigd, uitgewisseld, gecontroleerd
    r"^(?:(?:af|aan|op|uit|in|mee|toe|door|over|terug)?ge|be|ver|ont|her)\w+[dt]$"
)


def could_be_noun(word: str) -> bool:
    """A rough guess without a tagger: short particles, adjectives and participles are not.

    Used to judge unknown words: a noun the report never uses ("bushokjes") means the
    question is about something else; an unknown verb form or adjective does not.
    """
    return len(word) > 3 and not _NOT_A_NOUN.search(word)


def is_stopword(word: str) -> bool:
    """True for function words of Dutch or English."""
    return word in STOPWORDS_NL or word in STOPWORDS_EN


class Lexicon:
    """The vocabulary of the indexed text: splits compounds and corrects typos against it."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.vocabulary: frozenset[str] = frozenset(w for t in texts for w in words(t))
        self._parts = sorted(
            (w for w in self.vocabulary if len(w) >= MIN_COMPOUND_PART and w.isalpha()),
            key=len,
            reverse=True,
        )
        self._stems = frozenset(
            t for w in self.vocabulary for t in self._word_terms(w, query=False)
        )
        self._by_first: dict[str, list[str]] = {}
        for w in self.vocabulary:
            if w.isalpha() and len(w) >= MIN_COMPOUND_PART:
                self._by_first.setdefault(w[0], []).append(w)

    @lru_cache(maxsize=20_000)  # noqa: B019  (one Lexicon per process; bounded)
    def compound_parts(self, word: str) -> tuple[tuple[str, float], ...]:
        """Known words inside a compound, with how much each stands for the whole.

        The head (last part) carries the meaning: "woninginbraken" is a kind of "inbraken"
        (0.8); the modifier only narrows it: "fietsendiefstallen" is no kind of "fietsen" (0.3).
        """
        if len(word) < 2 * MIN_COMPOUND_PART or not word.isalpha():
            return ()
        parts: dict[str, float] = {}
        for part in self._parts:
            if part == word or len(part) > len(word) - MIN_COMPOUND_PART + 1:
                continue
            if word.endswith(part) and len(part) >= MIN_COMPOUND_PART + 1:
                modifier = word[: -len(part)]
                known = {modifier, modifier[:-1]} & self.vocabulary
                # "verkeers|ongevallen" is no split: the modifier must be a word too.
                if not known and len(modifier) < 3:
                    continue
                parts[part] = HEAD_PART if known else UNKNOWN_MODIFIER_HEAD
                for m in known:
                    if len(m) >= MIN_COMPOUND_PART - 1:
                        parts.setdefault(m, MODIFIER_PART)
                break
        for part in self._parts:
            if part != word and word.startswith(part) and len(word) - len(part) >= 3:
                parts.setdefault(part, MODIFIER_PART)
                break
        return tuple(parts.items())

    @lru_cache(maxsize=20_000)  # noqa: B019
    def compounds_with(self, word: str) -> tuple[str, ...]:
        """Vocabulary compounds holding an unknown word: "inbraken" -> "woninginbraken"."""
        if word in self.vocabulary or len(word) < MIN_COMPOUND_PART + 1 or not word.isalpha():
            return ()
        return tuple(
            sorted(
                w
                for w in self._parts
                if (w.endswith(word) or w.startswith(word)) and len(w) > len(word) + 2
            )
        )

    @lru_cache(maxsize=20_000)  # noqa: B019
    def correct(self, word: str) -> str:
        """The vocabulary word a typo most likely means, or the word itself."""
        if word in self.vocabulary or len(word) < 5 or not word.isalpha():
            return word
        candidates = self._by_first.get(word[0], [])
        match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.84)
        return match[0] if match else word

    def is_known(self, concept: dict[str, float]) -> bool:
        """True when a concept (or a compound it lives in) occurs in the indexed text.

        A head found only by splitting at an unknown modifier ("verkeers|ongevallen")
        does not count: that split is a guess.
        """
        return any(t in self._stems and w != UNKNOWN_MODIFIER_HEAD for t, w in concept.items())

    def unknown_words(self, text: str) -> list[str]:
        """Content words of a Dutch question that the report never uses, not even inside
        a compound: "bushokjes", "Palenstein", "drugsdelicten" (the report has "drugs", but
        no "delicten"). A word that lives inside a report compound ("alcohol" in
        "Alcoholwet") is known; typos are corrected first."""
        unknown = []
        for word in words(text):
            if is_stopword(word) or _YEAR.fullmatch(word) or not word.isalpha():
                continue
            word = self.correct(word)
            if word in self.vocabulary or stem(word) in self._stems or self.compounds_with(word):
                continue
            if self.verb_forms(word):
                continue
            if word.startswith("ge") and stem(word[2:]) in self._stems:
                continue
            if not could_be_noun(word):
                continue
            heads = [p for p, w in self.compound_parts(word) if w == HEAD_PART]
            generic = next((h for h in GENERIC_HEADS if word.endswith(h)), None)
            modifier = word[: -len(generic)].rstrip("s") if generic else ""
            if not heads and not (modifier and stem(modifier) in self._stems):
                unknown.append(word)
        return unknown

    def concepts(self, text: str, *, correct: bool = True) -> list[dict[str, float]]:
        """A question's content words, each as the stems that may stand for it, weighted.

        "zandzakken" is one concept that "zandzak" (1.0), "zak" (0.8) or "zand" (0.3) can
        satisfy, so a compound does not weigh three times as much as a simple word. Years
        are left out: nearly every sentence of an annual report names one.
        """
        return [
            self._word_terms(word, query=True, correct=correct)
            for word in words(text)
            if not is_stopword(word) and not _YEAR.fullmatch(word)
        ]

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        """Index terms: stems of content words plus stems of their compound parts.

        For a query, English domain words are translated and typos corrected first.
        """
        return [
            t
            for word in words(text)
            if not is_stopword(word)
            for t in self._word_terms(word, query)
        ]

    def verb_forms(self, word: str) -> tuple[str, ...]:
        """Infinitives a present-tense verb may stand for: "daalt" -> "dalen"."""
        if not (word.endswith("t") and len(word) > 4) or word in self.vocabulary:
            return ()
        root = word[:-1]
        undoubled = re.sub(r"([aeou])\1(?=[^aeiou]$)", r"\1", root)
        forms = {root + "en", undoubled + "en", root + "n"}
        return tuple(sorted(f for f in forms if stem(f) in self._stems))

    def _word_terms(self, word: str, query: bool, correct: bool = True) -> dict[str, float]:
        out: dict[str, float] = {}
        if query:
            if word not in self.vocabulary:
                word = EN_TO_NL.get(word, word)
            for form in self.verb_forms(word):
                out[stem(form)] = 1.0
            wholes = self.compounds_with(word)
            out.update((stem(w), HEAD_PART if w.endswith(word) else MODIFIER_PART) for w in wholes)
            word = word if wholes or not correct else self.correct(word)
        out[stem(word)] = 1.0
        for part, weight in self.compound_parts(word):
            out.setdefault(stem(part), weight)
        if word.startswith("ge") and len(word) > 6:
            # Past participles: "gekregen" also matches "kregen", "gecontroleerd" "controleerd".
            out.setdefault(stem(word[2:]), 1.0)
        return out
