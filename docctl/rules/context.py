"""What every rule may look at besides the documents: configuration, the clock, and the references."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docctl.config.model import Config
from docctl.references.model import References


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleContext:
    config: Config
    now: dt.datetime  # aware; the clock is injected so tests can fix it
    #: The catalogues and each document's references, extracted and cached by the composer.
    #: None: the reference rules read the metadata only (``references``, ``supersedes``, ``clauses``).
    references: References | None = None

    @property
    def today(self) -> dt.date:
        return self.now.date()
