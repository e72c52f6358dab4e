"""`manage.py import_wordpress`: small WXR exports written here, a real PNG beside
them in uploads/, pictures stored in a temporary folder. The old blog lives at
old-blog.example.org; every name and credit is made up."""

import html
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from PIL import Image

from articles.models import Article, ArticleImage, Topic
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db
Status = Article.Status

WP_12 = "http://wordpress.org/export/1.2/"
PNG_PATH = "2025/01/naloxone-kit.png"
OLD_SITE = "https://old-blog.example.org"
UPLOADS = f"{OLD_SITE}/wp-content/uploads"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Pictures go to a real folder, so a test can see what was written there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def make_png(path: Path, colour: str = "teal") -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 3), colour).save(path, "PNG")
    return path.read_bytes()


def cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def item(
    post_id: int | None = 10,
    *,
    title: str = "Naloxone saves lives",
    post_type: str = "post",
    status: str = "publish",
    name: str = "naloxone-saves-lives",
    content: str = "<p>Naloxone reverses an opioid overdose.</p>",
    excerpt: str = "",
    date: str = "2025-01-15 09:30:00",
    date_gmt: str = "2025-01-15 09:30:00",
    creator: str = "jo",
    categories: tuple[tuple[str, str], ...] = (),
    tags: tuple[tuple[str, str], ...] = (),
    meta: dict[str, str] | None = None,
    attachment_url: str = "",
) -> str:
    """One <item>, as WordPress writes it."""
    lines = ["<item>", f"<title>{html.escape(title)}</title>"]
    lines.append(f"<dc:creator>{cdata(creator)}</dc:creator>")
    lines.append(f"<content:encoded>{cdata(content)}</content:encoded>")
    lines.append(f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>")
    if post_id is not None:
        lines.append(f"<wp:post_id>{post_id}</wp:post_id>")
    lines += [
        f"<wp:post_date>{cdata(date)}</wp:post_date>",
        f"<wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>",
        f"<wp:post_name>{cdata(name)}</wp:post_name>",
        f"<wp:status>{cdata(status)}</wp:status>",
        f"<wp:post_type>{cdata(post_type)}</wp:post_type>",
    ]
    if attachment_url:
        lines.append(f"<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>")
    for domain, pairs in (("category", categories), ("post_tag", tags)):
        lines += [
            f'<category domain="{domain}" nicename="{nicename}">{cdata(label)}'
            "</category>"
            for nicename, label in pairs
        ]
    for key, value in (meta or {}).items():
        lines.append(
            f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
        )
    lines.append("</item>")
    return "\n".join(lines)


def attachment(
    post_id: int = 50,
    *,
    alt: str = "A naloxone kit",
    file: str = PNG_PATH,
    caption: str = "",
    **meta,
) -> str:
    return item(
        post_id,
        title="naloxone-kit",
        post_type="attachment",
        status="inherit",
        name="naloxone-kit",
        content="",
        excerpt=caption,  # WordPress keeps an attachment's caption as its excerpt
        attachment_url=f"{UPLOADS}/{file}",
        meta={"_wp_attachment_image_alt": alt, "_wp_attached_file": file} | meta,
    )


def wxr(
    *items: str, wp_ns: str = WP_12, version: str = "1.2", site: str = OLD_SITE
) -> str:
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8" ?>',
            '<rss version="2.0"',
            f'  xmlns:excerpt="{wp_ns}excerpt/"',
            '  xmlns:content="http://purl.org/rss/1.0/modules/content/"',
            '  xmlns:dc="http://purl.org/dc/elements/1.1/"',
            f'  xmlns:wp="{wp_ns}">',
            "<channel>",
            "<title>The old blog</title>",
            f"<link>{site}</link>",
            f"<wp:wxr_version>{version}</wp:wxr_version>",
            f"<wp:base_site_url>{site}</wp:base_site_url>",
            f"<wp:base_blog_url>{site}</wp:base_blog_url>",
            *items,
            "</channel>",
            "</rss>",
        ]
    )


def write_export(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    path = folder / "blog.xml"
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_published_post_is_imported_whole(tmp_path, media):
    author = get_user_model().objects.create_user(username="jo", password="x")
    png = make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path,
        wxr(
            attachment(50, alt="A naloxone kit in its yellow case"),
            item(
                10,
                title="Naloxone &amp; you",
                content='<p onclick="steal()">Carry <strong>naloxone</strong>.</p>'
                "<script>alert(1)</script><h2>Where to get it</h2>",
                # The blog's clock was not on UK time: the UTC date is the one used.
                date="2025-06-02 12:30:00",
                date_gmt="2025-06-02 09:30:00",
                categories=(("heroin-and-opioids", "Heroin &amp; opioids"),),
                tags=(("overdose", "overdose"),),
                meta={"_thumbnail_id": "50"},
            ),
        ),
    )

    output = run(path)

    assert "Created 1, updated 0, skipped 0." in output
    article = Article.objects.get()
    assert article.wordpress_id == 10
    assert article.title == "Naloxone & you"
    assert article.slug == "naloxone-saves-lives"
    assert article.status == Status.PUBLISHED
    assert article.pub_date == datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    assert article.author == author
    assert article.body == (
        "<p>Carry <strong>naloxone</strong>.</p><h2>Where to get it</h2>"
    )
    assert [(t.slug, t.name) for t in article.topics.all()] == [
        ("heroin-and-opioids", "Heroin & opioids")
    ]
    assert not Topic.objects.filter(slug="overdose").exists()  # tags are ignored
    assert article.hero.alt == "A naloxone kit in its yellow case"
    assert article.hero.image.read() == png
    assert stored_files(media) == [Path(article.hero.image.path)]


def test_the_attachment_title_is_the_description_when_it_has_no_alt_text(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path, wxr(attachment(50, alt=""), item(meta={"_thumbnail_id": "50"}))
    )

    run(path)

    assert Article.objects.get().hero.alt == "naloxone-kit"


@pytest.mark.parametrize(
    ("wp_status", "expected"),
    [
        ("publish", Status.PUBLISHED),
        ("draft", Status.DRAFT),
        ("pending", Status.DRAFT),
        ("private", Status.DRAFT),
        ("future", Status.SCHEDULED),
    ],
)
def test_a_post_keeps_its_status(tmp_path, wp_status, expected):
    path = write_export(tmp_path, wxr(item(status=wp_status)))

    run(path)

    assert Article.objects.get().status == expected


def test_trash_auto_drafts_pages_and_menu_items_are_skipped(tmp_path):
    path = write_export(
        tmp_path,
        wxr(
            item(1, status="trash", name="binned"),
            item(2, status="auto-draft", title="", name=""),
            item(3, post_type="page", name="about-us"),
            item(4, post_type="nav_menu_item", name="menu"),
            item(5, name="kept"),
        ),
    )

    output = run(path)

    assert "Created 1, updated 0, skipped 4." in output
    assert list(Article.objects.values_list("slug", flat=True)) == ["kept"]


def test_without_a_utc_date_the_date_is_read_on_uk_time(tmp_path):
    path = write_export(
        tmp_path,
        wxr(
            item(
                status="draft",
                date="2025-07-01 10:00:00",
                date_gmt="0000-00-00 00:00:00",
            )
        ),
    )

    run(path)

    # British Summer Time: 10:00 in London is 09:00 UTC.
    assert Article.objects.get().pub_date == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)


def test_the_summary_is_the_excerpt_when_there_is_one(tmp_path):
    path = write_export(
        tmp_path, wxr(item(excerpt="What naloxone is, and <em>where</em> to get it."))
    )

    run(path)

    assert Article.objects.get().summary == "What naloxone is, and where to get it."


def test_otherwise_the_summary_is_the_first_paragraph_cut_at_a_word(tmp_path):
    long_paragraph = " ".join(["Naloxone buys time until the ambulance comes."] * 10)
    path = write_export(
        tmp_path,
        wxr(
            item(
                content=f"<h2>Overview</h2><p>{long_paragraph}</p><p>Second.</p>",
            )
        ),
    )

    run(path)

    summary = Article.objects.get().summary
    assert len(summary) <= 300
    assert summary.endswith("…")
    assert long_paragraph.startswith(summary.removesuffix("…"))
    next_character = long_paragraph[len(summary) - 1]
    assert next_character in " ."  # cut between words, not inside one
    assert "Overview" not in summary


def test_a_classic_editor_post_gets_its_paragraphs(tmp_path):
    path = write_export(
        tmp_path,
        wxr(item(content="First paragraph,\nsame paragraph.\n\nSecond paragraph.")),
    )

    run(path)

    article = Article.objects.get()
    assert article.body == (
        "<p>First paragraph,<br>\nsame paragraph.</p>\n<p>Second paragraph.</p>"
    )
    assert article.summary == "First paragraph, same paragraph."


def test_running_again_changes_nothing_and_creates_nothing(tmp_path, media):
    get_user_model().objects.create_user(username="jo", password="x")
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path,
        wxr(
            attachment(50),
            item(
                10,
                categories=(("alcohol", "Alcohol"),),
                meta={"_thumbnail_id": "50"},
            ),
            item(3, post_type="page", name="about-us"),
        ),
    )
    run(path)
    first = Article.objects.get()
    revisions = first.history.count()

    output = run(path)

    assert "Created 0, updated 1, skipped 1." in output
    again = Article.objects.get()
    fields = ["title", "slug", "summary", "body", "status", "pub_date", "author_id",
              "hero_id", "updated_at"]  # fmt: skip
    assert {f: getattr(again, f) for f in fields} == {
        f: getattr(first, f) for f in fields
    }
    assert (again.hero.alt, again.hero.credit) == (first.hero.alt, first.hero.credit)
    assert again.history.count() == revisions
    assert ArticleImage.objects.count() == 1
    assert Topic.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_a_rerun_updates_what_changed_in_the_export(tmp_path):
    run(write_export(tmp_path, wxr(item(10, title="Old title"))))

    output = run(write_export(tmp_path, wxr(item(10, title="New title"))))

    assert "Created 0, updated 1, skipped 0." in output
    assert Article.objects.get().title == "New title"


def test_an_article_with_the_same_slug_and_no_wordpress_id_is_adopted(tmp_path):
    existing = ArticleFactory(slug="naloxone-saves-lives", title="Written here")
    path = write_export(tmp_path, wxr(item(10, title="From WordPress")))

    output = run(path)

    assert "Created 0, updated 1, skipped 0." in output
    existing.refresh_from_db()
    assert existing.wordpress_id == 10
    assert existing.title == "From WordPress"
    assert Article.objects.count() == 1


def test_a_slug_taken_by_another_post_gets_a_number(tmp_path):
    ArticleFactory(slug="naloxone-saves-lives", wordpress_id=99)
    ArticleFactory(slug="naloxone-saves-lives-2")
    path = write_export(tmp_path, wxr(item(10)))

    run(path)
    run(path)

    assert Article.objects.get(wordpress_id=10).slug == "naloxone-saves-lives-3"
    assert Article.objects.count() == 3


def test_a_percent_encoded_post_name_is_decoded(tmp_path):
    path = write_export(tmp_path, wxr(item(name="caf%c3%a9-and-alcohol")))

    run(path)

    assert Article.objects.get().slug == "cafe-and-alcohol"


def test_a_missing_image_file_imports_the_post_and_warns(tmp_path, media):
    path = write_export(
        tmp_path, wxr(attachment(50), item(meta={"_thumbnail_id": "50"}))
    )

    output = run(path)

    assert "Created 1, updated 0, skipped 0." in output
    assert "'Naloxone saves lives'" in output
    assert "attachment 50" in output
    assert "not found" in output
    article = Article.objects.get()
    assert article.hero is None
    assert stored_files(media) == []


def test_images_are_read_from_the_media_dir_when_given(tmp_path):
    png = make_png(tmp_path / "elsewhere" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path, wxr(attachment(50), item(meta={"_thumbnail_id": "50"}))
    )

    run(path, "--media-dir", str(tmp_path / "elsewhere"))

    assert Article.objects.get().hero.image.read() == png


def test_an_image_path_cannot_leave_the_media_dir(tmp_path):
    make_png(tmp_path / "secret.png")  # beside the export's folder, not inside it
    path = write_export(
        tmp_path,
        wxr(
            item(
                50,
                title="secret",
                post_type="attachment",
                status="inherit",
                meta={"_wp_attached_file": "../../secret.png"},
            ),
            item(10, meta={"_thumbnail_id": "50"}),
        ),
    )

    output = run(path)

    assert Article.objects.get().hero is None
    assert "not found" in output


def test_an_author_without_an_account_is_left_empty_and_not_named(tmp_path):
    path = write_export(tmp_path, wxr(item(creator="j.bloggs")))

    output = run(path)

    assert Article.objects.get().author is None
    assert get_user_model().objects.count() == 0
    assert "j.bloggs" not in output
    assert "no account here" in output


def test_an_older_export_version_is_read(tmp_path):
    path = write_export(
        tmp_path, wxr(item(10), wp_ns="http://wordpress.org/export/1.0/", version="1.0")
    )

    run(path)

    assert Article.objects.get().wordpress_id == 10


def test_malformed_xml_names_the_line_and_saves_nothing(tmp_path):
    text = wxr(
        item(10, categories=(("alcohol", "Alcohol"),)), "<item><title>Oops</titel>"
    )
    broken_line = text.splitlines().index("<item><title>Oops</titel>") + 1
    path = write_export(tmp_path, text)

    with pytest.raises(CommandError, match=f"not valid XML.*line {broken_line}"):
        run(path)

    assert Article.objects.count() == 0
    assert Topic.objects.count() == 0


def test_a_post_with_no_title_after_a_good_post_leaves_nothing(tmp_path, media):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    text = wxr(
        attachment(50),
        item(10, categories=(("alcohol", "Alcohol"),), meta={"_thumbnail_id": "50"}),
        item(11, title="", name="untitled"),
    )
    bad_line = [n for n, line in enumerate(text.splitlines(), 1) if line == "<item>"][2]
    path = write_export(tmp_path, text)

    with pytest.raises(
        CommandError, match=f"Post 11 \\(line {bad_line}\\) has no title"
    ):
        run(path)

    assert Article.objects.count() == 0
    assert Topic.objects.count() == 0
    assert stored_files(media) == []


def test_a_post_with_no_id_is_refused(tmp_path):
    path = write_export(tmp_path, wxr(item(None)))

    with pytest.raises(CommandError, match="has no wp:post_id"):
        run(path)

    assert Article.objects.count() == 0


def test_an_image_written_before_a_failure_is_deleted_again(tmp_path, media):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path,
        wxr(
            attachment(50),
            item(10, meta={"_thumbnail_id": "50"}),
            item(11, name="second", meta={"_thumbnail_id": "50"}),
        ),
    )
    failure = OSError("disk full")

    with (
        # The second hero's replacement fails once its file is written.
        mock.patch(
            "articles.services.article_image_renditions_queue",
            side_effect=[None, failure],
        ),
        pytest.raises(OSError, match="disk full"),
    ):
        run(path)

    assert Article.objects.count() == 0
    assert ArticleImage.objects.count() == 0
    assert stored_files(media) == []


def test_a_file_that_is_not_a_wordpress_export_is_refused(tmp_path):
    path = write_export(
        tmp_path, '<?xml version="1.0"?><rss><channel><item/></channel></rss>'
    )

    with pytest.raises(CommandError, match="not a WordPress export"):
        run(path)


def test_a_dry_run_counts_and_saves_nothing(tmp_path, media):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path,
        wxr(
            attachment(50),
            item(
                10, categories=(("alcohol", "Alcohol"),), meta={"_thumbnail_id": "50"}
            ),
            item(3, post_type="page", name="about-us"),
        ),
    )

    output = run(path, "--dry-run")

    assert "Dry run: nothing was saved." in output
    assert "Created 1, updated 0, skipped 1." in output
    assert Article.objects.count() == 0
    assert Topic.objects.count() == 0
    assert stored_files(media) == []


def test_an_entity_expansion_bomb_is_refused(tmp_path):
    # "Billion laughs": ten entities each ten times the one before, a gigabyte of
    # text from a file of a kilobyte.
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    lines = wxr(item(10)).splitlines()
    lines.insert(1, "<!DOCTYPE rss [" + "".join(entities) + "]>")
    bomb = "\n".join(lines).replace("The old blog", "&lol9;")
    path = write_export(tmp_path, bomb)

    with pytest.raises(CommandError, match="declares an XML entity"):
        run(path)

    assert Article.objects.count() == 0


def test_a_post_that_appears_twice_is_refused(tmp_path):
    path = write_export(tmp_path, wxr(item(10), item(10, name="again")))

    with pytest.raises(CommandError, match=r"Post 10 .* appears twice"):
        run(path)

    assert Article.objects.count() == 0


# Pictures keep their description and credit -----------------------------------


def figure(src: str, *, alt: str, caption: str, attachment_id: int = 50) -> str:
    """A picture as the block editor writes it."""
    return (
        f'<!-- wp:image {{"id":{attachment_id}}} -->'
        + '<figure class="wp-block-image size-large">'
        + f'<img src="{src}" alt="{alt}" class="wp-image-{attachment_id}"/>'
        + f'<figcaption class="wp-element-caption">{caption}</figcaption>'
        + "</figure><!-- /wp:image -->"
    )


def test_a_figure_becomes_a_credited_picture_in_the_body(tmp_path, media, client):
    png = make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = "<p>Before.</p>" + figure(
        f"{UPLOADS}/2025/01/naloxone-kit-1024x768.png",
        alt="A naloxone kit on a kitchen table",
        caption='Photo by <a href="https://photos.example.org/ann">Ann Example</a>'
        " on Example Photos",
    )
    path = write_export(
        tmp_path, wxr(attachment(50, alt="Other alt"), item(10, content=content))
    )

    output = run(path)

    article = Article.objects.get()
    picture = article.images.get()
    assert picture.alt == "A naloxone kit on a kitchen table"  # the post's, first
    assert picture.credit == "Photo by Ann Example on Example Photos"
    assert picture.image.read() == png  # the original, not the resized copy
    assert article.body == (
        "<p>Before.</p>"
        f'<p><img src="{picture.image.url}" alt="A naloxone kit on a kitchen table">'
        "</p>"
    )
    assert "Pictures: 1 imported, 1 with a credit." in output
    page = client.get(article.get_absolute_url()).text
    assert 'alt="A naloxone kit on a kitchen table"' in page
    assert "Photo by Ann Example on Example Photos</small>" in page


def test_a_caption_shortcode_gives_its_text_as_the_credit(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = (
        "Naloxone is free.\n\n"
        '[caption id="attachment_50" align="alignnone" width="300"]'
        f'<a href="{UPLOADS}/{PNG_PATH}"><img src="{UPLOADS}/2025/01/'
        'naloxone-kit-300x225.png" alt="" width="300" height="225" /></a>'
        " Photo: B. Example[/caption]\n\n"
        "Ask a pharmacist."
    )
    path = write_export(
        tmp_path, wxr(attachment(50, alt="A naloxone kit"), item(10, content=content))
    )

    run(path)

    article = Article.objects.get()
    picture = article.images.get()
    # No alt in the post: the attachment's. The shortcode's text: the credit.
    assert (picture.alt, picture.credit) == ("A naloxone kit", "Photo: B. Example")
    assert article.body == (
        "<p>Naloxone is free.</p>\n"
        f'<p><img src="{picture.image.url}" alt="A naloxone kit"></p>\n'
        "<p>Ask a pharmacist.</p>"
    )
    assert "caption" not in article.body
    assert article.summary == "Naloxone is free."


def test_a_caption_attribute_is_read_too(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = (
        '[caption id="attachment_50" caption="Photo: C. Example"]'
        f'<img src="{UPLOADS}/{PNG_PATH}" alt="A kit" />[/caption]'
    )
    path = write_export(tmp_path, wxr(attachment(50), item(10, content=content)))

    run(path)

    assert ArticleImage.objects.get().credit == "Photo: C. Example"


def test_without_a_caption_the_attachment_gives_the_credit(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    make_png(tmp_path / "export" / "uploads" / "2025/01/pharmacy.png", "navy")
    # WordPress stores a camera's credit in the attachment's serialised metadata.
    metadata = (
        'a:2:{s:4:"file";s:20:"2025/01/pharmacy.png";s:10:"image_meta";'
        'a:1:{s:6:"credit";s:11:"D. Exampl\u00e9";}}'
    )
    content = (
        f'<p><img src="{UPLOADS}/{PNG_PATH}" alt="A kit" class="wp-image-50"></p>'
        f'<p><img src="{UPLOADS}/2025/01/pharmacy.png" alt="A pharmacy"'
        ' class="wp-image-51"></p>'
    )
    path = write_export(
        tmp_path,
        wxr(
            attachment(50, caption="Photo: E. Example"),
            attachment(
                51, file="2025/01/pharmacy.png", _wp_attachment_metadata=metadata
            ),
            item(10, content=content),
        ),
    )

    run(path)

    assert list(ArticleImage.objects.values_list("alt", "credit")) == [
        ("A kit", "Photo: E. Example"),
        ("A pharmacy", "D. Exampl\u00e9"),
    ]


def test_the_featured_image_keeps_its_credit(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path,
        wxr(
            attachment(50, caption="Photo by F. Example on Example Photos"),
            item(meta={"_thumbnail_id": "50"}),
        ),
    )

    output = run(path)

    article = Article.objects.get()
    assert article.hero.credit == "Photo by F. Example on Example Photos"
    assert article.hero.alt == "A naloxone kit"
    assert "Pictures: 1 imported, 1 with a credit." in output


def test_an_editors_hero_credit_survives_an_export_without_one(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path, wxr(attachment(50), item(10, meta={"_thumbnail_id": "50"}))
    )
    run(path)
    ArticleImage.objects.update(credit="Added by an editor")

    run(path)

    assert Article.objects.get().hero.credit == "Added by an editor"


def test_a_changed_featured_image_replaces_the_hero_through_the_one_service(
    tmp_path, media, django_capture_on_commit_callbacks
):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    path = write_export(
        tmp_path, wxr(attachment(50), item(10, meta={"_thumbnail_id": "50"}))
    )
    run(path)
    first = Article.objects.get().hero
    changed = make_png(tmp_path / "export" / "uploads" / PNG_PATH, "orange")

    with (
        mock.patch("articles.tasks.article_image_make_renditions.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run(path)

    hero = Article.objects.get().hero
    assert hero != first and hero.image.read() == changed
    assert list(ArticleImage.objects.all()) == [hero]  # the old row is gone
    delay.assert_called_once_with(hero.pk)


def test_a_featured_image_that_is_also_in_the_body_is_stored_for_each(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = f'<p><img src="{UPLOADS}/{PNG_PATH}" alt="A kit"></p>'
    path = write_export(
        tmp_path,
        wxr(attachment(50), item(10, content=content, meta={"_thumbnail_id": "50"})),
    )

    run(path)
    run(path)

    article = Article.objects.get()
    [body_picture] = article.body_pictures
    assert body_picture != article.hero
    assert body_picture.image.url in article.body
    assert ArticleImage.objects.count() == 2


def test_a_body_picture_that_cannot_be_used_is_left_out_with_a_warning(tmp_path):
    make_png(tmp_path / "export" / "uploads" / "2025/01/no-alt.png")
    content = (
        f'<p>One.<img src="{UPLOADS}/2025/01/missing.png" alt="Gone"></p>'
        f'<p>Two.<img src="{UPLOADS}/2025/01/no-alt.png" alt=""></p>'
        '<p>Three.<img src="https://cdn.example.com/hotlinked.png" alt="Far"></p>'
    )
    path = write_export(tmp_path, wxr(item(10, content=content)))

    output = run(path)

    assert Article.objects.get().body == "<p>One.</p><p>Two.</p><p>Three.</p>"
    assert ArticleImage.objects.count() == 0
    assert "a picture in its body (missing.png) was not found" in output
    assert "a picture in its body (no-alt.png) has no alt text" in output
    assert "(hotlinked.png) was not found" in output  # never downloaded
    assert "Pictures: 0 imported" in output


def test_the_same_picture_twice_in_a_body_is_stored_once(tmp_path, media):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    img = f'<img src="{UPLOADS}/{PNG_PATH}" alt="A kit">'
    path = write_export(tmp_path, wxr(item(10, content=f"<p>{img}</p><p>{img}</p>")))

    run(path)

    picture = ArticleImage.objects.get()
    assert Article.objects.get().body.count(picture.image.url) == 2
    assert len(stored_files(media)) == 1


def test_running_again_reuses_body_pictures(tmp_path, media):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = figure(f"{UPLOADS}/{PNG_PATH}", alt="A kit", caption="Photo: G. Ex")
    path = write_export(tmp_path, wxr(attachment(50), item(10, content=content)))
    run(path)
    first = Article.objects.get()
    revisions = first.history.count()

    output = run(path)

    again = Article.objects.get()
    assert (again.body, again.updated_at) == (first.body, first.updated_at)
    assert again.history.count() == revisions
    assert ArticleImage.objects.count() == 1
    assert len(stored_files(media)) == 1
    assert "Pictures: 1 imported, 1 with a credit." in output


def test_a_changed_credit_updates_the_stored_picture(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    src = f"{UPLOADS}/{PNG_PATH}"
    run(
        write_export(
            tmp_path, wxr(item(10, content=figure(src, alt="A kit", caption="Old")))
        )
    )

    run(
        write_export(
            tmp_path, wxr(item(10, content=figure(src, alt="A kit", caption="New")))
        )
    )

    assert list(ArticleImage.objects.values_list("credit", flat=True)) == ["New"]


def test_body_pictures_are_resized_once_the_import_commits(
    tmp_path, django_capture_on_commit_callbacks
):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = f'<p><img src="{UPLOADS}/{PNG_PATH}" alt="A kit"></p>'
    path = write_export(tmp_path, wxr(item(10, content=content)))

    with (
        mock.patch("articles.tasks.article_image_make_renditions.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run(path)

    delay.assert_called_once_with(ArticleImage.objects.get().pk)


def test_a_dry_run_counts_body_pictures_and_writes_none(tmp_path, media):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = figure(f"{UPLOADS}/{PNG_PATH}", alt="A kit", caption="Photo: H. Ex")
    path = write_export(tmp_path, wxr(attachment(50), item(10, content=content)))

    output = run(path, "--dry-run")

    assert "Pictures: 1 imported, 1 with a credit." in output
    assert ArticleImage.objects.count() == 0
    assert stored_files(media) == []


def test_a_body_picture_written_before_a_failure_is_deleted_again(tmp_path, media):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = f'<p><img src="{UPLOADS}/{PNG_PATH}" alt="A kit"></p>'
    path = write_export(
        tmp_path,
        wxr(item(10, content=content), item(11, name="second", content=content)),
    )

    with (
        mock.patch(
            "articles.wordpress.media.article_image_renditions_queue",
            side_effect=[None, OSError("disk full")],
        ),
        pytest.raises(OSError, match="disk full"),
    ):
        run(path)

    assert ArticleImage.objects.count() == 0
    assert stored_files(media) == []


# Links to the old blog ----------------------------------------------------------


def linking(href: str, text: str = "this guide") -> str:
    return f'<p>Read <a href="{href}">{text}</a>.</p>'


def body_of(slug: str) -> str:
    return Article.objects.get(slug=slug).body


def test_a_link_to_a_post_in_the_import_goes_to_its_new_article(tmp_path):
    path = write_export(
        tmp_path,
        wxr(
            item(10, name="what-is-naloxone", content=linking(
                f"{OLD_SITE}/2019/05/carrying-naloxone/#where"
            )),
            item(11, name="carrying-naloxone", content=linking(f"{OLD_SITE}/?p=10")),
        ),
    )  # fmt: skip

    output = run(path)

    assert body_of("what-is-naloxone") == (
        '<p>Read <a href="/articles/carrying-naloxone/#where"'
        ' rel="noopener noreferrer">this guide</a>.</p>'
    )
    assert body_of("carrying-naloxone") == (
        '<p>Read <a href="/articles/what-is-naloxone/"'
        ' rel="noopener noreferrer">this guide</a>.</p>'
    )
    assert "Links to the old blog: 2 rewritten, 0 left unresolved." in output


def test_a_link_follows_a_post_whose_slug_had_to_change(tmp_path):
    ArticleFactory(slug="carrying-naloxone", wordpress_id=99)  # the post gets -2
    path = write_export(
        tmp_path,
        wxr(
            item(10, name="first", content=linking(f"{OLD_SITE}/carrying-naloxone/")),
            item(11, name="carrying-naloxone"),
        ),
    )

    run(path)

    assert 'href="/articles/carrying-naloxone-2/"' in body_of("first")


def test_relative_and_www_links_are_the_old_blogs_too(tmp_path):
    content = (
        linking("/2019/05/second/", "relative")
        + linking("https://WWW.old-blog.example.org/second/", "www")
        + linking("//old-blog.example.org/second/", "no scheme")
    )
    path = write_export(
        tmp_path, wxr(item(10, name="first", content=content), item(11, name="second"))
    )

    output = run(path)

    assert body_of("first").count('href="/articles/second/"') == 3
    assert "3 rewritten" in output


def test_a_post_imported_earlier_is_found_by_its_id(tmp_path):
    ArticleFactory(slug="from-last-year", wordpress_id=7)
    path = write_export(tmp_path, wxr(item(10, content=linking(f"{OLD_SITE}/?p=7"))))

    run(path)

    assert 'href="/articles/from-last-year/"' in body_of("naloxone-saves-lives")


def test_category_and_home_links_go_to_the_topic_and_home_page(tmp_path):
    content = linking(f"{OLD_SITE}/category/alcohol/", "alcohol") + linking(
        f"{OLD_SITE}/", "home"
    )
    path = write_export(
        tmp_path,
        wxr(item(10, content=content, categories=(("alcohol", "Alcohol"),))),
    )

    run(path)

    body = body_of("naloxone-saves-lives")
    assert 'href="/topics/alcohol/"' in body
    assert 'href="/"' in body


def test_an_unresolved_old_link_keeps_its_text_and_is_listed(tmp_path):
    content = (
        linking(f"{OLD_SITE}/2018/01/a-deleted-post/", "an old post")
        + linking(f"{OLD_SITE}/?page_id=3", "about us")
        + linking(f"{OLD_SITE}/wp-content/uploads/leaflet.pdf", "our leaflet")
    )
    path = write_export(tmp_path, wxr(item(10, title="Naloxone", content=content)))

    output = run(path)

    assert body_of("naloxone-saves-lives") == (
        "<p>Read an old post.</p><p>Read about us.</p><p>Read our leaflet.</p>"
    )
    assert "Links to the old blog: 0 rewritten, 3 left unresolved." in output
    assert f"'Naloxone': {OLD_SITE}/2018/01/a-deleted-post/" in output
    assert f"'Naloxone': {OLD_SITE}/?page_id=3" in output
    assert f"'Naloxone': {OLD_SITE}/wp-content/uploads/leaflet.pdf" in output


def test_an_unresolved_link_is_listed_without_anything_personal(tmp_path):
    content = linking(f"{OLD_SITE}/author/jbloggs/", "Jo") + linking(
        f"{OLD_SITE}/contact/?email=jo%40example.org&name=Jo", "write to us"
    )
    path = write_export(tmp_path, wxr(item(10, title="Naloxone", content=content)))

    output = run(path)

    assert f"'Naloxone': {OLD_SITE}/author/…" in output
    assert f"'Naloxone': {OLD_SITE}/contact/\n" in output
    assert "jbloggs" not in output
    assert "jo%40example.org" not in output
    assert "jo@example.org" not in output


def test_links_to_other_sites_are_left_alone(tmp_path):
    content = (
        linking("https://www.nhs.example.org/naloxone/", "the NHS")
        + linking("mailto:help@example.org", "email us")
        + linking("#where", "below")
    )
    path = write_export(tmp_path, wxr(item(10, content=content)))

    output = run(path)

    body = body_of("naloxone-saves-lives")
    assert (
        '<a href="https://www.nhs.example.org/naloxone/" rel="noopener noreferrer">'
        in body
    )
    assert '<a href="mailto:help@example.org" rel="noopener noreferrer">' in body
    assert '<a href="#where" rel="noopener noreferrer">' in body
    assert "0 rewritten, 0 left unresolved" in output


def test_another_address_of_the_old_blog_can_be_named(tmp_path):
    content = linking("https://blog.example.net/second/")
    path = write_export(
        tmp_path, wxr(item(10, name="first", content=content), item(11, name="second"))
    )

    run(path, "--old-site", "https://blog.example.net")

    assert 'href="/articles/second/"' in body_of("first")


def test_without_the_option_a_link_to_another_host_is_kept(tmp_path):
    content = linking("https://blog.example.net/second/")
    path = write_export(
        tmp_path, wxr(item(10, name="first", content=content), item(11, name="second"))
    )

    run(path)

    assert 'href="https://blog.example.net/second/"' in body_of("first")


def test_a_resized_copy_in_the_body_brings_in_the_original(tmp_path):
    original = make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    make_png(
        tmp_path / "export" / "uploads" / "2025/01/naloxone-kit-300x225.png", "red"
    )
    content = (
        f'<p><img src="{UPLOADS}/2025/01/naloxone-kit-300x225.png" alt="A kit"></p>'
    )
    path = write_export(tmp_path, wxr(item(10, content=content)))

    run(path)

    assert ArticleImage.objects.get().image.read() == original


def test_a_picture_first_in_the_body_does_not_become_the_summary(tmp_path):
    make_png(tmp_path / "export" / "uploads" / PNG_PATH)
    content = (
        figure(f"{UPLOADS}/{PNG_PATH}", alt="A kit", caption="Photo by I. Example")
        + "<p>Naloxone reverses an overdose.</p>"
    )
    path = write_export(tmp_path, wxr(attachment(50), item(10, content=content)))

    run(path)

    assert Article.objects.get().summary == "Naloxone reverses an overdose."
