"""The register as JSON: ``Register.to_dict``, indented, one trailing newline."""

from __future__ import annotations

import json

from docctl.register.model import Register


def render(register: Register) -> bytes:
    return (json.dumps(register.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
