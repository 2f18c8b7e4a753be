"""Every sentence ingest shows a person, in Dutch, in one place.

Each text is a `str.format` template; the placeholders are named so a translator (or a
reviewer) can read them without the code.
"""

from __future__ import annotations

# -- the corpus folder -------------------------------------------------------------------
FOLDER_MISSING = "Map {folder} bestaat niet."
NO_REPORTS = "Geen rapporten (*.txt) gevonden in {folder}."
BAD_DOCUMENT_ID = (
    "{file}: de bestandsnaam is ook de documentnaam en mag alleen kleine letters, cijfers en "
    "koppeltekens bevatten (bijvoorbeeld 'zoetermeer-jaarrekening-2025-veiligheid'), "
    "hoogstens {max_chars} tekens."
)
SUFFIX_CASE = "{file}: een rapport moet eindigen op .txt (in kleine letters); hernoem het bestand."
IGNORED = "{file} overgeslagen: alleen .txt-bestanden (met een .meta.json) worden gelezen."
META_MISSING = "{file}: het metadatabestand {meta} ontbreekt. Maak het aan met de velden {fields}."
META_ORPHAN = "{meta}: er is geen rapport {file} bij dit metadatabestand."
META_NOT_JSON = "{meta}: ongeldige JSON ({error})."
META_NOT_OBJECT = "{meta}: verwacht een JSON-object met de velden {fields}."
TOO_LARGE = (
    "{file}: het bestand is {size} groot; de grens is {limit} "
    "(instelling VRAAGBAAK_MAX_DOCUMENT_BYTES)."
)
FILE_EMPTY = "{file}: het bestand is leeg."
FILE_BINARY = "{file}: dit is een binair bestand, geen tekst."
FILE_NOT_UTF8 = "{file}: geen geldige UTF-8-tekst (byte {byte}). Sla het bestand op als UTF-8."
FILE_CONTROL = "{file}: het bestand bevat vooral stuurtekens, geen tekst."
FILE_TOO_SHORT = "{file}: te weinig tekst om te verwerken ({chars} tekens)."
NO_RUNNING_TEXT = "{file}: geen lopende tekst gevonden."
DUPLICATE_ID = (
    "{file}: twee stukken tekst kregen dezelfde id ({id}); meld dit aan het ontwikkelteam."
)

# -- one metadata field (joined after "<file>: ") ------------------------------------------
FIELD_MISSING = "veld '{field}' ontbreekt"
FIELD_UNKNOWN = "onbekend veld '{field}' (toegestaan: {fields})"
FIELD_TEXT = "veld '{field}' moet tekst zijn, niet {value}"
FIELD_EMPTY = "veld '{field}' mag niet leeg zijn"
FIELD_YEAR = "veld '{field}' moet een jaartal zijn, niet {value}"
FIELD_YEAR_QUOTED = (
    "veld '{field}' moet een jaartal zijn, niet {value} (schrijf het getal zonder aanhalingstekens)"
)
FIELD_YEAR_RANGE = "veld '{field}' moet een jaartal tussen {low} en {high} zijn, niet {value}"
FIELD_URL = "veld '{field}' moet een webadres zijn dat begint met http:// of https://, niet {value}"
FIELD_CHOICE = "veld '{field}' moet {choices} zijn, niet {value}"
FIELD_INVALID = "veld '{field}' heeft een ongeldige waarde {value}"

# -- progress and the summary -------------------------------------------------------------
READING = "Corpus lezen uit {folder} …"
PARSING = "Verwerken: {file} ({size})"
UNCHANGED = "ongewijzigd, bestaande index gebruikt"
BUILT = "nieuwe index gebouwd"
MODEL_LOADING = "Embeddingmodel laden …"
MODEL_LOADED = "Embeddingmodel geladen ({seconds:.1f} s)"
EMBED_PLAN = "Embedden van {what}: {new} nieuw, {reused} hergebruikt uit de vorige index"
EMBED_BATCH = "  {what}: {done}/{total} ({seconds:.1f} s)"
FAILED = "Fout: {error} De bestaande index is niet gewijzigd."
INTERRUPTED = "Afgebroken. De bestaande index is niet gewijzigd."
UNEXPECTED = "onverwachte fout ({kind}: {error}); met --debug ziet u de details."
