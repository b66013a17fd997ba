"""Text files: bytes to str, as every reader of a controlled file, sidecar or catalogue needs it."""

from __future__ import annotations

from docctl.core.errors import DocumentReadError

BOM = b"\xef\xbb\xbf"


def decode_text(data: bytes) -> tuple[str, bool]:
    """UTF-8 text and whether it started with a BOM; DocumentReadError naming the line otherwise."""
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM) :]
    try:
        return data.decode("utf-8"), bom
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DocumentReadError(f"not UTF-8 text (byte 0x{data[error.start]:02x})", line=line) from None
