"""Links to the old blog, pointed at their new addresses.

Links to the old blog (its host from the export's <link>, wp:base_site_url and
wp:base_blog_url, plus any the caller names; and relative links, which were
relative to it) are rewritten when their target is known: a post in this import,
by its slug (/2019/05/some-slug/) or its id (?p=123), or an article an earlier
import made, becomes that article's address here; a category archive becomes
its topic's page, and the blog's home page ours. Any other link to the old blog
would break when it is switched off, so its text is kept and the link removed,
and the report lists the old address for an editor to fix. Links to other sites
are left as they are.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from django.urls import reverse
from django.utils.text import slugify

from ..models import Article, Topic
from .export import Export, Post, positive_int
from .report import ImportReport

# Run on sanitised HTML: one <a> never holds another, attributes are double-quoted.
_LINK = re.compile(r"(<a\b[^>]*>)(.*?)</a>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r'\bhref="([^"]*)"')
# Old-blog addresses that are never a post, whatever their last part says.
_NOT_POSTS = {"author", "tag", "page", "feed", "search", "wp-content", "wp-admin"}


@dataclass
class Links:
    """What links to the old blog can become: new addresses by old slug and post id,
    and the topics a category link can go to."""

    old_hosts: set[str]
    base_url: str
    by_slug: dict[str, str]
    by_id: dict[int, str]
    topic_slugs: set[str]


def old_blog_links(
    export: Export, *, slugs: dict[int, str], old_sites: Sequence[str]
) -> Links:
    """Where links to the old blog can go, given the new slug of each post
    (`slugs`, by WordPress id) and `old_sites`, more addresses of the old blog."""
    site_urls = [*export.site_urls, *old_sites]
    old_hosts = {host for url in site_urls if (host := _host(url))}
    by_slug, by_id = {}, {}
    topic_slugs = {slug for post in export.posts for slug, _ in post.topics}
    for post in export.posts:
        url = reverse(
            "articles:article_detail", kwargs={"slug": slugs[post.wordpress_id]}
        )
        by_slug.setdefault(post.slug, url)
        by_id[post.wordpress_id] = url
    base_url = next((url for url in site_urls if _host(url)), "")
    return Links(
        old_hosts=old_hosts,
        base_url=base_url,
        by_slug=by_slug,
        by_id=by_id,
        topic_slugs=topic_slugs,
    )


def _host(url: str) -> str:
    """The host of `url`, lower case, without "www."; "" if it has none."""
    if "//" not in url:
        url = "//" + url  # "old-site.example" as a command option
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def rewrite_links(body: str, *, post: Post, links: Links, report: ImportReport):
    """Each link to the old blog pointed at its new address, or, with none known,
    replaced by its text (and reported)."""
    unresolved: list[str] = []

    def rewrite(match: re.Match) -> str:
        tag, text = match.group(1), match.group(2)
        href_match = _HREF.search(tag)
        if href_match is None:
            return match.group(0)
        href = html.unescape(href_match.group(1))
        if not _is_old_site(href, links=links):
            return match.group(0)  # another site's, a mailto:, or a #fragment
        new_url = _new_address(href, links=links)
        if new_url is None:
            old = _shown_url(urljoin(links.base_url, href))
            if old not in unresolved:
                unresolved.append(old)
            return text
        report.links_rewritten += 1
        new_href = f'href="{html.escape(new_url)}"'
        tag = tag[: href_match.start()] + new_href + tag[href_match.end() :]
        return f"{tag}{text}</a>"

    body = _LINK.sub(rewrite, body)
    report.unresolved_links.extend(f"{post.title!r}: {url}" for url in unresolved)
    return body


def _is_old_site(href: str, *, links: Links) -> bool:
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return False
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return False
    if parts.netloc:
        return _host(href) in links.old_hosts
    # A relative link was relative to the old blog; a bare #fragment is this page's.
    return bool(parts.path or parts.query)


def _new_address(href: str, *, links: Links) -> str | None:
    parts = urlsplit(href.strip())
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    query = parse_qs(parts.query)
    if post_id := positive_int(next(iter(query.get("p", [])), "")):
        url = links.by_id.get(post_id)
        if url is None:
            # An earlier import's article (pages are never imported).
            article = Article.objects.filter(wordpress_id=post_id).first()
            url = article.get_absolute_url() if article else None
        return url + fragment if url else None
    if query:
        return None  # ?page_id=, ?cat=, ?s=: nothing here to match
    segments = [s for s in unquote(parts.path).split("/") if s]
    if not segments:
        return reverse("articles:home")  # the old blog's home page: ours
    if segments[0] == "category":
        # A category archive: the topic its posts were filed under here.
        slug = slugify(segments[-1])
        if slug in links.topic_slugs or Topic.objects.filter(slug=slug).exists():
            return reverse("articles:topic_detail", kwargs={"slug": slug})
        return None
    if segments[0] in _NOT_POSTS:
        return None
    url = links.by_slug.get(slugify(segments[-1]))
    return url + fragment if url else None


def _shown_url(url: str) -> str:
    """`url` for the report: no query but a post id, and an author page without its
    author, since either can name a person."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if "author" in segments:
        path = "/".join(segments[: segments.index("author") + 1]) + "/…"
    else:
        path = parts.path
    query = parse_qs(parts.query)
    kept = "&".join(
        f"{key}={query[key][0]}"
        for key in ("p", "page_id", "cat")
        if key in query and query[key][0].isdigit()
    )
    shown = f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else path
    return f"{shown}?{kept}" if kept else shown
