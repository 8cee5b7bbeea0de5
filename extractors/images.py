"""Raster inputs (JPEG, PNG, TIFF incl. multi-page, BMP, WebP) via Pillow."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image, ImageOps, ImageSequence

DEFAULT_DPI = 300
#: Largest image we decode, in pixels. Pillow's own bomb guard fires at 2x its
#: limit only; we refuse anything above this before decoding (a 20,000 x 20,000
#: TIFF is 400 MP = 400 MB gray and is refused).
MAX_PIXELS = 120_000_000


class ImageTooLargeError(ValueError):
    """The image has more pixels than :data:`MAX_PIXELS` (possible decompression bomb)."""


@dataclass(frozen=True)
class ImageInfo:
    """Header facts read without decoding pixels."""

    format: str
    frames: int
    width: int
    height: int
    dpi: int | None


def _dpi_of(im: Image.Image) -> int | None:
    dpi = im.info.get("dpi")
    if not dpi:
        return None
    try:
        value = int(round(float(dpi[0])))
    except (TypeError, ValueError, IndexError):
        return None
    return value if 50 <= value <= 1200 else None


def _check_size(im: Image.Image) -> None:
    if im.width * im.height > MAX_PIXELS:
        raise ImageTooLargeError(f"{im.width} x {im.height} pixels")


def _open(path: Path) -> Image.Image:
    """``Image.open`` with Pillow's bomb check turned into :class:`ImageTooLargeError`
    (Pillow raises its own error when the header claims over twice its limit)."""
    try:
        return Image.open(path)
    except Image.DecompressionBombError as e:
        raise ImageTooLargeError(str(e)) from e


def probe(path: Path) -> ImageInfo:
    """Read the image header. Raises ``PIL.UnidentifiedImageError``/``OSError`` on a
    broken file and :class:`ImageTooLargeError` above :data:`MAX_PIXELS`."""
    with _open(path) as im:
        frames = getattr(im, "n_frames", 1)
        _check_size(im)
        return ImageInfo(format=im.format or "", frames=frames, width=im.width, height=im.height, dpi=_dpi_of(im))


def iter_frames(path: Path) -> Iterator[tuple[np.ndarray, int | None]]:
    """Yield each frame of the image as an (H, W, 3) uint8 RGB array with the
    dpi recorded in the file (``None`` when absent, typical of phone photos).

    EXIF orientation is applied (phone photos). One frame is decoded at a time.
    Raises as :func:`probe` does, and ``OSError`` for a truncated file.
    """
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with _open(path) as im:
            _check_size(im)
            for frame in ImageSequence.Iterator(im):
                dpi = _dpi_of(frame) or _dpi_of(im)
                upright = ImageOps.exif_transpose(frame)
                if upright.mode in ("RGBA", "LA", "P"):
                    upright = upright.convert("RGBA")
                    bg = Image.new("RGBA", upright.size, (255, 255, 255, 255))
                    upright = Image.alpha_composite(bg, upright)
                yield np.asarray(upright.convert("RGB"), dtype=np.uint8).copy(), dpi
    finally:
        Image.MAX_IMAGE_PIXELS = old
