"""The Nu Html Checker (vnu.jar, on the system's Java) over the saved pages: its
errors count, its warnings (type `info`) do not."""

import json
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

from .pages import Target, slug
from .processes import NODE_MODULES, REPORTS, ROOT, AuditError, remaining, say

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_SECONDS = 180


@dataclass
class HtmlError:
    line: int
    message: str
    extract: str

    def __str__(self) -> str:
        extract = " ".join(self.extract.split())
        return f"line {self.line}: {self.message}\n      {extract}"


def check_html(targets: list[Target]) -> dict[str, list[HtmlError]]:
    """The checker's errors (not its warnings), by page name."""
    folder = REPORTS / "html"
    by_file = {str(folder / f"{slug(t.name)}.html"): t.name for t in targets if t.html}
    say(f"The Nu Html Checker: {len(by_file)} pages...")
    try:
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
             *by_file],
            capture_output=True,
            text=True,
            timeout=remaining(VNU_SECONDS),
            check=False,
            cwd=ROOT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise AuditError(f"the HTML checker took over {VNU_SECONDS}s") from None
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        raise AuditError(f"the HTML checker said:\n{result.stderr[-2000:]}") from None
    (REPORTS / "html-checker.json").write_text(json.dumps(messages, indent=2))
    found: dict[str, list[HtmlError]] = {name: [] for name in by_file.values()}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        path = urlsplit(message.get("url", "")).path
        name = by_file.get(path, path)
        found.setdefault(name, []).append(
            HtmlError(
                line=message.get("lastLine", 0),
                message=message.get("message", ""),
                extract=message.get("extract", ""),
            )
        )
    return found
