"""Render a fictional agency's performance year from
samples/content/kinerja-*.json: per unit a Perjanjian Kinerja (letter page,
target table, programme/budget table; PermenPAN-RB 53/2014 annex), a Rencana
Aksi (targets TW I..IV) and the simple Laporan Kinerja Triwulan of each quarter
it reports (sasaran, indikator, satuan, target, realisasi, capaian %,
keterangan), each signed by the head of the unit. Documents named in a unit's
``scanned`` map are written only as scans (image-only PDF or multi-page TIFF,
200 dpi, skewed and noisy); the rest are born-digital PDFs.

Ground truth per file goes to samples/truth/ with the values converted from
the printed text by the Indonesian convention the content is written in
(:func:`id_number`), and capaian by ../shared/DOMAIN.md: R/T x 100 for positive
indicators, (2T - R)/T x 100 for negative ones, 100 inside a range target.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .render import BODY, BOLD, TITLE, degrade, rasterise

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
GRID = [("GRID", (0, 0), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]


def id_number(text: str) -> float | None:
    """A number written in the Indonesian convention (``1.200``, ``12,5``);
    ``None`` for ``-`` or an empty cell."""
    text = text.strip()
    if text in ("", "-"):
        return None
    return float(text.replace(".", "").replace(",", "."))


def id_range(text: str) -> tuple[float | None, float | None]:
    """``(low, high)`` of a target; a plain number is its own bounds."""
    if "-" in text.strip("-") and text.strip() != "-":
        a, b = text.split("-")
        return id_number(a), id_number(b)
    v = id_number(text)
    return v, v


def capaian(target: str, realisasi: str, polarity: str) -> float | None:
    """Capaian in percent by ../shared/DOMAIN.md; ``None`` without a target or realisation."""
    low, high = id_range(target)
    r = id_number(realisasi)
    if r is None or high is None or high == 0:
        return None
    t = high if r > high else low if r < low else r
    return (2 * t - r) / t * 100 if polarity == "negative" else r / t * 100


def id_format(v: float | None) -> str:
    """``93,33`` style (two decimals, trailing zeros dropped); ``-`` for none."""
    if v is None:
        return "-"
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def _p(text: str, style=BODY) -> Paragraph:
    return Paragraph(text, style)


def _heading(lines: list[str]) -> list:
    return [_p(f"<b>{t}</b>", TITLE) for t in lines] + [Spacer(1, 10)]


def _signature(place_date: str, jabatan: str, person: dict) -> Table:
    """The signature block at the right foot of a page (jabatan, room for the pen, name, pangkat, NIP)."""
    block = _p(f"{place_date}<br/>{jabatan}<br/><br/><br/><br/><b><u>{person['nama']}</u></b><br/>"
               f"{person['pangkat']}<br/>NIP. {person['nip']}")
    return Table([["", block]], colWidths=[470, 280])


def _indicator_rows(unit: dict) -> list[tuple[int, dict, dict]]:
    """``(sasaran number, sasaran, indicator)`` in print order."""
    return [(k, s, i) for k, s in enumerate(unit["sasaran"], 1) for i in s["indicators"]]


def _table(rows: list[list], widths: list[float], header_rows: int, spans: list) -> Table:
    rows = [[_p(f"<b>{h}</b>") if h else "" for h in r] for r in rows[:header_rows]] + rows[header_rows:]
    t = Table(rows, colWidths=widths, repeatRows=header_rows)
    t.setStyle(TableStyle([*GRID, *spans, ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e6e6e6"))]))
    return t


def _sasaran_spans(unit: dict, first_row: int, col: int) -> list:
    """SPAN commands merging the sasaran (and its number) over its indicators."""
    spans, row = [], first_row
    for s in unit["sasaran"]:
        n = len(s["indicators"])
        if n > 1:
            spans += [("SPAN", (0, row), (0, row + n - 1)), ("SPAN", (col, row), (col, row + n - 1))]
        row += n
    return spans


def _body_rows(unit: dict, cells) -> list[list]:
    rows, seen = [], set()
    for k, s, ind in _indicator_rows(unit):
        first = k not in seen
        seen.add(k)
        rows.append([str(k) if first else "", _p(s["sasaran"]) if first else "", _p(ind["indikator"]), ind["satuan"],
                     *cells(ind)])
    return rows


def perjanjian_kinerja(c: dict, unit: dict) -> list:
    head, kepala = unit["head"], c["kepala"]
    jabatan = f"{head['jabatan_short'].upper()} PADA {c['opd_full']}"
    party = lambda p, jab: Table([["Nama", ":", _p(p["nama"])], ["Jabatan", ":", _p(jab)]],
                                 colWidths=[60, 12, 560], style=[("VALIGN", (0, 0), (-1, -1), "TOP")])
    letter = [
        *_heading([c["pemda"], c["opd_full"], f"PERJANJIAN KINERJA TAHUN {c['year']}"]),
        _p("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan dan akuntabel serta "
           "berorientasi pada hasil, kami yang bertanda tangan di bawah ini:"), Spacer(1, 6),
        party(head, jabatan), _p("Selanjutnya disebut PIHAK PERTAMA"), Spacer(1, 6),
        party(kepala, kepala["jabatan"]),
        _p("Selaku atasan PIHAK PERTAMA, selanjutnya disebut PIHAK KEDUA"), Spacer(1, 6),
        _p("PIHAK PERTAMA berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian ini, "
           "dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam dokumen "
           "perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab kami."),
        _p("PIHAK KEDUA akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap capaian "
           "kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka pemberian penghargaan "
           "dan sanksi."), Spacer(1, 14),
        Table([["", f"{c['place']}, {c['dates']['pk']}"]], colWidths=[470, 280]),
        Table([[_p("<b>PIHAK KEDUA,</b>"), _p("<b>PIHAK PERTAMA,</b>")], ["", ""], ["", ""],
               [_p(f"<b><u>{kepala['nama']}</u></b>"), _p(f"<b><u>{head['nama']}</u></b>")],
               [kepala["pangkat"], head["pangkat"]], [f"NIP. {kepala['nip']}", f"NIP. {head['nip']}"]],
              colWidths=[470, 280], rowHeights=[14, 22, 22, 14, 12, 12]),
    ]
    targets = _table([["No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Target"],
                      *_body_rows(unit, lambda ind: [ind["target"]])],
                     [30, 230, 300, 70, 80], 1, _sasaran_spans(unit, 1, 1))
    budget = _table([["No", "Program", "Anggaran (Rp)", "Keterangan"],
                     *[[str(k), _p(p["program"]), p["anggaran"], p["keterangan"]]
                       for k, p in enumerate(unit["programs"], 1)]], [30, 440, 140, 100], 1, [])
    annex = [*_heading([f"PERJANJIAN KINERJA TAHUN {c['year']}", unit["name"], c["opd_full"]]), targets,
             Spacer(1, 12), budget, Spacer(1, 14),
             _signature(f"{c['place']}, {c['dates']['pk']}", head["jabatan_short"], head)]
    return letter + [PageBreak()] + annex


def rencana_aksi(c: dict, unit: dict) -> list:
    head = unit["head"]
    rows = [["No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Target Tahunan", "Target Triwulan", "", "", "",
             "Penanggung Jawab"],
            ["", "", "", "", "", "TW I", "TW II", "TW III", "TW IV", ""],
            *_body_rows(unit, lambda ind: [ind["target"], *ind["tw"], _p(head["jabatan_short"])])]
    spans = [*[("SPAN", (k, 0), (k, 1)) for k in (0, 1, 2, 3, 4, 9)], ("SPAN", (5, 0), (8, 0)),
             *_sasaran_spans(unit, 2, 1)]
    t = _table(rows, [26, 170, 210, 50, 60, 45, 45, 45, 45, 100], 2, spans)
    return [*_heading([f"RENCANA AKSI KINERJA TAHUN {c['year']}", unit["name"], c["opd_full"]]), t, Spacer(1, 14),
            _signature(f"{c['place']}, {c['dates']['renaksi']}", head["jabatan_short"], head)]


def laporan_triwulan(c: dict, unit: dict, q: int) -> list:
    head, tw = unit["head"], ROMAN[q]

    def cells(ind):
        r = ind["realisasi"][q - 1]
        cap = capaian(ind["tw"][q - 1], r, ind["polarity"])
        note = "tidak diukur triwulan ini" if ind["tw"][q - 1] == "-" else ""
        return [ind["target"], ind["tw"][q - 1], r or "-", id_format(cap), _p(note)]
    rows = [["No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", f"Target Tahun {c['year']}",
             f"Target TW {tw}", f"Realisasi TW {tw}", "Capaian (%)", "Keterangan"], *_body_rows(unit, cells)]
    t = _table(rows, [26, 160, 200, 50, 60, 55, 60, 55, 100], 1, _sasaran_spans(unit, 1, 1))
    return [*_heading([f"LAPORAN KINERJA TRIWULAN {tw} TAHUN {c['year']}", unit["name"], c["opd_full"]]), t,
            Spacer(1, 14), _signature(f"{c['place']}, {c['dates']['tw'][q - 1]}", head["jabatan_short"], head)]


def _pdf(flowables: list, title: str, author: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=40, rightMargin=40, topMargin=36, bottomMargin=36,
                            title=title, author=author, invariant=1)
    doc.build(flowables)
    return buf.getvalue()


def _truth_lines(unit: dict, q: int | None, kind: str) -> list[dict]:
    out = []
    for _k, s, ind in _indicator_rows(unit):
        low, high = id_range(ind["target"])
        line = {"sasaran": s["sasaran"], "indicator": ind["indikator"], "satuan": ind["satuan"],
                "polarity": ind["polarity"], "aggregation": ind["aggregation"],
                "target_raw": ind["target"], "target": high, "target_low": low}
        if kind == "rencana_aksi":
            line["targets_q"] = {str(k): id_range(t)[1] for k, t in enumerate(ind["tw"], 1)}
        if q is not None:
            r = ind["realisasi"][q - 1] or "-"
            line.update(target_q_raw=ind["tw"][q - 1], realisasi_raw=r, realisasi=id_number(r),
                        capaian=capaian(ind["tw"][q - 1], r, ind["polarity"]))
        out.append(line)
    return out


def documents(c: dict) -> list[tuple[str, str, list, dict]]:
    """``(file stem, key in the unit's scanned map, flowables, truth)`` for every document of the year."""
    out = []
    for unit in c["units"]:
        base = {"year": c["year"], "opd": c["opd_full"], "unit": unit["name"]}
        slug = unit["key"]
        out.append((f"pk-{c['year']}-{slug}", "pk", perjanjian_kinerja(c, unit),
                    {**base, "form": "perjanjian_kinerja", "quarter": None,
                     "parties": {"pertama": {**unit["head"], "nip": unit["head"]["nip"].replace(" ", "")},
                                 "kedua": {**c["kepala"], "nip": c["kepala"]["nip"].replace(" ", "")}},
                     "place": c["place"], "lines": _truth_lines(unit, None, "perjanjian_kinerja"),
                     "budget": [{"program": p["program"], "anggaran": id_number(p["anggaran"])}
                                for p in unit["programs"]]}))
        out.append((f"renaksi-{c['year']}-{slug}", "renaksi", rencana_aksi(c, unit),
                    {**base, "form": "rencana_aksi", "quarter": None,
                     "lines": _truth_lines(unit, None, "rencana_aksi")}))
        for q in unit["quarters"]:
            out.append((f"lapkin-tw{q}-{c['year']}-{slug}", f"tw{q}", laporan_triwulan(c, unit, q),
                        {**base, "form": "laporan_triwulan", "quarter": q,
                         "lines": _truth_lines(unit, q, "laporan_triwulan")}))
    return out


def write(inbox: Path, truth_dir: Path, content: Path, seed: int = 200) -> list[str]:
    """Render every document of ``content`` into ``inbox`` with its truth in ``truth_dir``; the names written."""
    c = json.loads(content.read_text(encoding="utf-8"))
    rng = np.random.default_rng(seed)
    scanned = {u["key"]: u["scanned"] for u in c["units"]}
    names = []
    for stem, key, flowables, truth in documents(c):
        pdf = _pdf(flowables, stem, c["opd_full"])
        how = scanned[stem.rsplit("-", 1)[-1]].get(key)
        if how is None:
            name, what = f"{stem}.pdf", "born-digital PDF"
            (inbox / name).write_bytes(pdf)
        else:
            pages = [Image.fromarray(degrade(p, rng, (0.9, -0.6, 0.4)[k % 3])) for k, p in enumerate(rasterise(pdf, 200))]
            if how == "tiff":
                name, what = f"{stem}.tiff", "multi-page TIFF scan, 200 dpi, skewed, noisy"
                pages[0].save(inbox / name, save_all=True, append_images=pages[1:], dpi=(200, 200),
                              compression="jpeg", quality=60)
            else:
                name, what = f"{stem}-scan.pdf", "image-only scanned PDF, 200 dpi, skewed, noisy, JPEG"
                pages[0].save(inbox / name, save_all=True, append_images=pages[1:], resolution=200, quality=70)
        (truth_dir / f"{name}.json").write_text(json.dumps({"file": name, "what": what, **truth}, indent=1,
                                                           ensure_ascii=False) + "\n", encoding="utf-8")
        names.append(name)
    return names
