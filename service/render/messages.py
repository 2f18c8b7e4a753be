"""Every sentence the service says to a user, in plain Dutch (B1) and English.

Kept in one place so the wording can be reviewed for plain language without reading code.
No report is named here: `{report}`, `{publisher}`, `{topics}` and the like are filled in
from the metadata and headings of the indexed reports.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]

REFUSAL_NOT_COVERED = {
    "nl": "Daarover staat niets in {report}. Het verslag gaat wel over: {topics}.",
    "en": "{report} does not say anything about this. It does cover: {topics}.",
}
PART_NOT_COVERED = {
    "nl": "Hierover staat niets in {report}.",
    "en": "{report} does not say anything about this.",
}
REFUSAL_OPINION = {
    "nl": (
        "Ik geef geen mening of advies. Ik zoek alleen feiten op in {report}. "
        "U kunt wel vragen wat erin staat, bijvoorbeeld over {topics}."
    ),
    "en": (
        "I do not give opinions or advice. I only look up facts in {report}. "
        "You can ask what it says, for example about {topics}."
    ),
}
REFUSAL_OTHER_MUNICIPALITY = {
    "nl": "Ik heb geen jaarverslag van {place}. Ik ken alleen verslagen van {municipalities}.",
    "en": "I have no annual report of {place}. I only know reports of {municipalities}.",
}
REFUSAL_ACTION = {
    "nl": (
        "Dat kan ik niet voor u doen. Ik beantwoord alleen vragen over {report}. "
        "Voor een melding of een vraag neemt u contact op met {publisher}."
    ),
    "en": (
        "I cannot do that for you. I only answer questions about {report}. "
        "To report something or ask a question, please contact {publisher}."
    ),
}
REFUSAL_PERSON = {
    "nl": "Het verslag noemt geen namen van personen. Het gaat over: {topics}.",
    "en": "The report does not name people. It covers: {topics}.",
}
REFUSAL_CONTACT = {
    "nl": "Contactgegevens staan niet in {report}. Kijk daarvoor bij {publisher}.",
    "en": "{report} has no contact details. Please look them up with {publisher}.",
}
REFUSAL_NO_AMOUNT = {
    "nl": "Het verslag noemt hiervan geen aantal. Wel staat er:",
    "en": "The report gives no number for this. It does say (in Dutch):",
}
REFUSAL_YEAR_NOT_STATED = {
    "nl": "{report} noemt hierover geen cijfer voor {year}.",
    "en": "{report} gives no figure on this for {year}.",
}
REFUSAL_YEAR = {
    "nl": "{report} gaat over {years}. Over {year} staat er niets in.",
    "en": "{report} covers {years}. It says nothing about {year}.",
}
TEXT_LEAD = {
    "nl": "Volgens het verslag:",
    "en": "According to the report (quoted in Dutch):",
}
SOURCE_NOTE = {
    "nl": "(Uit: {report}.)",
    "en": "(From: {report}.)",
}
FOUND_ELSEWHERE = {
    "nl": "Dit staat niet in {default}, maar wel in {report}:",
    "en": "This is not in {default}, but it is in {report}:",
}
ABBREVIATION = {
    "nl": "{abbr} betekent: {meaning}.",
    "en": "{abbr} stands for: {meaning}.",
}
DEFINITION_UNKNOWN = {
    "nl": "Het verslag legt {term} niet uit.",
    "en": "The report does not explain {term}.",
}
DERIVED_YEAR = {
    "nl": (
        "Het verslag noemt voor {year} geen getal, maar wel het verschil. "
        "Zo kunt u het uitrekenen: {calculation}."
    ),
    "en": "The report gives no figure for {year}, but it gives the change. Worked out: "
    "{calculation}.",
}
CALCULATION = {
    "nl": "Berekening: {calculation}.",
    "en": "Calculation: {calculation}.",
}
PART_HEADING = {"nl": "{number}. {question}", "en": "{number}. {question}"}

# Claim checks ("Klopt het dat …?").
CLAIM_TRUE = {"nl": "Ja, dat klopt.", "en": "Yes, that is correct."}
CLAIM_FALSE = {"nl": "Nee, dat klopt niet.", "en": "No, that is not correct."}
CLAIM_NOT_STATED = {
    "nl": "Nee, dat staat niet zo in het verslag.",
    "en": "No, the report does not say so.",
}
CLAIM_UNKNOWN = {
    "nl": "Dat kan ik niet bevestigen: het verslag zegt daar niets over.",
    "en": "I cannot confirm that: the report says nothing about it.",
}
CLAIM_REPORT_SAYS = {"nl": "Het verslag zegt:", "en": "The report says (in Dutch):"}
CLAIM_BOTH = {
    "nl": "Ja en nee: de tekst van het verslag noemt dit cijfer, maar de tabel geeft een ander.",
    "en": "Yes and no: the report's text gives this figure, but its table gives another.",
}
CLAIM_FIGURE = {
    "nl": "Het verslag noemt {figure}.",
    "en": "The report gives {figure}.",
}
YEAR_LINE = {"nl": "{year} ({report}):", "en": "{year} ({report}):"}
YEAR_CHANGE = {
    "nl": "Van {first} naar {last}: {calculation}.",
    "en": "From {first} to {last}: {calculation}.",
}
RESTATED = {
    "nl": "Let op: {other} geeft voor {year} een ander cijfer: {value} [{mark}].",
    "en": "Note: {other} gives another figure for {year}: {value} [{mark}].",
}

# Calculations over figures in the text.
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
AND = {"nl": "en", "en": "and"}

# API and CLI errors (always Dutch: the widget and staff tools are Dutch).
ERROR_VALIDATION = "De vraag is niet goed ontvangen: {detail}"
ERROR_EMPTY_QUESTION = "Stel een vraag: het vraagveld is leeg."
ERROR_TOO_LONG = "De vraag is te lang. Gebruik hoogstens {limit} tekens."
ERROR_HISTORY_TOO_LONG = "Het gesprek is te lang. Stuur hoogstens {limit} eerdere beurten mee."
ERROR_WRONG_TYPE = "Het veld '{field}' heeft een verkeerd type."
# What people see when the service cannot answer; what an administrator should do goes to
# the logs and /readyz (ADMIN_*), never to citizens.
ERROR_UNAVAILABLE = (
    "De vraagbaak is even niet bereikbaar. Probeer het over een paar minuten opnieuw."
)
ADMIN_INDEX_MISSING = (
    "De zoekindex ontbreekt. Bouw hem met 'make index' (of 'python -m ingest') "
    "en start de service opnieuw."
)
ERROR_DOCUMENT_NOT_FOUND = "Dit verslag staat niet in de vraagbaak."
ERROR_DOCUMENT_RANGE = "Dit stuk tekst staat niet in het verslag."
ERROR_NOT_FOUND = "Deze pagina bestaat niet."
ERROR_UNGROUNDED = (
    "Ik kan dit antwoord niet met een bron onderbouwen, dus ik geef het niet. "
    "Stel de vraag anders, of zoek het op in het verslag zelf."
)
ERROR_INTERNAL = "Er ging iets mis aan onze kant. Probeer het later opnieuw."
ERROR_BAD_JSON = "De aanvraag is geen geldige JSON."
ERROR_BAD_ENCODING = "De aanvraag is geen geldige tekst. Stuur de tekst als UTF-8."
ERROR_BAD_REQUEST = "De aanvraag is niet goed ontvangen."
ERROR_METHOD_NOT_ALLOWED = "Dit adres werkt niet met deze soort aanvraag ({method})."
ERROR_BODY_TOO_LARGE = "De aanvraag is te groot. Stuur hoogstens {limit} kB."
ERROR_HISTORY_CHARS = (
    "Het gesprek is te lang. Stuur hoogstens {limit} tekens aan eerdere beurten mee."
)
ERROR_RATE_LIMITED = (
    "U stelt te veel vragen kort na elkaar. Wacht {seconds} seconden en probeer het opnieuw."
)
ERROR_TIMEOUT = (
    "Het antwoord duurt te lang. Probeer het over een paar minuten opnieuw, "
    "of stel een kortere vraag."
)
ERROR_ORIGIN_NOT_ALLOWED = "Deze website mag de vraagbaak niet gebruiken."
ERROR_FIELD_TOO_LONG = "Het veld '{field}' is te lang. Gebruik hoogstens {limit} tekens."
ERROR_FIELD_TOO_MANY = "Het veld '{field}' heeft te veel onderdelen. Gebruik er hoogstens {limit}."
ERROR_FIELD_INVALID = "Het veld '{field}' heeft geen geldige waarde."
ERROR_FEEDBACK_UNAVAILABLE = (
    "De feedback kan nu niet worden bewaard of opgehaald. Probeer het later opnieuw."
)
ADMIN_FEEDBACK_UNAVAILABLE = (
    "De feedbackdatabase is niet te openen. Kijk of de map bestaat en of de service daarin "
    "mag schrijven (instelling VRAAGBAAK_FEEDBACK_DB)."
)
ERROR_FEEDBACK_TOKEN = "U heeft geen toegang tot de feedback. Gebruik de juiste toegangssleutel."


# Suggested questions for an empty conversation, made from each report's own tables and
# headings (and kept only when the vraagbaak answers them).
# `where` is empty when the corpus holds one municipality, else " in <municipality>".
SUGGEST_MONEY = "Wat waren de lasten van {programme} in {year}{where}?"
SUGGEST_TABLE = "Wat zegt het verslag over ‘{subject}’ in {year}{where}?"
SUGGEST_SECTION = "Wat zegt het verslag over ‘{subject}’{where}?"
SUGGEST_WHERE = " in {municipality}"


def say(template: dict[str, str], language: Language, **values: str) -> str:
    """A message in the asker's language."""
    return template[language].format(**values)


def join_words(items: list[str], language: Language) -> str:
    """ "a, b en c" / "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {AND[language]} " + items[-1]
