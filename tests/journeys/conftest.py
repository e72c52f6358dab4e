"""End-to-end journeys in Debian's Chromium. Each journey saves what a person saw,
on a phone and on a desktop, under `build/screenshots/<journey>/` (or
$SCREENSHOT_DIR/<journey>/), so a reviewer can look at every step after the run."""

import os
import re
from pathlib import Path

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ROOT = Path(__file__).resolve().parents[2]


class Screenshots:
    """`shots.take(page, "step")` saves `NN-step-phone.png` and `NN-step-desktop.png`:
    the page as it is now, full length, at both widths, then back to its own width."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def take(self, page, step: str) -> list[Path]:
        self.count += 1
        own = page.viewport_size
        saved = []
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            path = self.folder / f"{self.count:02d}-{step}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size(own)
        return saved


@pytest.fixture
def shots(request) -> Screenshots:
    base = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "build" / "screenshots")
    journey = re.sub(r"^test_", "", request.node.originalname)
    return Screenshots(base / journey)
