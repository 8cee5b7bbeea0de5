"""Render sample SOP forms (SOP AP layout, PermenPAN-RB 35/2012) from
samples/content/*.json: a born-digital PDF (reportlab), an image-only scanned
PDF (200 dpi, skew, noise, blur, JPEG), a multi-page TIFF scan and a phone
photo of the identity sheet; ground truth goes to samples/truth/. The
performance documents of samples/content/kinerja-*.json (PK, Rencana Aksi,
quarterly reports of a fictional agency's year) come from
:mod:`samples.performance`.

Run: ``python -m samples.generate [--out samples]``. Deterministic (fixed seeds).
"""
from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle, PageBreak, Flowable

from pipeline.dates import parse_date

from . import performance
from .render import BODY, TITLE, degrade, phone_photo, rasterise

HERE = Path(__file__).resolve().parent


def _numbered(items: list[str]) -> Paragraph:
    return Paragraph("<br/>".join(f"{i}. {t}" for i, t in enumerate(items, 1)) or " ", BODY)


class Symbol(Flowable):
    """A flowchart symbol (capsule, rect, diamond) drawn in a role cell."""

    def __init__(self, kind: str, w: float = 46, h: float = 18):
        super().__init__()
        self.kind, self.width, self.height = kind, w, h

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(1)
        if self.kind == "capsule":
            c.roundRect(0, 0, self.width, self.height, self.height / 2)
        elif self.kind == "diamond":
            w, h = self.width, self.height
            p = c.beginPath()
            p.moveTo(w / 2, 0); p.lineTo(w, h / 2); p.lineTo(w / 2, h); p.lineTo(0, h / 2); p.close()
            c.drawPath(p)
        else:
            c.rect(0, 0, self.width, self.height)


def identity_sheet(s: dict) -> list:
    d = s["disahkan"]
    sig = Paragraph(f"{d['jabatan']}<br/><br/><br/><br/><b>{d['nama']}</b><br/>{d['pangkat']}<br/>NIP. {d['nip']}", BODY)
    agency = Paragraph("<br/>".join(f"<b>{a}</b>" for a in s["agency"]), TITLE)
    rows = [
        [agency, Paragraph("Nomor SOP", BODY), Paragraph(s["nomor_sop"], BODY)],
        ["", Paragraph("Tanggal Pembuatan", BODY), Paragraph(s["tanggal_pembuatan"] or " ", BODY)],
        ["", Paragraph("Tanggal Revisi", BODY), Paragraph(s["tanggal_revisi"] or " ", BODY)],
        ["", Paragraph("Tanggal Efektif", BODY), Paragraph(s["tanggal_efektif"] or " ", BODY)],
        ["", Paragraph("Disahkan Oleh", BODY), sig],
        ["", Paragraph("Nama SOP", BODY), Paragraph(f"<b>{s['nama_sop']}</b>", BODY)],
        [Paragraph("<b>Dasar Hukum :</b>", BODY), Paragraph("<b>Kualifikasi Pelaksana :</b>", BODY), ""],
        [_numbered(s["dasar_hukum"]), _numbered(s["kualifikasi_pelaksana"]), ""],
        [Paragraph("<b>Keterkaitan :</b>", BODY), Paragraph("<b>Peralatan/Perlengkapan :</b>", BODY), ""],
        [_numbered(s["keterkaitan"]), _numbered(s["peralatan_perlengkapan"]), ""],
        [Paragraph("<b>Peringatan :</b>", BODY), Paragraph("<b>Pencatatan dan Pendataan :</b>", BODY), ""],
        [Paragraph(" ".join(s["peringatan"]), BODY), Paragraph(" ".join(s["pencatatan_pendataan"]), BODY), ""],
    ]
    t = Table(rows, colWidths=[330, 130, 300])
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (0, 0), (0, 5)), ("VALIGN", (0, 0), (0, 5), "MIDDLE"),
        *[("SPAN", (1, r), (2, r)) for r in range(6, 12)],
    ]))
    return [t]


def flowchart(s: dict) -> list:
    roles = s["roles"]
    head = ["No", "Kegiatan", *roles, "Kelengkapan", "Waktu", "Output", "Ket"]
    rows = [[Paragraph(f"<b>{h}</b>", BODY) for h in head]]
    for i, st in enumerate(s["steps"], 1):
        cells = ["" for _ in roles]
        cells[st["role"]] = Symbol(st["symbol"])
        rows.append([str(i), Paragraph(st["kegiatan"], BODY), *cells, Paragraph(st["kelengkapan"], BODY),
                     st["waktu"], Paragraph(st["output"], BODY), ""])
    widths = [25, 170] + [62] * len(roles) + [110, 55, 95, 30]
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("FONTSIZE", (0, 0), (-1, -1), 9), ("TOPPADDING", (0, 1), (-1, -1), 7),
                           ("BOTTOMPADDING", (0, 1), (-1, -1), 7)]))
    return [Paragraph(f"<b>SOP {s['nama_sop']}</b>", TITLE), Spacer(1, 8), t]


def born_digital(s: dict) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=40, rightMargin=40, topMargin=36, bottomMargin=36,
                            title=s["nama_sop"], author=s["agency"][-1], invariant=1)
    doc.build(identity_sheet(s) + [PageBreak()] + flowchart(s))
    return buf.getvalue()


def truth(s: dict) -> dict:
    d = s["disahkan"]
    iso = lambda t: parse_date(t).value.isoformat() if t else None
    return {
        "agency": " ".join(s["agency"]), "nomor_sop": s["nomor_sop"], "nama_sop": s["nama_sop"],
        "tanggal_pembuatan": iso(s["tanggal_pembuatan"]), "tanggal_revisi": iso(s["tanggal_revisi"]),
        "tanggal_efektif": iso(s["tanggal_efektif"]), "disahkan_jabatan": d["jabatan"], "disahkan_nama": d["nama"],
        "disahkan_pangkat": d["pangkat"], "disahkan_nip": "".join(d["nip"].split()),
        "boxes": {b: s[b] for b in ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan",
                                    "peringatan", "pencatatan_pendataan")},
        "steps": [{"no": i, **st, "role": s["roles"][st["role"]]} for i, st in enumerate(s["steps"], 1)],
    }


def main(out: Path = HERE) -> None:
    inbox, truth_dir = out / "inbox", out / "truth"
    inbox.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    for k, src in enumerate(sorted((HERE / "content").glob("sop-*.json"))):
        s = json.loads(src.read_text(encoding="utf-8"))
        rng = np.random.default_rng(100 + k)
        stem = src.stem
        pdf = born_digital(s)
        pages = rasterise(pdf, 200)
        outputs = {f"{stem}-digital.pdf": "born-digital PDF"}
        (inbox / f"{stem}-digital.pdf").write_bytes(pdf)
        scans = [Image.fromarray(degrade(p, rng, angle)) for p, angle in zip(pages, (1.2, -0.7))]
        if k % 2 == 0:
            scans[0].save(inbox / f"{stem}-scan.pdf", save_all=True, append_images=scans[1:], resolution=200,
                          quality=70)
            outputs[f"{stem}-scan.pdf"] = "image-only scanned PDF, 200 dpi, skewed, noisy, JPEG"
        else:
            scans[0].save(inbox / f"{stem}-scan.tiff", save_all=True, append_images=scans[1:], dpi=(200, 200),
                          compression="jpeg", quality=60)
            outputs[f"{stem}-scan.tiff"] = "multi-page TIFF scan, 200 dpi, skewed, noisy"
            photo = phone_photo(rasterise(pdf, 150)[0], rng)
            Image.fromarray(photo).save(inbox / f"{stem}-photo.jpg", quality=80)
            outputs[f"{stem}-photo.jpg"] = "phone photo of the identity sheet (perspective, shading, no dpi)"
        t = truth(s)
        for name, what in outputs.items():
            (truth_dir / f"{name}.json").write_text(json.dumps({"file": name, "what": what, **t}, indent=1,
                                                               ensure_ascii=False) + "\n", encoding="utf-8")
    for content in sorted((HERE / "content").glob("kinerja-*.json")):
        performance.write(inbox, truth_dir, content)
    print(f"samples written to {inbox} and {truth_dir}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=HERE)
    main(ap.parse_args().out)
