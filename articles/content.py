"""Turning an article's stored HTML into the page: heading anchors, a table of
contents, and JSON-LD. The HTML was sanitised when saved; nothing here adds markup
from outside it."""

import json
import re
from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

_H2 = re.compile(r"<h2>(.*?)</h2>", re.IGNORECASE | re.DOTALL)
# A table of contents helps only a long article.
TOC_MIN_HEADINGS = 3


@dataclass(frozen=True)
class Heading:
    id: str
    text: str


def with_heading_ids(body: str) -> tuple[SafeString, list[Heading]]:
    """The body with an id on each h2, and the headings in order."""
    headings: list[Heading] = []
    used: set[str] = set()

    def anchor(match: re.Match) -> str:
        text = strip_tags(match.group(1)).strip()
        base = slugify(text) or "section"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        headings.append(Heading(slug, text))
        return f'<h2 id="{slug}">{match.group(1)}</h2>'

    html = _H2.sub(anchor, body)
    return mark_safe(html), headings  # sanitised on save; the ids are slugs


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json">, safe inside HTML."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))
