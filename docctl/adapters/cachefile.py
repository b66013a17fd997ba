"""Cache files under ``.git/docctl``: pickled values, read leniently, written atomically, in shards.

A cache file that is missing, truncated, or written by another version of docctl reads as None:
the caller rebuilds what it held. Writing goes through a temporary file and a rename, so a reader
never sees half a file. The history cache (:mod:`docctl.history.cache`) and the parse caches
(:mod:`docctl.composer.store`) keep their values this way; each puts its own version or generation
into the value it writes and checks it on reading.
"""

from __future__ import annotations

import gc
import pickle
import zlib
from pathlib import Path
from typing import IO, Any

#: What reading a damaged or foreign pickle can raise.
_UNREADABLE = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    AttributeError,
    ValueError,
    TypeError,
    ImportError,
    IndexError,
)


def unpickle(handle: IO[bytes]) -> Any:
    """pickle.load with the cyclic garbage collector paused: unpickling builds many objects, and the
    collector would otherwise run over all of them again and again (several times slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)
    finally:
        if enabled:
            gc.enable()


def read(path: Path) -> Any:
    """The value stored in ``path``, or None when the file is missing or cannot be read."""
    try:
        with path.open("rb") as handle:
            return unpickle(handle)
    except _UNREADABLE:
        return None


def write(path: Path, value: object) -> None:
    """Store ``value`` in ``path`` atomically (the folder is created); OSError when it cannot be written."""
    from docctl.adapters.atomic import write_atomic  # imported when first needed: a warm run writes nothing

    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def shard_of(key: str, shards: int) -> int:
    """The shard of ``shards`` that keeps ``key``: stable across processes and Python versions."""
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % shards
