"""The one allow-list for article HTML: whatever an editor or an import sends us,
only these tags and attributes are stored. Pictures may appear only if they are our
own uploads (an ArticleImage): nothing is ever loaded from another host."""

import nh3

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "ul", "ol", "li", "strong", "em", "b", "i",
    "blockquote", "a", "abbr", "hr", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "img": {"src", "alt"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
OWN_PICTURES = "/media/articles/"


def _only_our_pictures(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.startswith(OWN_PICTURES):
        return None
    return value


def sanitise_html(html: str) -> str:
    """Return `html` with every tag, attribute and URL scheme not allowed removed."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_our_pictures,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
