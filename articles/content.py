"""Turning an article's stored HTML into the page: heading anchors, a table of
contents, and JSON-LD. The HTML was sanitised when saved; nothing here adds markup
from outside it."""

import html
import json
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
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
    # Sanitised on save; the ids are slugs.
    return mark_safe(html), headings  # nosec B308 B703


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\bsrc="([^"]*)"')


# The one markup for an article's pictures, the hero's and the body's.
PICTURE_TEMPLATE = "articles/_picture.html"


def with_pictures(body: str, pictures) -> SafeString:
    """Each <img> in the body becomes its ArticleImage, described and credited, with
    resized copies in srcset (PICTURE_TEMPLATE). An <img> that is not one of
    `pictures` (this article's, for its body) is dropped: the page shows only what
    an editor uploaded for it."""
    by_url = {picture.image.url: picture for picture in pictures}

    def replace(match: re.Match) -> str:
        src = _SRC.search(match.group(0))
        picture = by_url.get(html.unescape(src.group(1))) if src else None
        if picture is None:
            return ""
        context = {"picture": picture, "in_body": True}
        return render_to_string(PICTURE_TEMPLATE, context).strip()

    # Sanitised on save; the pictures' markup is a template, autoescaped.
    return mark_safe(_IMG.sub(replace, body))  # nosec B308 B703


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json">, safe inside HTML."""
    # <, > and & escaped: nothing in the JSON can close the script element.
    encoded = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(encoded)  # nosec B308 B703
