"""What an import tells its caller: the report of a run, or why it was refused."""

from dataclasses import dataclass, field


class WordPressImportError(Exception):
    """The export cannot be imported. The message names the problem and the post
    (by WordPress id and line), never anyone's personal data."""


@dataclass
class ImportReport:
    """What an import did (in a dry run, would have done). Warnings name posts by
    title, never by author; unresolved links are old addresses with anything that
    could name a person (author pages, query strings) left out."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    pictures: int = 0  # placed: hero pictures and pictures in bodies
    pictures_credited: int = 0
    links_rewritten: int = 0
    unresolved_links: list[str] = field(default_factory=list)  # "'Title': old URL"
