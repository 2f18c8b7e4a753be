"""Map a Dutch or English question onto table dimensions, deterministically.

The vocabulary comes from two places: the tables themselves (wijk names, doelstelling
codes and names, year-table titles) and the fixed wording people use for the same things
("sociale huur" → corporatie, "afgesloten" → afgerond, "kosten" → lasten). Typos are
caught by `difflib` against that vocabulary. No model is involved, so the same question
always gives the same `TableQuery`.

Relative years: the report is read after its year is over, so "vorig jaar"/"last year"
and "dit jaar"/"this year" mean the report year (2024 for the 2024 report, as the report
itself uses "vorig jaar"); "het jaar ervoor"/"the year before" means the year before it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from ingest.tables import TOTAL, Table

Operation = Literal["value", "max", "min", "top", "diff", "share", "target", "filter", "explain"]
Comparison = Literal[">", "<", "=", ">=", "<="]

CROSS_TOPIC = "cross"
MONEY_TOPIC = "money"
FUZZY_CUTOFF = 0.84
MIN_FUZZY_CHARS = 5

# (phrases, dimension, values). Phrases are normalised (lower case, no accents).
_TERMS: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
    (
        (
            "particuliere verhuurders",
            "particuliere verhuurder",
            "particuliere verhuur",
            "particuliere huurwoningen",
            "particuliere huurwoning",
            "particuliere huur",
            "particulier verhuurde woningen",
            "private landlords",
            "private landlord",
            "private rental",
            "private rentals",
            "privately rented homes",
            "privately rented",
            "private rented",
            "particulieren",
            "particuliere",
            "particulier",
            "private",
        ),
        "eigendom",
        ("particulier",),
    ),
    (
        (
            "sociale huurwoningen",
            "sociale huurwoning",
            "sociale huur",
            "woningcorporaties",
            "woningcorporatie",
            "corporatiewoningen",
            "corporatiewoning",
            "woningbouwverenigingen",
            "woningbouwvereniging",
            "housing associations",
            "housing association",
            "housing corporations",
            "housing corporation",
            "social housing",
            "social rent",
            "corporaties",
            "corporatie",
        ),
        "eigendom",
        ("corporatie",),
    ),
    (
        (
            "eigenaar-bewoners",
            "eigenaar bewoners",
            "eigenaarbewoners",
            "eigenaar-bewoner",
            "eigen woning",
            "eigen woningen",
            "huiseigenaren",
            "eigenaren",
            "koopwoningen",
            "koopwoning",
            "koophuizen",
            "koophuis",
            "owner-occupied homes",
            "owner-occupied",
            "owner occupied",
            "owner-occupiers",
            "homeowners",
            "home owners",
            "koop",
        ),
        "eigendom",
        ("koop",),
    ),
    (
        ("huurwoningen", "huurwoning", "huurhuizen", "huurders", "rental homes", "rented homes"),
        "eigendom",
        ("corporatie", "particulier"),
    ),
    (
        (
            "nog open",
            "in behandeling",
            "still open",
            "openstaande",
            "openstaand",
            "onderhanden",
            "lopende",
            "lopend",
            "liepen",
            "lopen",
            "loopt",
            "liep",
            "ongoing",
            "pending",
            "active",
            "running",
            "open",
        ),
        "status",
        ("lopend",),
    ),
    (
        (
            "afgeronde",
            "afgerond",
            "afgesloten",
            "gesloten",
            "afgehandelde",
            "afgehandeld",
            "beeindigde",
            "beeindigd",
            "opgeloste",
            "opgelost",
            "klaar",
            "closed",
            "completed",
            "finished",
            "resolved",
            "concluded",
        ),
        "status",
        ("afgerond",),
    ),
    (
        (
            "begroting",
            "begroot",
            "begrote",
            "streefwaarde",
            "streefcijfer",
            "doel",
            "norm",
            "target",
            "budget",
            "budgeted",
            "planned",
            "gepland",
            "beoogd",
            "verwacht",
        ),
        "type",
        ("begroting",),
    ),
    (
        (
            "realisatie",
            "gerealiseerd",
            "gerealiseerde",
            "werkelijk",
            "werkelijke",
            "feitelijk",
            "daadwerkelijk",
            "gemeten",
            "actual",
            "actually",
            "realised",
            "realized",
            "outcome",
        ),
        "type",
        ("realisatie",),
    ),
    (
        (
            "toevoegingen aan reserves",
            "toevoegingen aan de reserves",
            "toevoeging aan reserves",
            "added to reserves",
            "additions to reserves",
            "toevoegingen",
            "toevoeging",
            "toegevoegd",
            "additions",
        ),
        "kolom",
        ("toevoegingen",),
    ),
    (
        (
            "onttrekkingen aan reserves",
            "onttrekkingen",
            "onttrekking",
            "onttrokken",
            "withdrawals from reserves",
            "withdrawals",
            "withdrawn",
        ),
        "kolom",
        ("onttrekkingen",),
    ),
    (
        (
            "lasten",
            "kosten",
            "kostte",
            "kostten",
            "gekost",
            "uitgaven",
            "uitgegeven",
            "besteed",
            "bestedingen",
            "expenses",
            "expenditure",
            "costs",
            "cost",
            "spent",
            "spending",
            "spend",
        ),
        "kolom",
        ("lasten",),
    ),
    (
        (
            "baten",
            "inkomsten",
            "opbrengsten",
            "opbrengst",
            "ontvangsten",
            "income",
            "revenues",
            "revenue",
            "earnings",
            "receipts",
        ),
        "kolom",
        ("baten",),
    ),
    (("saldo", "netto", "balance", "net result", "net"), "kolom", ("saldo",)),
    (
        (
            "het hele programma",
            "hele programma",
            "totaal programma",
            "programma totaal",
            "whole programme",
            "whole program",
            "programma",
            "programme",
            "program",
        ),
        "doelstelling",
        (TOTAL,),
    ),
]

_CASE_WORDS = (
    "casussen",
    "casus",
    "casuistiek",
    "zaken",
    "zaak",
    "dossiers",
    "dossier",
    "cases",
    "case",
    "meldingen woonoverlast",
)
_CROSS_ANCHORS = (
    "woonoverlast",
    "overlastcasussen",
    "housing nuisance",
    "residential nuisance",
    "neighbour nuisance",
    "neighbor nuisance",
    "nuisance",
    "overlast",
)
# Words that belong to text-only subjects: with one of these and no explicit table
# anchor, the question goes to the text route.
_BLOCKERS = (
    "ondermijning",
    "handhaving",
    "handhavers",
    "boa",
    "meldingen",
    "melding",
    "pga",
    "jongeren",
    "jeugd",
    "jeugdgroep",
    "ipta",
    "rio",
    "huiselijk",
    "geweld",
    "huisverbod",
    "huisverboden",
    "gebiedsverbod",
    "gebiedsverboden",
    "schade",
    "afvalbakken",
    "jaarwisseling",
    "vuurwerk",
    "camera",
    "cameras",
    "cameratoezicht",
    "training",
    "trainingen",
    "professionals",
    "signalen",
    "controles",
    "bedrijven",
    "ondernemingen",
    "vouchers",
    "lasershow",
    "toeschouwers",
    "bezoekers",
    "extremisme",
    "radicalisering",
    "prostitutie",
    "politieregistraties",
    "detentiejongeren",
    "undermining",
    "enforcement",
    "damage",
    "fireworks",
    "domestic",
    "violence",
    "young people",
    "youth",
)
# Long words of money questions that name no item of their own.
_GENERIC_WORDS = {
    "gemeente",
    "zoetermeer",
    "ongeveer",
    "precies",
    "jaarverslag",
    "jaarrekening",
    "verslag",
    "inwoners",
    "veiligheid",
    "uitgegeven",
    "ontvangen",
    "municipality",
    "approximately",
    "exactly",
    "report",
    "safety",
    "totale",
    "hoeveelheid",
    "doelstelling",
    "doelstellingen",
    "objective",
    "objectives",
}
# Comparatives of "veilig" are one letter from "veilig" itself, which names no table:
# matched as written, never as a typo.
_EXACT_ONLY = {"veiliger", "veiligst", "onveiliger", "onveiligst", "safer", "safest"}
# Head words of year tables and what people call them.
_HEAD_SYNONYMS = {
    "woninginbraken": (
        "woninginbraken",
        "woninginbraak",
        "inbraken",
        "inbraak",
        "ingebroken",
        "burglaries",
        "burglary",
        "break-ins",
        "break ins",
        "breakins",
    ),
    "rapportcijfer": (
        "rapportcijfers",
        "rapportcijfer",
        "cijfer",
        "score",
        "grade",
        "rating",
        "veiligheidsgevoel",
        "hoe veilig",
        "feel safe",
        "feels safe",
        "voelen zich veilig",
        "veilig voelen",
        "veiliger",
        "veiligst",
        "onveiliger",
        "onveiligst",
        "safer",
        "safest",
    ),
}
_DISCRIMINATOR_SYNONYMS = {
    "buurt": ("buurt", "buurten", "wijk", "wijken", "neighbourhood", "neighborhood"),
    "zoetermeer": ("zoetermeer", "stad", "city", "town", "gemeente", "municipality"),
    "stad": ("stad", "zoetermeer", "city", "town", "gemeente", "municipality"),
}
_GENERIC_TITLE_WORDS = {
    "aantal",
    "per",
    "jaar",
    "realisatie",
    "gemiddeld",
    "gemiddelde",
    "voor",
    "de",
    "het",
    "in",
    "van",
    "een",
    "veiligheid",
    "type",
    "totaal",
    "tabel",
}
_STOPWORDS = {
    "de",
    "het",
    "een",
    "en",
    "in",
    "van",
    "bij",
    "op",
    "aan",
    "voor",
    "met",
    "was",
    "waren",
    "is",
    "zijn",
    "er",
    "hoeveel",
    "wat",
    "welke",
    "welk",
    "the",
    "and",
    "of",
    "how",
    "many",
    "much",
    "what",
    "which",
    "were",
    "there",
    "dan",
    "die",
    "dat",
    "had",
    "heeft",
    "hadden",
}
_MAX_WORDS = (
    "meeste",
    "hoogste",
    "grootste",
    "meest",
    "veiligst",
    "most",
    "highest",
    "largest",
    "biggest",
    "safest",
)
_MIN_WORDS = (
    "minste",
    "laagste",
    "kleinste",
    "onveiligst",
    "fewest",
    "least",
    "lowest",
    "smallest",
)
_TARGET_PHRASES = (
    "doel gehaald",
    "doel behaald",
    "doel bereikt",
    "doelstelling gehaald",
    "doelstelling behaald",
    "streefwaarde gehaald",
    "streefwaarde behaald",
    "target met",
    "target achieved",
    "target reached",
    "meet the target",
    "met the target",
    "reach the target",
    "achieve the target",
    "on target",
    "gehaald",
    "behaald",
    "bereikt",
)
_SHARE_PHRASES = (
    "percentage",
    "procent",
    "%",
    "aandeel",
    "welk deel",
    "deel van",
    "share",
    "proportion",
    "percent",
    "fraction",
)
_DIFF_PHRASES = (
    "veiliger",
    "onveiliger",
    "safer",
    "less safe",
    "scheelt",
    "scheelde",
    "schelen",
    "verschil",
    "verschilde",
    "verschillen",
    "difference",
    "differ",
    "hoeveel lager",
    "hoeveel hoger",
    "hoeveel meer",
    "hoeveel minder",
    "how much lower",
    "how much higher",
    "how many more",
    "how many fewer",
    "how much more",
    "how much less",
    "lower than",
    "higher than",
    "more than",
    "fewer than",
    "less than",
    "lager dan",
    "hoger dan",
    "meer dan",
    "minder dan",
    "ten opzichte van",
    "vergeleken",
    "compared",
    "versus",
    "vs",
)
_CHANGE_PHRASES = (
    "gestegen",
    "gedaald",
    "stijging",
    "daling",
    "toename",
    "afname",
    "toegenomen",
    "afgenomen",
    "veranderd",
    "verandering",
    "ontwikkeling",
    "change",
    "changed",
    "increase",
    "increased",
    "decrease",
    "decreased",
    "rose",
    "fell",
    "dropped",
)
_SUM_PHRASES = (
    "in totaal",
    "totaal",
    "samen",
    "opgeteld",
    "alle",
    "allemaal",
    "total",
    "together",
    "altogether",
    "combined",
    "all",
)
_GROUP_PHRASES: list[tuple[tuple[str, ...], str]] = [
    (
        (
            "welke wijk",
            "welke wijken",
            "per wijk",
            "wijk met",
            "wijken met",
            "which neighbourhood",
            "which neighbourhoods",
            "which neighborhood",
            "which neighborhoods",
            "which district",
            "which districts",
            "which area",
            "which areas",
            "per neighbourhood",
            "neighbourhoods with",
            "wijken",
        ),
        "wijk",
    ),
    (
        (
            "welk type woning",
            "welke woningsoort",
            "welk woningtype",
            "welke soort woning",
            "welke eigendom",
            "welk eigendom",
            "welke eigendomsvorm",
            "per woningtype",
            "per eigendom",
            "which type of home",
            "which type of housing",
            "which housing type",
            "which tenure",
        ),
        "eigendom",
    ),
    (
        (
            "welke doelstelling",
            "welke doelstellingen",
            "per doelstelling",
            "which goal",
            "which goals",
            "which objective",
            "which objectives",
        ),
        "doelstelling",
    ),
    (("welk jaar", "which year"), "jaar"),
]
_NUMBER_WORDS = {
    "een": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
}
_ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "first": 1, "second": 2, "third": 3}
_PERIOD_WORDS = (
    "per maand",
    "maandelijks",
    "per kwartaal",
    "kwartaal",
    "per week",
    "wekelijks",
    "per dag",
    "monthly",
    "per month",
    "quarter",
    "quarterly",
    "weekly",
    "januari",
    "februari",
    "maart",
    "april",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "january",
    "february",
    "march",
    "june",
    "july",
    "august",
    "october",
)
_FOLLOWUP_STARTS = (
    "en ",
    "and ",
    "wat over",
    "what about",
    "how about",
    "hoe zit het met",
    "hoe zat het met",
    "idem",
    "ook ",
    "same for",
    "en wat",
)
_RELATIVE_YEARS = (
    (
        ("het jaar ervoor", "het jaar daarvoor", "een jaar eerder", "jaar ervoor", "jaar daarvoor"),
        -1,
    ),
    (("the year before", "previous year", "a year earlier", "year before"), -1),
    (("vorig jaar", "vorige jaar", "afgelopen jaar", "last year", "past year"), 0),
    (("dit jaar", "this year"), 0),
)
# "Welke kosten…", "wat voor woonoverlast…": these ask what kind, not how much.
_KIND_PHRASES = (
    "wat voor",
    "welk soort",
    "welke soort",
    "welke soorten",
    "welke vormen",
    "welke vorm",
    "what kind of",
    "what kinds of",
    "what sort of",
    "what sorts of",
    "what type of",
    "what types of",
    "which kind of",
    "which kinds of",
)
_KIND_OF_MEASURE = re.compile(
    r" (?:welke|which|what) (?:kosten|lasten|uitgaven|bestedingen|baten|inkomsten|opbrengsten"
    r"|costs|expenses|expenditure|income|revenues) "
)
# Quantity words that keep a "welke kosten"-question a figure question.
_AMOUNT_PHRASES = (
    "hoeveel",
    "hoe hoog",
    "hoe groot",
    "bedrag",
    "bedragen",
    "how much",
    "how many",
    "how high",
    "amount",
)
# Things a question can ask about a table subject that are no figure of any table.
_NON_FIGURE_WORDS = (
    "telefoonnummer",
    "telefoon",
    "nummer bellen",
    "bellen",
    "adres",
    "e mail",
    "email",
    "mailadres",
    "website",
    "contactgegevens",
    "contact opnemen",
    "bereikbaar",
    "bereiken",
    "openingstijden",
    "wie",
    "waar kan ik",
    "hoe kan ik",
    "hoe meld ik",
    "phone",
    "phone number",
    "address",
    "contact",
    "who",
    "where can i",
    "how can i",
    "how do i",
)
# Words that make a question about the cross table ask for a figure.
_FIGURE_CUES = (
    "hoeveel",
    "aantal",
    "aantallen",
    "totaal",
    "totale",
    "cijfer",
    "cijfers",
    "getal",
    "getallen",
    "tabel",
    "how many",
    "how much",
    "number",
    "numbers",
    "figure",
    "figures",
    "total",
    "count",
)
# "Waar komt dat saldo door?": the parts a money figure is made of.
_EXPLAIN_PHRASES = (
    "waar komt",
    "waar kwam",
    "hoe komt",
    "hoe kwam",
    "waardoor",
    "waarom",
    "verklaring",
    "verklaart",
    "opgebouwd",
    "opbouw",
    "samenstelling",
    "bestaat uit",
    "why",
    "how come",
    "explain",
    "explains",
    "made up",
    "composed",
)
# Words pointing back at the previous answer ("dat saldo", "daarvan").
_ANAPHORA = (
    "dat",
    "die",
    "deze",
    "dit",
    "daarvan",
    "ervan",
    "hiervan",
    "daarbij",
    "that",
    "this",
    "those",
    "these",
    "them",
    "it",
)
# "Meer woonoverlastcasussen dan …", "fewer cases in Noordhove than …": a comparison.
_MORE_THAN = re.compile(
    r" (?:meer|minder|hoger|lager|groter|kleiner|more|fewer|less|higher|lower|larger|smaller)"
    r" (?:[a-z]+ ){1,4}(?:dan|than) "
)
# "Onder de begroting", "above target": the gap between realisation and budget.
_BUDGET_GAP = re.compile(
    r" (?:onder|boven|beneden|below|under|above|over|within|binnen) (?:de |het |the )?"
    r"(?:begroting|begrote|streefwaarde|streefcijfer|doel|norm|target|budget)"
)
# Selections over a group: "welke wijken hadden geen …", "welke doelstelling had een positief …".
_SIGN_PREDICATES: tuple[tuple[tuple[str, ...], Comparison], ...] = (
    (("positief", "positieve", "positive", "boven nul", "above zero", "overschot"), ">"),
    (("negatief", "negatieve", "negative", "onder nul", "below zero", "tekort"), "<"),
    (("geen", "nul", "zero", "none", "no"), "="),
)
_THRESHOLD = re.compile(
    r" (?P<op>meer dan|minder dan|hoger dan|lager dan|boven de|onder de|boven|onder|"
    r"minstens|ten minste|tenminste|minimaal|maximaal|hooguit|ten hoogste|"
    r"more than|fewer than|less than|higher than|lower than|above|below|over|under|"
    r"at least|at most) (?P<n>\d+(?:[.,]\d+)?) "
)
_THRESHOLD_OPS: dict[str, Comparison] = {
    "meer dan": ">",
    "hoger dan": ">",
    "boven de": ">",
    "boven": ">",
    "more than": ">",
    "higher than": ">",
    "above": ">",
    "over": ">",
    "minder dan": "<",
    "lager dan": "<",
    "onder de": "<",
    "onder": "<",
    "fewer than": "<",
    "less than": "<",
    "lower than": "<",
    "below": "<",
    "under": "<",
    "minstens": ">=",
    "ten minste": ">=",
    "tenminste": ">=",
    "minimaal": ">=",
    "at least": ">=",
    "maximaal": "<=",
    "hooguit": "<=",
    "ten hoogste": "<=",
    "at most": "<=",
}
# Case nouns that Dutch glues to a table word: "woonoverlastcasussen", "corporatiezaken".
_CASE_SUFFIXES = ("casussen", "casuistiek", "casus", "zaken", "dossiers", "dossier")
# Other wijken and buurten of the municipality: named in a question, they are places
# the tables do not list (the tables' own wijken are taken from the tables).
_OTHER_PLACES = (
    "driemanspolder",
    "palenstein",
    "stadshart",
    "lansinghage",
    "bleizo",
    "oranjewijk",
    "oude dorp",
    "dorp",
)
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
_GOAL_CODE = re.compile(r"\b(\d+)\.(\d+)\b")
_GOAL_NUMBER = re.compile(r"\b(?:doelstelling|doel|goal|objective)\s+(\d+)\b")
_TABLE_REFERENCE = re.compile(r"\btabel\s+\d+(?:\.\d+)*")
_TOP = re.compile(r"\btop[\s-]*(\d+|een|twee|drie|vier|vijf|zes|zeven|acht|three|five|two|four)\b")
_UNKNOWN_PLACE = re.compile(
    r"\b(?:in|wijk|buurt|neighbourhood|neighborhood|district|dan|than|versus|vs)\s+"
    r"(?:de\s+|het\s+|the\s+)?"
    r"([A-Z][a-zà-ÿ]+(?:[-\s][A-Z][a-zà-ÿ]+)?)"
)


def normalise(text: str, keep_hyphens: bool = False) -> str:
    """Lower case, accents off, punctuation to spaces (keeping "5.2" and "%").

    Hyphens become spaces too, unless `keep_hyphens` keeps them inside words for
    `_split_compounds` to judge.
    """
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    text = re.sub(r"(?<=\d)[.,](?=\d)", "\x00", text)
    text = re.sub(r"[^a-z0-9%\x00\-]+", " ", text)
    text = re.sub(r"(?<![a-z])-|-(?![a-z])", " ", text)
    if not keep_hyphens:
        text = text.replace("-", " ")
    return " " + re.sub(r"\s+", " ", text.replace("\x00", ".")).strip() + " "


def _spaced(phrase: str) -> str:
    """A phrase as it appears in normalised text: hyphens are spaces there."""
    return f" {phrase.replace('-', ' ')} "


def _has(text: str, phrases: Iterable[str]) -> bool:
    return any(_spaced(p) in text for p in phrases)


def _split_compounds(text: str, vocab: _Vocabulary) -> str:
    """ "woonoverlastcasussen" → "woonoverlast casussen", "corporatiezaken" → "corporatie zaken".

    Any word ending in "casussen" is split (the noun is unambiguous); the shorter case
    nouns only after a known table word, so "rechtszaken" stays whole. A hyphen splits
    too ("woonoverlast-casussen", "housing-corporation"), except where an unknown word
    narrows a table subject into another one: "auto-inbraken" are no woninginbraken, so
    it is written as one word ("autoinbraken") that matches nothing.
    """
    known = vocab.compound_heads

    def hyphen(match: re.Match[str]) -> str:
        parts = match.group().split("-")
        out = parts[0]
        for part in parts[1:]:
            last = out.split()[-1]
            narrows = part in vocab.subject_words and last not in vocab.known_words
            out += part if narrows else f" {part}"
        return out

    text = re.sub(r"[a-z]+(?:-[a-z]+)+", hyphen, text)

    def split(match: re.Match[str]) -> str:
        word = match.group()
        for suffix in _CASE_SUFFIXES:
            head = word[: -len(suffix)]
            if head.endswith("s") and head not in known and len(head) > 5:
                head = head[:-1]  # the linking s: "ondermijningscasussen"
            known_head = suffix == "casussen" or head in known
            if word.endswith(suffix) and len(head) >= 4 and known_head:
                return f"{head} {suffix}"
        return word

    return re.sub(r"[a-z]+", split, text)


def _extends(word: str, known: str) -> bool:
    """A compound around a known word ("lesprogramma"), not a typo of it: another subject."""
    return len(word) - len(known) >= 2 and (word.endswith(known) or word.startswith(known))


def _predicate(text: str) -> tuple[Comparison, Decimal] | None:
    """The selection of a "which …" question: "meer dan 30" → (">", 30), "geen" → ("=", 0)."""
    match = _THRESHOLD.search(text)
    if match:
        return _THRESHOLD_OPS[match.group("op")], Decimal(match.group("n").replace(",", "."))
    for phrases, comparison in _SIGN_PREDICATES:
        if _has(text, phrases):
            return comparison, Decimal(0)
    return None


def _asks_no_figure(text: str, group_by: str | None) -> bool:
    """ "Welke kosten…", "wat voor overlast…", "het telefoonnummer van…": no table figure asked."""
    if _has(text, _NON_FIGURE_WORDS):
        return True
    if group_by is not None or _has(text, _AMOUNT_PHRASES):
        return False
    return _has(text, _KIND_PHRASES) or _KIND_OF_MEASURE.search(text) is not None


@dataclass(frozen=True)
class TableQuery:
    """What a question asks of the tables: which table(s), which cells, which operation."""

    topic: str  # CROSS_TOPIC, MONEY_TOPIC or a year table's id
    table_ids: tuple[str, ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    operation: Operation = "value"
    group_by: str | None = None
    top_n: int | None = None
    wants_sum: bool = False
    base_dims: tuple[str, ...] = ()  # for shares: dimensions that stay in the denominator
    unknown: tuple[tuple[str, str], ...] = ()  # (what, value) the tables do not have
    predicate: tuple[Comparison, Decimal] | None = None  # for "filter": keep value <op> n

    def values(self, dim: str) -> tuple[str, ...]:
        """The values asked for one dimension (empty when left open)."""
        return dict(self.filters).get(dim, ())

    def with_filter(self, dim: str, values: tuple[str, ...]) -> TableQuery:
        """A copy with one dimension set (or cleared with an empty tuple)."""
        kept = [(d, v) for d, v in self.filters if d != dim]
        if values:
            kept.append((dim, values))
        return replace(self, filters=tuple(sorted(kept)))


@dataclass(frozen=True)
class _Parsed:
    """One turn, read on its own; `topic` is None when it names no table subject."""

    topic: str | None
    table_ids: tuple[str, ...]
    filters: dict[str, tuple[str, ...]]
    operation: Operation | None
    group_by: str | None
    top_n: int | None
    wants_sum: bool
    base_dims: tuple[str, ...]
    unknown: tuple[tuple[str, str], ...]
    followup: bool
    blocked: bool
    words: int
    predicate: tuple[Comparison, Decimal] | None = None
    anaphora: bool = False
    text: str = ""


@dataclass
class _Vocabulary:
    """Everything the parser matches against, built once from the tables."""

    wijken: dict[str, str] = field(default_factory=dict)  # normalised variant → row key
    goals: dict[str, str] = field(default_factory=dict)  # code → row key
    goal_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code → words
    programme: str = ""
    year_tables: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    cross_ids: tuple[str, ...] = ()
    money_ids: tuple[str, ...] = ()
    report_year: int | None = None
    fuzzy: dict[str, tuple[str, str]] = field(default_factory=dict)  # word → (dim, value)
    compound_heads: set[str] = field(default_factory=set)  # words a case noun can follow
    subject_words: set[str] = field(default_factory=set)  # single words naming a table subject
    known_words: set[str] = field(default_factory=set)  # every single word the parser knows


def _stem(word: str) -> str:
    for suffix in ("en", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class QueryParser:
    """Turns questions (with earlier user turns) into `TableQuery` values for one table store."""

    def __init__(self, tables: Sequence[Table]) -> None:
        self.tables = {t.id: t for t in tables}
        self.vocab = self._build_vocabulary(tables)

    # -- vocabulary ---------------------------------------------------------------------
    def _build_vocabulary(self, tables: Sequence[Table]) -> _Vocabulary:
        vocab = _Vocabulary()
        years = [t.year for t in tables if t.year]
        vocab.report_year = max(years) if years else None
        cross, money = [], []
        heads: dict[str, list[Table]] = {}
        for table in tables:
            if table.kind == "financial_totals":
                money.append(table.id)
                self._add_goals(vocab, table)
            elif table.kind == "target_vs_realisation":
                words = [w for w in normalise(table.title).split() if not w.isdigit()]
                content = [w for w in words if w not in _GENERIC_TITLE_WORDS]
                head = content[0] if content else table.id
                heads.setdefault(head, []).append(table)
            else:
                cross.append(table.id)
                for row in table.rows:
                    if row.is_total:
                        continue
                    name = normalise(row.label).strip()
                    vocab.wijken[name] = row.key
                    parts = name.split()
                    if len(parts) > 1 and parts[0] in {"de", "het", "t"}:
                        vocab.wijken[" ".join(parts[1:])] = row.key
        for head, group in heads.items():
            for table in group:
                own = self._table_words(table)
                others = set().union(*(self._table_words(t) for t in group if t is not table))
                vocab.year_tables[table.id] = (head, tuple(sorted(own - others)))
        vocab.cross_ids, vocab.money_ids = tuple(cross), tuple(money)
        for phrases, dim, values in _TERMS:
            for phrase in phrases:
                if " " not in phrase and len(phrase) >= MIN_FUZZY_CHARS and len(values) == 1:
                    vocab.fuzzy.setdefault(phrase, (dim, values[0]))
        for name, key in vocab.wijken.items():
            if " " not in name:
                vocab.fuzzy[name] = ("wijk", key)
        for head, synonyms in _HEAD_SYNONYMS.items():
            for word in synonyms:
                if " " not in word and len(word) >= 7 and word not in _EXACT_ONLY:
                    vocab.fuzzy.setdefault(word, ("head", head))
        for word in ("woonoverlast",):
            vocab.fuzzy[word] = ("anchor", CROSS_TOPIC)
        single = [p for phrases, _, _ in _TERMS for p in phrases] + list(_CROSS_ANCHORS)
        single += [w for synonyms in _HEAD_SYNONYMS.values() for w in synonyms]
        vocab.compound_heads = {p for p in single if " " not in p and "-" not in p}
        subjects = [*_CROSS_ANCHORS, *(w for ws in _HEAD_SYNONYMS.values() for w in ws)]
        vocab.subject_words = {w for w in subjects if " " not in w}
        vocab.known_words = (
            vocab.compound_heads
            | _STOPWORDS
            | set(_CASE_WORDS)
            | {w for name in vocab.wijken for w in name.split()}
        )
        return vocab

    @staticmethod
    def _table_words(table: Table) -> set[str]:
        text = " ".join([table.title, *(n.text for n in table.notes if n.kind == "omschrijving")])
        return {w for w in normalise(text).split() if not w.isdigit() and len(w) > 3}

    @staticmethod
    def _add_goals(vocab: _Vocabulary, table: Table) -> None:
        labels = {row.key: normalise(row.label).split() for row in table.rows if not row.is_total}
        for key, words in labels.items():
            vocab.goals[key] = key
            others = {w for k, ws in labels.items() if k != key for w in ws}
            vocab.goal_words[key] = tuple(
                _stem(w)
                for w in words
                if w not in others and w not in _STOPWORDS and not re.match(r"^[\d.]+$", w)
            )
        codes = [k for k in labels if re.match(r"^\d+\.\d+$", k)]
        vocab.programme = codes[0].split(".")[0] if codes else ""

    # -- one turn -----------------------------------------------------------------------
    def _parse(self, question: str) -> _Parsed:
        vocab = self.vocab
        text = _split_compounds(normalise(question, keep_hyphens=True), vocab)
        filters: dict[str, list[str]] = {}
        positions: dict[str, int] = {}
        value_positions: dict[tuple[str, str], int] = {}

        def add(dim: str, values: Iterable[str], pos: int) -> None:
            bucket = filters.setdefault(dim, [])
            for value in values:
                if value not in bucket:
                    bucket.append(value)
                    value_positions[(dim, value)] = pos
            bucket.sort(key=lambda v: value_positions.get((dim, v), 0))
            positions[dim] = min(positions.get(dim, pos), pos)

        # Table references ("tabel 5.1") point at the cross table, not at a goal code.
        cross_hint = bool(_TABLE_REFERENCE.search(text))
        text = _TABLE_REFERENCE.sub(" ", text)
        blanked = text

        target = _has(text, _TARGET_PHRASES)
        if target:
            for phrase in _TARGET_PHRASES:
                blanked = blanked.replace(f" {phrase} ", " " * (len(phrase) + 2))

        anchors: set[str] = set()
        heads: set[str] = set()
        for head, synonyms in _HEAD_SYNONYMS.items():
            if _has(blanked, synonyms):
                heads.add(head)
        if _has(blanked, _CROSS_ANCHORS):
            anchors.add(CROSS_TOPIC)
        cases = _has(blanked, _CASE_WORDS)

        # Multi-word and single-word terms, longest first, each span used once.
        terms = sorted(
            ((p, dim, values) for phrases, dim, values in _TERMS for p in phrases),
            key=lambda item: -len(item[0]),
        )
        wijk_terms = sorted(vocab.wijken.items(), key=lambda item: -len(item[0]))
        for phrase, key in wijk_terms:
            for match in re.finditer(rf" {re.escape(phrase)} ", blanked):
                add("wijk", [key], match.start())
                blanked = (
                    blanked[: match.start()] + " " * len(match.group()) + blanked[match.end() :]
                )
        for match in _GOAL_CODE.finditer(blanked):
            code = f"{match.group(1)}.{match.group(2)}"
            if code in vocab.goals:
                add("doelstelling", [code], match.start())
        for match in _GOAL_NUMBER.finditer(blanked):
            code = f"{vocab.programme}.{match.group(1)}"
            if code in vocab.goals:
                add("doelstelling", [code], match.start())
        for word, number in _ORDINALS.items():
            code = f"{vocab.programme}.{number}"
            pattern = rf" {word} (doelstelling|doel|goal|objective) "
            if re.search(pattern, blanked) and code in vocab.goals:
                add("doelstelling", [code], blanked.find(f" {word} "))
        for phrase, dim, values in terms:
            for match in re.finditer(re.escape(_spaced(phrase)), blanked):
                if dim == "type" and target and phrase in ("doel", "target"):
                    continue
                add(dim, values, match.start())
                blanked = (
                    blanked[: match.start()] + " " * len(match.group()) + blanked[match.end() :]
                )

        # Typos: close matches of the remaining words against the vocabulary.
        for match in re.finditer(r"[a-z][a-z\-]+", blanked):
            word = match.group()
            if len(word) < MIN_FUZZY_CHARS or word in _STOPWORDS or word in _BLOCKERS:
                continue
            close = difflib.get_close_matches(word, list(vocab.fuzzy), n=1, cutoff=FUZZY_CUTOFF)
            if not close or _extends(word, close[0]):
                continue
            dim, value = vocab.fuzzy[close[0]]
            if dim == "head":
                heads.add(value)
            elif dim == "anchor":
                anchors.add(value)
            else:
                add(dim, [value], match.start())

        years = [m.group(1) for m in _YEAR.finditer(text)]
        if vocab.report_year:
            for phrases, offset in _RELATIVE_YEARS:
                for phrase in phrases:
                    if f" {phrase} " in text:
                        years.append(str(vocab.report_year + offset))
        if years:
            add("jaar", years, text.find(years[0]))

        unknown: list[tuple[str, str]] = []
        if _has(text, _PERIOD_WORDS):
            unknown.append(("periode", "maand"))
        known = set(vocab.wijken) | {"zoetermeer", "nederland", "totaal"}
        for match in _UNKNOWN_PLACE.finditer(question):
            name = match.group(1)
            normal = normalise(name).strip()
            if normal in known or normal in _STOPWORDS or normal in vocab.fuzzy:
                continue
            if difflib.get_close_matches(normal, list(vocab.wijken), n=1, cutoff=FUZZY_CUTOFF):
                continue
            if any(normal in phrases for phrases, _, _ in _TERMS):
                continue
            unknown.append(("wijk", name))
        named = {normalise(name).strip() for kind, name in unknown if kind == "wijk"}
        for place in _OTHER_PLACES:
            if _has(blanked, (place,)) and place not in vocab.wijken and place not in named:
                unknown.append(("wijk", place.title()))
                named.add(place)

        group_by = next((dim for phrases, dim in _GROUP_PHRASES if _has(text, phrases)), None)
        operation: Operation | None = None
        predicate = _predicate(text) if group_by else None
        top_n = None
        top = _TOP.search(text)
        if top:
            operation = "top"
            raw = top.group(1)
            top_n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 3)
        elif target:
            operation = "target"
        elif predicate is not None:
            operation = "filter"
        elif _has(text, _SHARE_PHRASES):
            operation = "share"
        elif _has(text, _EXPLAIN_PHRASES):
            operation = "explain"
        elif (
            _has(text, _DIFF_PHRASES)
            or _has(text, _CHANGE_PHRASES)
            or _BUDGET_GAP.search(text) is not None
            or _MORE_THAN.search(text) is not None
        ):
            operation = "diff"
        elif _has(text, _MAX_WORDS):
            operation = "max"
        elif _has(text, _MIN_WORDS):
            operation = "min"

        base_dims: tuple[str, ...] = ()
        if operation == "share":
            base_dims = self._share_base(text, filters)

        topic, table_ids = self._topic(
            heads, anchors, cases, cross_hint, filters, group_by, unknown, blanked
        )
        blocked = _has(text, _BLOCKERS)
        safety = _has(text, ("veilig", "veiligheid", "safe", "safety", "veiligheidsgevoel"))
        if blocked and topic is not None and not self._explicit(heads, anchors, filters, topic):
            topic, table_ids = None, ()
        year_topic = bool(table_ids) and all(t in vocab.year_tables for t in table_ids)
        if year_topic and blocked and not safety:
            topic, table_ids = None, ()
        pair = any(len(values) > 1 for values in filters.values())
        if blocked and operation == "diff" and not pair and not year_topic:
            # "Meer woonoverlast- dan ondermijningscasussen?": one side is a text-only figure.
            topic, table_ids = None, ()
        if topic == CROSS_TOPIC and not (
            filters
            or unknown
            or operation
            or group_by
            or cases
            or cross_hint
            or _has(text, _FIGURE_CUES)
        ):
            # "Wat doet het team Woonoverlast?": the subject of a table, but no figure asked.
            topic, table_ids = None, ()
        if _asks_no_figure(text, group_by):
            topic, table_ids, blocked = None, (), True
        if topic == MONEY_TOPIC:
            # Goal names ("veiligheid in de wijk") only mean a goal in a money question.
            self._goal_names(text, filters, positions)
            if "doelstelling" not in filters and group_by is None and self._other_item(blanked):
                # "Wat kostte de vernieling van de bedienzuil?": an item the tables do not
                # itemise, not the programme total.
                topic, table_ids = None, ()
        ordered = {d: tuple(filters[d]) for d in sorted(filters, key=lambda d: positions.get(d, 0))}
        return _Parsed(
            topic=topic,
            table_ids=table_ids,
            filters=ordered,
            operation=operation,
            group_by=group_by,
            top_n=top_n,
            wants_sum=_has(text, _SUM_PHRASES),
            base_dims=base_dims,
            unknown=tuple(unknown),
            followup=text.lstrip().startswith(_FOLLOWUP_STARTS) or text.strip() in {"en", "and"},
            blocked=blocked,
            words=len(text.split()),
            predicate=predicate,
            anaphora=_has(text, _ANAPHORA) and len(text.split()) <= 8,
            text=text,
        )

    def _other_item(self, blanked: str) -> bool:
        """Whether words the parser does not know name the subject (a long unknown noun)."""
        goal_words = {w for words in self.vocab.goal_words.values() for w in words}
        for word in blanked.split():
            if len(word) < 7 or word in self.vocab.known_words or word in _GENERIC_WORDS:
                continue
            if _stem(word) in goal_words or word in _BLOCKERS:
                continue
            return True
        return False

    def _goal_names(
        self, text: str, filters: dict[str, list[str]], positions: dict[str, int]
    ) -> None:
        if "doelstelling" in filters:
            return
        stems = {_stem(w) for w in text.split()}
        english = {"home": "woning", "homes": "woning", "neighbourhood": "wijk", "city": "stad"}
        stems |= {_stem(english[w]) for w in text.split() if w in english}
        hits = [code for code, words in self.vocab.goal_words.items() if stems & set(words)]
        if len(hits) == 1:
            filters["doelstelling"] = hits
            positions["doelstelling"] = 0
        if "wijk" in filters and len(hits) == 1:
            del filters["wijk"]

    def _share_base(self, text: str, filters: dict[str, list[str]]) -> tuple[str, ...]:
        """Dimensions named inside "percentage van de … (was|waren)" stay in the denominator."""
        match = re.search(
            r" (?:van|of) (?:de |alle |the |all )?(?P<base>.+?) "
            r"(?:was|waren|is|zijn|ging|gingen|betrof|betroffen|lag|lagen|kwam|kwamen|zat|zaten|"
            r"zit|zitten|viel|vielen|valt|vallen|hoorde|hoorden|were|are|went|fell|involved|"
            r"concerned|belonged) ",
            text,
        )
        if not match:
            return ()
        sub = self._parse_dims_only(match.group("base"))
        return tuple(d for d in sub if d in filters)

    def _parse_dims_only(self, fragment: str) -> set[str]:
        dims = set()
        fragment = f" {fragment.strip()} "
        for phrases, dim, _ in _TERMS:
            if _has(fragment, phrases):
                dims.add(dim)
        if any(f" {name} " in fragment for name in self.vocab.wijken):
            dims.add("wijk")
        if _YEAR.search(fragment):
            dims.add("jaar")
        if _GOAL_CODE.search(fragment):
            dims.add("doelstelling")
        return dims

    def _topic(
        self,
        heads: set[str],
        anchors: set[str],
        cases: bool,
        cross_hint: bool,
        filters: dict[str, list[str]],
        group_by: str | None,
        unknown: list[tuple[str, str]],
        blanked: str,
    ) -> tuple[str | None, tuple[str, ...]]:
        vocab = self.vocab
        if heads:
            candidates = [tid for tid, (head, _) in vocab.year_tables.items() if head in heads]
            chosen = self._discriminate(candidates, blanked)
            if chosen:
                return chosen[0] if len(chosen) == 1 else "|".join(chosen), tuple(chosen)
        money_dims = "kolom" in filters
        cross_dims = [d for d in ("wijk", "eigendom", "status") if d in filters]
        if money_dims and vocab.money_ids and (not cross_dims or "doelstelling" in filters):
            return MONEY_TOPIC, vocab.money_ids
        if not vocab.cross_ids:
            return None, ()
        unknown_place = any(kind == "wijk" for kind, _ in unknown)
        if (
            CROSS_TOPIC in anchors
            or cross_hint
            or (cases and (cross_dims or group_by == "wijk" or unknown_place))
            or len(cross_dims) >= 2
            or ("eigendom" in filters and group_by == "wijk")
        ):
            return CROSS_TOPIC, vocab.cross_ids
        if "doelstelling" in filters and vocab.money_ids and (cases is False):
            return MONEY_TOPIC, vocab.money_ids
        return None, ()

    def _discriminate(self, candidates: list[str], text: str) -> list[str]:
        """Pick the year table(s) whose distinguishing words the question uses."""
        if len(candidates) <= 1:
            return candidates
        return [tid for tid in candidates if self._names_table(tid, text)] or candidates

    def _names_table(self, table_id: str, text: str) -> bool:
        """Whether the text uses a word that sets this year table apart from its siblings."""
        words = self.vocab.year_tables[table_id][1]
        synonyms = {s for w in words for s in _DISCRIMINATOR_SYNONYMS.get(w, (w,))}
        return _has(text, synonyms)

    def _sibling(self, context: TableQuery, text: str) -> tuple[str, ...] | None:
        """ "En voor de stad?" after the buurt rating: the sibling year table(s) the text names."""
        ids = [t for t in context.table_ids if t in self.vocab.year_tables]
        if not ids:
            return None
        heads = {self.vocab.year_tables[t][0] for t in ids}
        family = [tid for tid, (head, _) in self.vocab.year_tables.items() if head in heads]
        if len(family) < 2:
            return None
        hits = tuple(tid for tid in family if self._names_table(tid, text))
        return hits if hits and set(hits) != set(ids) else None

    @staticmethod
    def _explicit(
        heads: set[str], anchors: set[str], filters: dict[str, list[str]], topic: str
    ) -> bool:
        """An explicit table subject, strong enough to outweigh a text-only word."""
        if topic == CROSS_TOPIC:
            return CROSS_TOPIC in anchors
        if topic == MONEY_TOPIC:
            return "doelstelling" in filters
        return bool(heads)

    # -- conversation -------------------------------------------------------------------
    def resolve(self, question: str, history: Sequence[str] = ()) -> TableQuery | None:
        """The query for `question`, carrying dimensions over from earlier table turns.

        Each earlier user turn (oldest first) either starts a new table context, refines
        the current one (a follow-up such as "En in De Leyens?"), or, when it is not a table
        question, ends it. A self-contained question never inherits anything.
        """
        context: TableQuery | None = None
        for turn in history:
            context = self._step(context, turn)
        query = self._step(context, question)
        if query is not None and query.operation == "explain" and query.topic != MONEY_TOPIC:
            # Why a count rose or fell is told in the text, not in a table.
            return None
        return query

    def _step(self, context: TableQuery | None, text: str) -> TableQuery | None:
        parsed = self._parse(text)
        if parsed.topic is not None:
            refers_back = parsed.followup or parsed.anaphora
            if context is not None and refers_back and parsed.topic == context.topic:
                return self._merge(context, parsed)
            return self._fresh(parsed)
        if parsed.blocked or context is None:
            return None
        sibling = self._sibling(context, parsed.text)
        if sibling is not None and (parsed.followup or parsed.words <= 6):
            topic = sibling[0] if len(sibling) == 1 else "|".join(sibling)
            return self._merge(replace(context, topic=topic, table_ids=sibling), parsed)
        has_dims = bool(parsed.filters or parsed.unknown or parsed.operation or parsed.group_by)
        if has_dims and (parsed.followup or parsed.words <= 6):
            return self._merge(context, parsed)
        return None

    def _fresh(self, parsed: _Parsed) -> TableQuery:
        return TableQuery(
            topic=parsed.topic or "",
            table_ids=parsed.table_ids,
            filters=tuple(sorted(parsed.filters.items())),
            operation=parsed.operation or "value",
            group_by=parsed.group_by,
            top_n=parsed.top_n,
            wants_sum=parsed.wants_sum,
            base_dims=parsed.base_dims,
            unknown=parsed.unknown,
            predicate=parsed.predicate,
        )

    def _merge(self, context: TableQuery, parsed: _Parsed) -> TableQuery:
        query = replace(context, unknown=parsed.unknown, wants_sum=parsed.wants_sum)
        for dim, values in parsed.filters.items():
            query = query.with_filter(dim, values)
        if parsed.operation is not None:
            query = replace(
                query,
                operation=parsed.operation,
                group_by=parsed.group_by or query.group_by,
                top_n=parsed.top_n,
                base_dims=parsed.base_dims,
                predicate=parsed.predicate,
            )
        elif query.group_by and query.group_by in parsed.filters:
            query = replace(query, operation="value", group_by=None, top_n=None)
        return query
