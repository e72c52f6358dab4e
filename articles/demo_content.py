"""Demo articles for seed_demo: written for this project, fictional service, UK context.

The words are data files in demo/ beside this module: demo/index.toml lists the
topics, the articles (titles, summaries, references), the fictional reviewer and the
hero picture's description, and each body is an HTML file of its own. They are read
once, when seed_demo imports this module.
"""

import tomllib
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def _html(name: str) -> str:
    # A text file ends with a newline; the HTML an editor stores does not.
    return (DEMO_DIR / name).read_text(encoding="utf-8").removesuffix("\n")


_DEMO = tomllib.loads((DEMO_DIR / "index.toml").read_text(encoding="utf-8"))

ARTICLES: list[dict[str, str]] = [
    {
        "title": article["title"],
        "slug": article["slug"],
        "topic": article["topic"],
        "summary": article["summary"],
        "body": _html(f"articles/{article['slug']}.html"),
    }
    for article in _DEMO["articles"]
]

# The demo topics. Safety information is shown first on the Get help form to someone
# who arrives from an article on that topic.
TOPICS: list[dict[str, str]] = [
    {
        "name": topic["name"],
        "slug": topic["slug"],
        "safety_information": (
            _html(topic["safety_information"]) if "safety_information" in topic else ""
        ),
    }
    for topic in _DEMO["topics"]
]

# A fictional reviewer for the demo: not a real person, not a real registration.
REVIEWER: dict[str, str] = _DEMO["reviewer"]

# Published guidance the demo articles draw on, by article slug.
REFERENCES: dict[str, list[str]] = {
    article["slug"]: article["references"]
    for article in _DEMO["articles"]
    if article.get("references")
}

HERO_ALT: str = _DEMO["hero"]["alt"]
HERO_CREDIT: str = _DEMO["hero"]["credit"]


def hero_image_png() -> bytes:
    """The demo's hero picture, drawn here rather than downloaded: a calm landscape."""
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a pale sky, lighter towards the horizon
        shade = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(int(200 + 40 * shade), int(225 + 20 * shade), int(235 + 10 * shade)),
        )
    draw.ellipse([1150, 140, 1330, 320], fill=(250, 240, 205))  # a low sun
    for offset, colour in ((520, (150, 190, 160)), (620, (110, 160, 130)),
                           (720, (75, 125, 105))):  # fmt: skip
        draw.polygon(
            [(0, height), (0, offset), (400, offset - 90), (900, offset + 10),
             (1300, offset - 70), (width, offset - 20), (width, height)],
            fill=colour,
        )  # fmt: skip
    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
