"""Parsing a WXR file safely: defusedxml, with the line each <item> starts on noted
for error messages, and every parsing failure turned into a WordPressImportError."""

from pathlib import Path

# Building only: parsing is defusedxml's (DefusedXMLParser below).
from xml.etree.ElementTree import Element, ParseError, TreeBuilder  # nosec B405
from xml.parsers import expat

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .report import WordPressImportError


class _LineRecorder:
    """A tree builder that notes the line each <item> starts on, for error messages
    (ElementTree's elements do not keep their position)."""

    def __init__(self) -> None:
        self._builder = TreeBuilder()
        self.expat = None  # the parser's expat object, set once the parser exists
        self.item_lines: dict[Element, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = self._builder.start(tag, attrs)
        if tag == "item":
            self.item_lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        return self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def close(self) -> Element:
        return self._builder.close()


def parse_xml(path: Path) -> tuple[Element, dict[Element, int]]:
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder)
    recorder.expat = parser.parser
    try:
        with path.open("rb") as export:
            while chunk := export.read(64 * 1024):
                parser.feed(chunk)
        root = parser.close()
    except OSError as error:
        raise WordPressImportError(
            f"Cannot read {path}: {error.strerror or error}"
        ) from error
    except ParseError as error:
        line, column = error.position
        reason = expat.ErrorString(error.code) if error.code else str(error)
        raise WordPressImportError(
            f"{path.name} is not valid XML: {reason} at line {line}, column {column}."
        ) from error
    except EntitiesForbidden as error:
        raise WordPressImportError(
            f"{path.name} was refused: it declares an XML entity ({error.name!r}),"
            " which a WordPress export never does and an entity-expansion attack"
            f" does (line {parser.parser.CurrentLineNumber})."
        ) from error
    except DefusedXmlException as error:
        raise WordPressImportError(
            f"{path.name} was refused: it refers to an external file or DTD"
            f" (line {parser.parser.CurrentLineNumber})."
        ) from error
    return root, recorder.item_lines
