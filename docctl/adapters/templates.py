"""HTML templates: one jinja2 environment, autoescaped, over docctl/templates/html/.

The register and matrix pages, the portal and the HTML/PDF controlled copies are rendered from the
same templates and the same stylesheet (``docctl.css``), so that they look alike and are fixed once.
jinja2 is imported only when a page is rendered.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment: package templates, autoescape on, undefined names are errors."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("docctl", "templates/html"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` (e.g. ``"copy.html"``) with ``context``."""
    return environment().get_template(name).render(**context)
