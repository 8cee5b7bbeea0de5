"""Decide a file's type from its first bytes, never from its name."""
from __future__ import annotations

from pathlib import Path

from .errors import EmptyFileError, UnsupportedFileTypeError

_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
]


def sniff(path: Path) -> str:
    """``pdf``, ``jpeg``, ``png``, ``tiff``, ``bmp`` or ``webp`` from the file's
    magic bytes. A PDF header may follow up to 1 KiB of junk (as Acrobat accepts).

    Raises :class:`EmptyFileError` for 0 bytes and
    :class:`UnsupportedFileTypeError` for anything else (a .txt renamed .pdf).
    """
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if not head:
        raise EmptyFileError(f"'{path.name}' is empty (0 bytes).")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head:
        return "pdf"
    suffix = path.suffix.lower() or "(none)"
    looks_text = all(32 <= b < 127 or b in (9, 10, 13) for b in head[:256])
    what = "a plain-text file" if looks_text else "not a PDF or an image"
    raise UnsupportedFileTypeError(
        f"'{path.name}' is {what}, although its name ends in {suffix}.",
        detail=f"first bytes: {head[:16]!r}")
