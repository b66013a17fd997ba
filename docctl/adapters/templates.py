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


def source(name: str) -> str:
    """The text of a file of docctl/templates/html as it is (a stylesheet or script copied verbatim)."""
    env = environment()
    assert env.loader is not None
    text: str = env.loader.get_source(env, name)[0]
    return text


@lru_cache(maxsize=1)
def digest() -> str:
    """A digest of every template: what a page was rendered with (the portal skips unchanged pages)."""
    import hashlib

    env = environment()
    assert env.loader is not None
    hasher = hashlib.sha256()
    for name in sorted(env.loader.list_templates()):
        hasher.update(name.encode() + b"\0" + source(name).encode() + b"\0")
    return hasher.hexdigest()
