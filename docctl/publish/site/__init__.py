"""The point-of-use portal (``docctl site``): a static folder of HTML pages of the documents in force,
with their content, signatures, history and references, an archive, the register, the coverage
matrix and a search that works from disk. See docs/publishing.md."""

from __future__ import annotations

from docctl.publish.site.build import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
