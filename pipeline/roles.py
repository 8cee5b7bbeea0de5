"""Canonical performer roles of SOP swimlane columns.

Agencies label the *Pelaksana* columns in their own words (``Kadin``,
``Kabid/ Sekretaris``, ``Kasubag Keuangan dan Pelaporan``, ``Irban``,
``Front Office``); the label is kept as printed and mapped to one canonical
role by ordered rules (the first rule that matches wins; the more specific
positions come first so that ``Kepala Sub Bagian`` is not read as
``Kepala``). OCR splits inside abbreviations (``K asubb ag``) are tolerated by
also matching the label with its spaces removed.

Canonical roles (echelon order of Permendagri/PermenPAN-RB nomenclature):
``kepala_dinas`` (head of the OPD: Kepala Dinas/Badan/Kantor, Inspektur,
Camat), ``sekretaris``, ``kepala_bidang`` (incl. Inspektur Pembantu),
``kasubag`` (Kepala Sub Bagian), ``kepala_seksi``, ``kepala_upt``, ``staf``
(staff, pelaksana, petugas, front/back office, bendahara, functional staff such as arsiparis), ``tim`` (tim kerja,
tim teknis), ``pejabat_terkait``, ``pemohon`` (the applicant / public), and
``lainnya`` when nothing matches.
"""
from __future__ import annotations

import re

ROLE_RULES: list[tuple[str, str]] = [
    ("kasubag", r"ka\.?\s?sub+\.?\s?b?a?g|kepala\s?sub\s?bag|kasubbid|kepala\s?sub\s?bidang"),
    ("kepala_seksi", r"\bkasi\b|kepala\s?seksi|kasie"),
    ("kepala_upt", r"kepala\s?upt|ka\.?\s?upt|kepala\s?balai|kepala\s?uptd"),
    ("kepala_bidang", r"kabid|kepala\s?bidang|\birban\b|inspektur\s?pembantu"),
    ("sekretaris", r"sekretaris|sekdis|sekban|\bsekr?\b"),
    ("kepala_dinas", r"kepala\s?dinas|\bkadis\b|\bkadin\b|kepala\s?badan|\bkaban\b|inspektur|\bcamat\b|"
                     r"kepala\s?kantor|kepala\s?opd|kepala\s?dpmptsp|\bbupati\b|\bwali\s?kota\b|\bgubernur\b"),
    ("pejabat_terkait", r"pejabat"),
    ("tim", r"\btim\b"),
    ("pemohon", r"pemohon|permohonan|masyarakat|pengguna\s?layanan|wajib\s?pajak"),
    ("staf", r"\bstaf+\b|pelaksana|petugas|operator|front\s?office|back\s?office|bendahara|pengadministrasi|"
             r"analis|pengelola|verifikator|arsiparis|pranata|fungsional|\bfo\b|\bbo\b"),
]
CANONICAL_ROLES = [r for r, _ in ROLE_RULES] + ["lainnya"]
_COMPILED = [(role, re.compile(rx, re.I)) for role, rx in ROLE_RULES]


def _match(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text).strip()
    squeezed = text.replace(" ", "")
    for role, rx in _COMPILED:
        if rx.search(text) or rx.search(squeezed):
            return role
    return None


def canonical_role(label: str) -> str:
    """Canonical role for a column label as printed (see module docstring). A
    label naming two positions (``Sekretaris / Inspektur Pembantu``) takes
    the role of the first one."""
    text = re.sub(r"[^a-z/ ]", " ", label.lower())
    for part in text.split("/"):
        role = _match(part)
        if role:
            return role
    return _match(text.replace("/", " ")) or "lainnya"
