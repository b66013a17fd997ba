"""The version of docctl; imports nothing, so that every layer may read it."""

__version__ = "1.0.0.dev0"
