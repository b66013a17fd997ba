"""The documents' history from git: ``walk`` (the one ``git log`` pass), ``cache`` (its state kept
under ``.git/docctl``), ``load`` (:class:`History` at a tip, :func:`load_history`). The values it
produces (events, revisions) are in :mod:`docctl.core.timeline`."""
