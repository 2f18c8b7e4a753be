"""`GET /v1/documents/{id}`: a report's indexed text as a page, the cited passage marked.

A citation's `start`/`end` point into exactly this text, so the marked passage is the
quote. The page has no script and takes its style from the widget's folder, so it works
under a strict Content-Security-Policy; the link `…?start=&end=#bron` lands on the quote.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from service.render import messages
from service.web.api import AssistantDep
from service.web.errors import ApiError

router = APIRouter(prefix="/v1")

PAGE = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="stylesheet" href="../../widget/page.css">
</head>
<body>
<header>
<h1>{title}</h1>
<p>{intro}</p>
{skip}
</header>
<main>
<div class="document">{text}</div>
</main>
</body>
</html>
"""
INTRO = "Dit is de tekst van het verslag zoals de vraagbaak die gebruikt."
INTRO_SOURCE = 'Het origineel staat op <a href="{url}">{url}</a>.'
SKIP = '<p><a href="#bron">Ga naar het stuk tekst dat als bron is genoemd</a></p>'


def page(title: str, text: str, source_url: str, start: int | None, end: int | None) -> str:
    """The whole report as HTML, `text[start:end]` in a `<mark id="bron">`."""
    intro = INTRO
    if source_url:
        intro += " " + INTRO_SOURCE.format(url=escape(source_url))
    if start is None or end is None:
        body, skip = escape(text), ""
    else:
        body = (
            escape(text[:start])
            + f'<mark id="bron" tabindex="-1">{escape(text[start:end])}</mark>'
            + escape(text[end:])
        )
        skip = SKIP
    return PAGE.format(title=escape(title), intro=intro, skip=skip, text=body)


@router.get(
    "/documents/{document_id}",
    response_class=HTMLResponse,
    responses={404: {"description": "Onbekend verslag"}, 422: {"description": "Onjuist stuk"}},
)
def document(
    document_id: str,
    assistant: AssistantDep,
    start: Annotated[int | None, Query(ge=0)] = None,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    """A report's text for people, with the cited passage (`start`–`end`) marked."""
    sources = assistant.knowledge.sources
    if document_id not in sources:
        raise ApiError(404, "document_not_found", messages.ERROR_DOCUMENT_NOT_FOUND)
    text = sources[document_id]
    if (start is None) != (end is None) or (
        start is not None and end is not None and not start < end <= len(text)
    ):
        raise ApiError(422, "invalid_range", messages.ERROR_DOCUMENT_RANGE)
    meta = assistant.knowledge.documents.get(document_id)
    title = assistant.corpus.label(document_id)
    source_url = str(meta.source_url) if meta is not None else ""
    return HTMLResponse(page(title, text, source_url, start, end))
