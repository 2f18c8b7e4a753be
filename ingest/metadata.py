"""What a report is: the typed metadata next to every report in `corpus/`.

`corpus/<id>.txt` is the report, `corpus/<id>.meta.json` says what it is. The file stem is
the document id every chunk, sentence, table and citation carries. Validation happens
before anything is indexed, and every problem is explained in Dutch, naming the field.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
)

from ingest import messages as msg

MAX_ID_CHARS = 100
DOCUMENT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Digital annual accounts start in the 1980s; a report can only cover a year that has begun.
MIN_YEAR = 1980
MAX_YEAR = date.today().year + 1

_URL = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    """Check the URL but keep it as written (pydantic would add a trailing slash)."""
    _URL.validate_python(value)
    return value


Text = Annotated[str, Field(min_length=1)]
Url = Annotated[str, AfterValidator(_http_url)]


class DocumentMeta(BaseModel):
    """The metadata file of one report; every field but `language` is required."""

    # Strict: a year written as "2024" or a title written as a number is a mistake to fix
    # in the file, not something to guess at.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, str_strip_whitespace=True)

    municipality: Text
    year: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
    programme: Text  # e.g. "Veiligheid"
    title: Text  # e.g. "Jaarrekening 2024 — Programma 5 Veiligheid"
    publisher: Text
    source_url: Url
    # Parsing (spaCy's Dutch sentencizer) and search (Dutch stemming) handle Dutch only.
    language: Literal["nl"] = "nl"

    @property
    def root_heading(self) -> str:
        """The top of the document tree: the title's part after its dash, else the programme.

        "Jaarrekening 2024 — Programma 5 Veiligheid" gives "Programma 5 Veiligheid".
        """
        for dash in (" — ", " – ", " - "):
            if dash in self.title:
                return self.title.rsplit(dash, 1)[-1].strip()
        return self.programme


FIELDS = tuple(DocumentMeta.model_fields)


class MetadataError(ValueError):
    """A metadata file with a missing or wrong value; the message names file and field."""


def is_document_id(text: str) -> bool:
    """True for a valid document id: lowercase letters, digits and single hyphens."""
    return len(text) <= MAX_ID_CHARS and DOCUMENT_ID.match(text) is not None


def parse_metadata(data: Any, file_name: str) -> DocumentMeta:
    """Validate the decoded JSON of a metadata file; raises `MetadataError` in Dutch."""
    if not isinstance(data, dict):
        raise MetadataError(msg.META_NOT_OBJECT.format(meta=file_name, fields=_field_list()))
    try:
        return DocumentMeta.model_validate(data)
    except ValidationError as exc:
        problems = [_explain(error) for error in exc.errors()]
        raise MetadataError(f"{file_name}: {'; '.join(dict.fromkeys(problems))}.") from None


def _field_list() -> str:
    return ", ".join(f"'{name}'" for name in FIELDS)


def _shown(value: Any) -> str:
    """A value as the user wrote it in JSON: strings quoted, the rest as JSON."""
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def _explain(error: Any) -> str:
    """One pydantic error as a Dutch phrase naming the field."""
    field = ".".join(str(part) for part in error["loc"]) or "?"
    kind = error["type"]
    value = _shown(error.get("input"))
    if kind == "missing":
        return msg.FIELD_MISSING.format(field=field)
    if kind == "extra_forbidden":
        return msg.FIELD_UNKNOWN.format(field=field, fields=_field_list())
    if field == "year":
        if kind in ("greater_than_equal", "less_than_equal"):
            return msg.FIELD_YEAR_RANGE.format(
                field=field, low=MIN_YEAR, high=MAX_YEAR, value=value
            )
        if isinstance(error.get("input"), str) and error["input"].strip().isdigit():
            return msg.FIELD_YEAR_QUOTED.format(field=field, value=value)
        return msg.FIELD_YEAR.format(field=field, value=value)
    if kind == "string_type":
        return msg.FIELD_TEXT.format(field=field, value=value)
    if kind == "string_too_short":
        return msg.FIELD_EMPTY.format(field=field)
    if kind.startswith("url"):
        return msg.FIELD_URL.format(field=field, value=value)
    if kind == "literal_error":
        return msg.FIELD_CHOICE.format(field=field, choices=error["ctx"]["expected"], value=value)
    return msg.FIELD_INVALID.format(field=field, value=value)
