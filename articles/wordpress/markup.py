"""A post's HTML as WordPress exports it, made into what the site stores: paragraphs
where the classic editor left blank lines, shortcodes removed, each picture (a
block-editor <figure>, a [caption] shortcode or a bare <img>) replaced by a token
that marks its place, and plain text for summaries and credits."""

import html
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from ..html import sanitise_html
from ..models import Article

SUMMARY_LENGTH = Article._meta.get_field("summary").max_length

# WordPress shortcodes mean nothing here and would show as literal text. A caption
# wraps a picture and its credit, which are kept (see pictures_marked).
_CAPTION = re.compile(
    r"\[caption\b([^\]]*)\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL
)
SHORTCODE = re.compile(
    r"\[/?(?:gallery|embed|video|audio|playlist|caption)\b[^\]]*\]", re.IGNORECASE
)
# The innermost <figure>: a gallery is a figure of figures.
_FIGURE = re.compile(
    r"<figure\b[^>]*>((?:(?!<figure\b).)*?)</figure\s*>", re.IGNORECASE | re.DOTALL
)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.I | re.DOTALL)
# A picture, with the link to its full-size file that WordPress often wraps it in.
_PICTURE = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a\s*>|(<img\b[^>]*>)", re.I)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_ATTACHMENT_ID = re.compile(r"\battachment_(\d+)\b")

# Marks a picture's place in a body while it has no address here; the sanitiser
# keeps private-use characters, and no post has them.
TOKEN = re.compile("\ue000\\d+\ue001")

_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|h[1-6]|ul|ol|li|blockquote|figure|table|pre|hr)\b[^>]*>"
    r"|\n\s*\n",
    re.IGNORECASE,
)
_STARTS_WITH_BLOCK = re.compile(
    r"^<\s*(?:p|div|h[1-6]|ul|ol|blockquote|figure|table|pre|hr)\b", re.IGNORECASE
)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class PictureRef:
    """A picture as the post's body has it; `token` marks its place in the body."""

    token: str
    src: str
    alt: str
    credit: str
    attachment_id: int | None


def without_shortcodes(text: str) -> str:
    return SHORTCODE.sub("", _CAPTION.sub("", text))


def pictures_marked(body: str) -> tuple[str, list[PictureRef]]:
    """`body` with a token in place of each picture (with its caption), and the
    pictures. A figure's or caption's picture becomes a paragraph of its own."""
    pictures: list[PictureRef] = []

    def mark(img: str, *, credit: str = "", attachment_id: int | None = None) -> str:
        attributes = _attributes(img)
        if attachment_id is None:
            found = _WP_IMAGE_CLASS.search(attributes.get("class", ""))
            attachment_id = int(found.group(1)) if found else None
        token = f"\ue000{len(pictures)}\ue001"
        pictures.append(
            PictureRef(
                token=token,
                src=attributes.get("src", ""),
                alt=" ".join(attributes.get("alt", "").split()),
                credit=plain_text(credit),
                attachment_id=attachment_id,
            )
        )
        return token

    def caption(match: re.Match) -> str:
        attributes, inner = _attributes(match.group(1)), match.group(2)
        found = _ATTACHMENT_ID.search(attributes.get("id", ""))
        # Older WordPress puts the caption after the picture, newer in an attribute.
        text = attributes.get("caption") or _PICTURE.sub("", inner)
        picture = _PICTURE.search(inner)
        if picture is None:
            return inner
        # Its text is the credit, so the picture alone is left in its place.
        return mark(
            picture.group(1) or picture.group(2),
            credit=text,
            attachment_id=int(found.group(1)) if found else None,
        )

    def figure(match: re.Match) -> str:
        inner = match.group(1)
        if not _PICTURE.search(inner):
            return match.group(0)  # a quote or a table: the sanitiser unwraps it
        found = _FIGCAPTION.search(inner)
        text = found.group(1) if found else ""
        tokens = [
            mark(m.group(1) or m.group(2), credit=text)
            for m in _PICTURE.finditer(inner)
        ]
        return f"<p>{' '.join(tokens)}</p>"

    body = _CAPTION.sub(caption, body)
    body = _FIGURE.sub(figure, body)
    body = _PICTURE.sub(lambda m: mark(m.group(1) or m.group(2)), body)
    return body, pictures


def _attributes(tag: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(
            next(value for value in match.groups()[1:] if value is not None)
        )
        for match in _ATTRIBUTE.finditer(tag)
    }


def paragraphs(body: str) -> str:
    """Wrap blank-line-separated text in <p>, as WordPress does when it shows a
    classic-editor post (the export has the text as typed, without the tags)."""
    if re.search(r"<p[\s>]", body, re.IGNORECASE):
        return body  # the block editor, or an author who wrote the tags
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", body)]
    return "\n".join(
        chunk
        if _STARTS_WITH_BLOCK.match(chunk)
        else "<p>" + chunk.replace("\n", "<br>\n") + "</p>"
        for chunk in chunks
        if chunk
    )


def plain_text(markup: str) -> str:
    # Sanitised first so that script and style contents go, not just their tags.
    text = strip_tags(_LINE_BREAK.sub(" ", sanitise_html(markup)))
    return " ".join(html.unescape(text).split())


def first_paragraph(body: str) -> str:
    """The first paragraph's text: headings are not paragraphs, so they are dropped."""
    body = _HEADING.sub("\n\n", without_shortcodes(body))
    while _FIGURE.search(body):
        body = _FIGURE.sub("\n\n", body)  # pictures and their credits
    for chunk in _BLOCK_TAG.split(sanitise_html(body)):
        if text := plain_text(chunk):
            return text
    return ""


def truncate(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """`text` if it fits, else cut at a word boundary with an ellipsis, in `limit`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0] or cut
    return cut.rstrip(" ,;:.-") + "…"
