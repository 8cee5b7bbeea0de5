"""Shared drawing and degradation helpers of the sample generators: page
styles, rasterising a PDF (pypdfium2), a scanner's look and a phone photo."""
from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
from reportlab.lib.styles import ParagraphStyle

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11)
BOLD = ParagraphStyle("bold", parent=BODY, fontName="Helvetica-Bold")
TITLE = ParagraphStyle("title", parent=BOLD, fontSize=11, leading=14, alignment=1)


def rasterise(pdf: bytes, dpi: int) -> list[np.ndarray]:
    doc = pdfium.PdfDocument(pdf)
    pages = [np.ascontiguousarray(doc[i].render(scale=dpi / 72, rev_byteorder=True).to_numpy()[..., :3])
             for i in range(len(doc))]
    doc.close()
    return pages


def degrade(rgb: np.ndarray, rng: np.random.Generator, angle: float) -> np.ndarray:
    """Scanner look: grey paper, skew, blur, noise (JPEG comes when saving)."""
    g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    g = g * 0.85 + 25
    h, w = g.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    g = cv2.warpAffine(g, m, (w, h), borderValue=235)
    g = cv2.GaussianBlur(g, (3, 3), 0.8)
    g += rng.normal(0, 9, g.shape)
    return np.clip(g, 0, 255).astype(np.uint8)


def phone_photo(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The page on a dark desk, in perspective, with a lighting gradient."""
    h, w = rgb.shape[:2]
    canvas = np.full((int(h * 1.35), int(w * 1.3), 3), (60, 52, 45), np.uint8)
    ch, cw = canvas.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[cw * 0.12, ch * 0.10], [cw * 0.90, ch * 0.13], [cw * 0.87, ch * 0.90], [cw * 0.09, ch * 0.86]])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(rgb, m, (cw, ch), borderMode=cv2.BORDER_TRANSPARENT, dst=canvas)
    grad = np.linspace(1.0, 0.72, cw, dtype=np.float32)[None, :, None]
    out = np.clip(warped.astype(np.float32) * grad + rng.normal(0, 4, warped.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(out, (3, 3), 0.6)
