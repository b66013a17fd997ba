"""One module per command: ``run(args) -> int``. Rendering of results for the terminal lives here."""
