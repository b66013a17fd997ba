"""One module per command of docctl/cli/main.py's COMMANDS: ``configure(parser)`` declares its
arguments, ``run(args) -> int`` runs it."""
