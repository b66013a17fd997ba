"""The command line: main.py (global options, dispatch, the one error handler), commands/ (one module
per command, declaring its own arguments), options.py (options several commands share) and
output.py (what commands write)."""
