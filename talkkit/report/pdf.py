"""Reports as PDF: the report's own HTML page printed by WeasyPrint (from PyPI; it lays out
with Debian's pango), so the PDF shows what the HTML shows, charts included.

WeasyPrint is in the ``pdf`` extra (``pip install 'talkkit[pdf]'``), not in the Binder
image: :class:`PdfUnavailable` says how to get it. It fetches nothing: only ``data:`` URLs
(the charts) are allowed, so no file and no host is read while printing.
"""

from __future__ import annotations

__all__ = ["PdfUnavailable", "html_to_pdf"]


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the pango library it needs) is missing."""


def html_to_pdf(html: str) -> bytes:
    """``html`` (a self-contained page) as PDF bytes."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: pango's library is missing
        raise PdfUnavailable(str(exc)) from exc
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    pdf = HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(pdf_tags=True)
    assert isinstance(pdf, bytes)
    return pdf
