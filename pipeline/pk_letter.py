"""The letter page of a Perjanjian Kinerja (PermenPAN-RB 53/2014, annex):

    Nama     : <name>
    Jabatan  : <jabatan, may run over two lines>
    Selanjutnya disebut PIHAK PERTAMA   (also printed PIHAK KESATU)
    Nama     : <name>
    Jabatan  : <jabatan>
    Selaku atasan PIHAK PERTAMA, selanjutnya disebut PIHAK KEDUA
    ...
    <place>, <day> <month> <year>
    PIHAK KEDUA            PIHAK PERTAMA
    <name>                 <name>
    <pangkat>              <pangkat>
    NIP. ...               NIP. ...

The two signature columns are assigned to the parties by position: each
``NIP`` (and pangkat) is taken from the column whose printed name matches the
party's name, else from the column under the party's own ``PIHAK`` label.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from .dates import signing_line
from .layout import Line
from .models import FieldValue, Party, Provenance
from .nip import check_nip, extract_nip
from .signatory import _is_pangkat

_LABEL = re.compile(r"^\s*(nama|jabatan)\s*[:.;]?\s*(.*)$", re.I)
_SELANJUTNYA = re.compile(r"selanjutnya\s+disebut|selaku\s+atasan", re.I)
_PIHAK = re.compile(r"pihak\s+(pertama|kesatu|ke[do0]ua)", re.I)   # KEOUA: scanner OCR


def _field(name: str, value: str | None, words, page_no: int, extractor: str) -> FieldValue | None:
    if not value:
        return None
    value = re.sub(r"\s+", " ", value).strip(" :;,.|\"'")
    return FieldValue(name=name, value=value, raw=value, provenance=Provenance.of_words(list(words), page_no, extractor))


def parse_pk_letter(lines: list[Line], page_no: int, extractor: str) -> tuple[list[Party], str | None, str | None]:
    """``(parties, place, signed_date ISO or None)`` from one page's lines;
    ``([], None, None)`` when the page is not a PK letter (no ``Nama``/
    ``Jabatan`` pairs followed by *selanjutnya disebut*)."""
    blocks: list[dict] = []
    current: dict | None = None
    field = None
    for ln in lines:
        text = ln.text
        m = _LABEL.match(text)
        if m:
            key = m.group(1).lower()
            if key == "nama" or current is None:
                current = {"nama": [], "jabatan": [], "words": {"nama": [], "jabatan": []}}
                blocks.append(current)
            field = key
            current[key].append(m.group(2))
            current["words"][key].extend(ln.words[1:])
            continue
        if current is not None and _SELANJUTNYA.search(text):
            named = _PIHAK.findall(text)   # "Selaku atasan PIHAK KESATU, selanjutnya disebut PIHAK KEDUA": the last
            current["pihak"] = "kedua" if named and named[-1].lower() in ("kedua", "keoua", "ke0ua") else "pertama"
            current, field = None, None
            continue
        if current is not None and field == "jabatan" and text.strip():
            current["jabatan"].append(text)
            current["words"]["jabatan"].extend(ln.words)
    blocks = [b for b in blocks if "pihak" in b and b["nama"]]
    if not blocks:
        return [], None, None
    parties: list[Party] = []
    for b in blocks[:2]:
        parties.append(Party(
            pihak=b["pihak"],
            nama=_field("nama", " ".join(b["nama"]), b["words"]["nama"], page_no, extractor),
            jabatan=_field("jabatan", " ".join(b["jabatan"]), b["words"]["jabatan"], page_no, extractor)))
    place, signed = signing_line(ln.text for ln in lines)
    _attach_signature_columns(parties, lines, page_no, extractor)
    return parties, place, signed


def _name_anchor(name: str, lines: list[Line]):
    """The lowest printed word of the party's name (its signature column),
    matched on the name's longest token (fuzzy, for OCR slips)."""
    tokens = sorted(re.findall(r"[A-Za-z]{3,}", name), key=len, reverse=True)
    if not tokens:
        return None
    best = None
    for ln in lines:
        if _LABEL.match(ln.text):
            continue
        for w in ln.words:
            if fuzz.ratio(tokens[0].lower(), w.text.lower().strip(",.")) >= 85 and (best is None or w.bbox.y0 > best.bbox.y0):
                best = w
    return best


def _attach_signature_columns(parties: list[Party], lines: list[Line], page_no: int, extractor: str) -> None:
    """NIP and pangkat of each party from the signature columns at the foot of
    the page: each NIP goes to the nearest name column above it, each at most once."""
    nips = [(s, extract_nip(s.text)) for ln in lines for s in ln.segments if extract_nip(s.text)]
    anchors = {id(p): _name_anchor(p.nama.value, lines) for p in parties if p.nama}
    pairs = []
    for p in parties:
        a = anchors.get(id(p))
        if a is None:
            continue
        cx = (a.bbox.x0 + a.bbox.x1) / 2
        for k, (seg, _raw) in enumerate(nips):
            if seg.bbox.y0 > a.bbox.y0:
                pairs.append((abs((seg.bbox.x0 + seg.bbox.x1) / 2 - cx) + (seg.bbox.y0 - a.bbox.y0) * 0.1, id(p), k))
    used_p, used_n = set(), set()
    for _d, pid, k in sorted(pairs):
        if pid in used_p or k in used_n:
            continue
        used_p.add(pid)
        used_n.add(k)
        party = next(p for p in parties if id(p) == pid)
        seg, raw = nips[k]
        party.nip = FieldValue(name="nip", value=re.sub(r"\D", "", raw), raw=raw,
                               provenance=Provenance.of_words(list(seg.words), page_no, extractor))
        party.nip_check = check_nip(raw)
        if party.nip_check.status != "valid":
            party.nip.flag = "invalid" if party.nip_check.status == "invalid" else "flag"
        a = anchors[pid]
        for ln in lines:
            for s in ln.segments:
                if a.bbox.y0 < s.bbox.y0 < seg.bbox.y0 and _is_pangkat(s.text) and s.bbox.x0 - 40 <= a.bbox.x1 \
                        and s.bbox.x1 + 40 >= a.bbox.x0:
                    text = s.text.strip(" |")
                    party.pangkat = FieldValue(name="pangkat", value=text, raw=s.text,
                                               provenance=Provenance.of_words(list(s.words), page_no, extractor))
