"""The PDF controlled copy: the HTML copy printed by WeasyPrint (docs/decisions.md says why
WeasyPrint and not LibreOffice), and reading a PDF copy back for ``docctl verify``.

WeasyPrint writes the stamp's ``<meta name="docctl-...">`` into the PDF's document information
(custom metadata, names without the hyphen) and draws the running header, the footer with
"page x of y" and the watermark on every page from the copy's CSS.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docctl.core.errors import DocctlError, DocumentReadError
from docctl.publish.copy import Copy
from docctl.publish.stamp import Stamp

if TYPE_CHECKING:
    from pypdf import PdfReader

INSTALL = (
    "PDF copies need WeasyPrint: pip install 'docctl[pdf]' "
    "(and the Pango libraries: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)"
)


class EngineMissingError(DocctlError):
    """The PDF engine cannot be loaded."""


def render(copy: Copy) -> bytes:
    """The PDF copy as bytes."""
    from docctl.publish import html

    return print_html(html.render(copy).decode("utf-8"))


def print_html(page: str) -> bytes:
    """A self-contained HTML page printed to PDF by WeasyPrint (its <meta> names become PDF metadata);
    nothing but data: URIs is fetched. EngineMissingError names what to install."""
    weasyprint = _engine()
    _quiet("weasyprint")
    document = weasyprint.HTML(string=page, base_url=None, url_fetcher=_fetcher())
    return bytes(document.write_pdf(custom_metadata=True))


def _quiet(name: str) -> None:
    """The library never prints: a library's log records reach the application's handlers, if it
    has any, and never Python's last-resort handler on standard error."""
    logger = logging.getLogger(name)
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _engine() -> Any:
    try:
        import weasyprint
    except ImportError:
        raise EngineMissingError(INSTALL) from None
    except OSError as error:  # the Python package is there, Pango is not
        raise EngineMissingError(f"{INSTALL}: {str(error).splitlines()[0]}") from None
    return weasyprint


def _fetcher() -> Any:
    """A copy is self-contained (images are data: URIs): nothing else is fetched."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 66: a function
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args: object, **kwargs: object) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"a controlled copy fetches nothing ({url[:60]})")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols=("data",))


# reading back ---------------------------------------------------------------------------------


def open_pdf(data: bytes) -> PdfReader:
    """A PDF reader; DocumentReadError for a file pypdf cannot read or that is encrypted."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise DocumentReadError("reading PDF copies needs pypdf: pip install pypdf") from None
    _quiet("pypdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentReadError("the PDF is encrypted")
        reader.metadata  # noqa: B018 - parses the trailer's /Info now, inside the try
    except PyPdfError as error:
        raise DocumentReadError(f"not a readable PDF ({error})") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as error:
        raise DocumentReadError(f"not a readable PDF ({type(error).__name__})") from None
    return reader


def read_stamp(reader: PdfReader) -> Stamp | None:
    """The stamp in the document information, or None."""
    values: dict[str, str] = {}
    for key, value in (reader.metadata or {}).items():
        name = str(key).lstrip("/")
        if name.startswith("docctl"):
            values[name] = str(value)
    return Stamp.from_items(values)


def body_text(reader: PdfReader) -> str | None:
    """The text of the document's content as printed: the pages from the start of the body to the
    signature page, without the running header and footer (outside the page's content area) and
    the watermark (rotated). None when the PDF does not show where the body is."""
    first, last = _page_of(reader, "docctl-body"), _page_of(reader, "docctl-signatures")
    if first is None or last is None:
        return None
    pieces: list[str] = []
    try:
        for number in range(first, max(first + 1, last)):
            pieces.extend(_content_text(reader.pages[number]))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, ZeroDivisionError) as error:
        raise DocumentReadError(f"the PDF's pages cannot be read ({type(error).__name__})") from None
    except Exception as error:  # pypdf's own errors (PyPdfError), imported lazily
        if type(error).__module__.startswith("pypdf"):
            raise DocumentReadError(f"the PDF's pages cannot be read ({error})") from None
        raise
    return "".join(pieces)


def _page_of(reader: PdfReader, anchor: str) -> int | None:
    """The page (0-based) of an element's id, from the PDF's named destinations."""
    try:
        destinations = reader.named_destinations
        destination = destinations.get(anchor) or destinations.get("/" + anchor)
        return reader.get_destination_page_number(destination) if destination is not None else None
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, RecursionError):
        return None


def _content_text(page: Any) -> list[str]:
    box = page.mediabox
    bottom, top = float(box.bottom) + _BOTTOM, float(box.top) - _TOP
    pieces: list[str] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: object, size: object) -> None:
        matrix = _multiply(tm, cm)
        if abs(matrix[1]) > 1e-6 or abs(matrix[2]) > 1e-6:  # rotated: the watermark
            return
        if bottom <= matrix[5] <= top:
            pieces.append(text)

    page.extract_text(visitor_text=visit)
    return pieces


_MM = 72 / 25.4
_TOP, _BOTTOM = 24 * _MM, 22 * _MM  # the @page margins of copy.html


def _multiply(a: Sequence[float], b: Sequence[float]) -> tuple[float, ...]:
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )
