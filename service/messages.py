"""Every sentence the service says to a user, in plain Dutch (B1) and English.

Kept in one place so the wording can be reviewed for plain language without reading code.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]

REFUSAL_NOT_COVERED = {
    "nl": (
        "Daarover staat niets in het jaarverslag Veiligheid 2024 van Zoetermeer. "
        "Het verslag gaat wel over: {topics}."
    ),
    "en": (
        "The 2024 safety report of Zoetermeer does not say anything about this. "
        "It does cover: {topics}."
    ),
}
REFUSAL_OPINION = {
    "nl": (
        "Ik geef geen mening of advies. Ik zoek alleen feiten op in het jaarverslag "
        "Veiligheid 2024. U kunt wel vragen wat de gemeente in 2024 heeft gedaan, "
        "bijvoorbeeld aan {topics}."
    ),
    "en": (
        "I do not give opinions or advice. I only look up facts in the 2024 safety report. "
        "You can ask what the municipality did in 2024, for example about {topics}."
    ),
}
REFUSAL_OTHER_MUNICIPALITY = {
    "nl": ("Het jaarverslag gaat alleen over Zoetermeer. Over {place} staan er geen cijfers in."),
    "en": "The report is only about Zoetermeer. It has no figures for {place}.",
}
REFUSAL_ACTION = {
    "nl": (
        "Dat kan ik niet voor u doen. Ik beantwoord alleen vragen over het jaarverslag "
        "Veiligheid 2024. Voor een melding of een vraag aan de gemeente kijkt u op "
        "zoetermeer.nl of neemt u contact op met de gemeente."
    ),
    "en": (
        "I cannot do that for you. I only answer questions about the 2024 safety report. "
        "To report something or contact the municipality, please visit zoetermeer.nl."
    ),
}
REFUSAL_PERSON = {
    "nl": (
        "Het jaarverslag noemt geen namen van personen. Het beschrijft wat de gemeente "
        "en haar partners in 2024 hebben gedaan aan {topics}."
    ),
    "en": (
        "The report does not name people. It describes what the municipality and its "
        "partners did in 2024 about {topics}."
    ),
}
REFUSAL_NO_AMOUNT = {
    "nl": "Het jaarverslag noemt hiervan geen aantal. Wel staat er:",
    "en": "The report gives no number for this. It does say (in Dutch):",
}
REFUSAL_YEAR_NOT_STATED = {
    "nl": "Het jaarverslag noemt hierover geen cijfer voor {year}. Het gaat vooral over 2024.",
    "en": "The report gives no figure on this for {year}. It is mainly about 2024.",
}
REFUSAL_YEAR = {
    "nl": (
        "Het jaarverslag gaat over 2024 en geeft soms een vergelijking met 2023. "
        "Over {year} staat er niets in."
    ),
    "en": ("The report covers 2024, sometimes compared with 2023. It says nothing about {year}."),
}
TOPICS = {
    "nl": (
        "huiselijk geweld, woonoverlast, woninginbraken, handhaving, cameratoezicht, "
        "de jaarwisseling, jeugdgroepen, extremisme, ondermijning, crisisbeheersing "
        "en de kosten van het programma"
    ),
    "en": (
        "domestic violence, housing nuisance, burglaries, enforcement, camera surveillance, "
        "New Year's Eve, youth groups, extremism, organised crime, crisis management "
        "and the programme's costs"
    ),
}
TEXT_LEAD = {
    "nl": "Volgens het jaarverslag:",
    "en": "According to the report (quoted in Dutch):",
}
ABBREVIATION = {
    "nl": "{abbr} betekent: {meaning}.",
    "en": "{abbr} stands for: {meaning}.",
}
DERIVED_YEAR = {
    "nl": "Het jaarverslag noemt voor {year} geen getal, maar wel het verschil. Zo kunt u het "
    "uitrekenen: {calculation}.",
    "en": "The report gives no figure for {year}, but it gives the change. Worked out: "
    "{calculation}.",
}
CALCULATION = {
    "nl": "Berekening: {calculation}.",
    "en": "Calculation: {calculation}.",
}

# Calculations over figures in the text (service.arithmetic).
CALCULATION_TEXT: dict[str, dict[str, str]] = {
    "difference": {
        "nl": "{items} Dat is bij {first} {result} {more} dan bij {second}.",
        "en": "{items} That is {result} {more} for {first} than for {second}.",
    },
    "sum": {"nl": "{items} Samen is dat {result}.", "en": "{items} Together that is {result}."},
    "share": {
        "nl": "{items} Dat is {result} van het totaal.",
        "en": "{items} That is {result} of the total.",
    },
    "remainder": {
        "nl": "{items} Niet {part}: {result}.",
        "en": "{items} Not {part}: {result}.",
    },
    "change": {
        "nl": "{items} Dat is {result} {more} dan in {year}.",
        "en": "{items} That is {result} {more} than in {year}.",
    },
}
CALCULATION_MORE: dict[tuple[str, str, bool], str] = {
    ("nl", "euro", True): "hoger",
    ("nl", "euro", False): "lager",
    ("nl", "count", True): "meer",
    ("nl", "count", False): "minder",
    ("nl", "percent", True): "hoger",
    ("nl", "percent", False): "lager",
    ("en", "euro", True): "higher",
    ("en", "euro", False): "lower",
    ("en", "count", True): "more",
    ("en", "count", False): "fewer",
    ("en", "percent", True): "higher",
    ("en", "percent", False): "lower",
}
OF_WHICH = {"nl": "Daarvan {part}", "en": "Of which {part}"}
IN_YEAR = {"nl": "In {year}", "en": "In {year}"}
PERCENT_POINTS = {"nl": "procentpunt", "en": "percentage points"}

# API and CLI errors (always Dutch: the widget and staff tools are Dutch).
ERROR_VALIDATION = "De vraag is niet goed ontvangen: {detail}"
ERROR_EMPTY_QUESTION = "Stel een vraag: het vraagveld is leeg."
ERROR_TOO_LONG = "De vraag is te lang. Gebruik hoogstens {limit} tekens."
ERROR_HISTORY_TOO_LONG = "Het gesprek is te lang. Stuur hoogstens {limit} eerdere beurten mee."
ERROR_WRONG_TYPE = "Het veld '{field}' heeft een verkeerd type."
ERROR_INDEX_MISSING = (
    "De vraagbaak is nog niet klaar voor gebruik: de zoekindex ontbreekt. "
    "Beheerder: bouw de index met 'make index' (of 'python -m ingest') en start de service opnieuw."
)
ERROR_NOT_FOUND = "Deze pagina bestaat niet."
ERROR_INTERNAL = "Er ging iets mis aan onze kant. Probeer het later opnieuw."
ERROR_BAD_JSON = "De aanvraag is geen geldige JSON."


def say(template: dict[str, str], language: Language, **values: str) -> str:
    """A message in the asker's language."""
    return template[language].format(**values)
