"""Importing the old WordPress blog: a WXR export ("WordPress eXtended RSS") becomes
articles.

An export is untrusted input. It is parsed with defusedxml, which refuses entity
declarations (the "billion laughs" attack) and external references, and pictures
are read only from a local folder: nothing is ever fetched over the network.

One idea a module, in the order an import runs:

- `wxr`: parsing the file safely, noting the line each item starts on;
- `export`: what the export holds, read into posts and attachments;
- `markup`: a post's HTML: paragraphs, shortcodes, pictures marked, plain text;
- `posts`: each post to its article and topics;
- `media`: pictures, found under the media folder, checked, placed and written;
- `links`: links to the old blog, rewritten to their new addresses;
- `run`: the import itself, all or nothing (`articles_import_wordpress`);
- `report`: what the caller gets back, or the error it is refused with.
"""

from .report import WordPressImportError
from .run import articles_import_wordpress

__all__ = ["WordPressImportError", "articles_import_wordpress"]
