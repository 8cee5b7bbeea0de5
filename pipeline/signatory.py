"""Signature-block text: jabatan, printed name, pangkat/golongan and NIP.

A block is printed as (jabatan over one or more lines, often ending in a comma)
/ space for the pen / name (often with academic titles: ``S.Pi``, ``M.Si``) /
pangkat with golongan (``Pembina Utama Muda, IV/c``) / ``NIP. ...``. Tables
flatten it into one line; both shapes are handled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .nip import extract_nip

_GOLONGAN = re.compile(r"\(?\b(I{1,3}|IV)\s*/\s*[a-eA-E]\b\)?")
_PANGKAT_WORDS = re.compile(r"\b([PR]embina|Penata|Pengatur|Juru)\b(\s+(Utama|Madya|Muda|Tingkat|Tk\.?\s*I+|TK\.?\s*I+))*", re.I)
_JABATAN_HEAD = re.compile(r"^\s*(plt\.?\s+|plh\.?\s+|a\.?n\.?\s+)?(kepala|inspektur|bupati|wali\s*kota|walikota|gubernur|camat|lurah|sekretaris|"
                           r"kasubag|kasubbag|kabid|kasi|direktur|irban|sekda)\b", re.I)
_NIP_TAIL = re.compile(r"\bN\s?I\s?P\b.*$", re.I)
_DEGREE = r"(?:Dr|Drs|Dra|Ir|H|Hj|S\.?\s?[A-Za-z]{1,4}|M\.?\s?[A-Za-z]{1,4}|SE|SH|ST|MM|MT|MH|MSi|MAP|Ak|CA|A\.?Md|Amd|B\.?Sc|S\.?Pd|Sos|Kom)\.?"
_NAME_WITH_DEGREES = re.compile(rf"([A-Z][A-Z.'\- ]*[A-Z.]\s*(?:,\s*{_DEGREE}(?:\s*,?\s*{_DEGREE})*)*\.?)\s*$")


@dataclass(frozen=True)
class Signatory:
    """Parts of a signature block; ``None`` where the block does not print them."""

    jabatan: str | None
    nama: str | None
    pangkat: str | None
    nip_raw: str | None


def _clean(s: str | None) -> str | None:
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s).strip(" ,;:\\/|«»")
    return s or None


def _is_pangkat(line: str) -> bool:
    return bool(_GOLONGAN.search(line) or _PANGKAT_WORDS.search(line))


def _looks_like_name(line: str) -> bool:
    core = re.split(r",", line)[0].strip()
    letters = [c for c in core if c.isalpha()]
    if not letters or len(core) > 60:
        return False
    has_degree = "," in line or re.search(r"\b(S\.\w+|M\.\w+|Dr\.|Ir\.|Drs\.)", line)
    upper = sum(c.isupper() for c in letters) / len(letters) > 0.8
    return bool(upper or has_degree)


def parse_signatory(lines: list[str]) -> Signatory:
    """Split a signature block given as text lines (top to bottom).

    Multi-line blocks: the NIP line, the pangkat line (golongan pattern or a
    pangkat word), the name (the last remaining line that looks like a name:
    upper case or with academic titles), and the jabatan (lines above the name).
    A one-line block (``Camat Koto XI Tarusan NUBLATI, SE, M.Si NIP. ...``) is
    split at the NIP label, then at a run of two spaces, then at the first
    upper-case word run that carries academic titles.
    """
    # a line with no word of three letters or a long number is stamp/signature noise
    lines = [ln.strip() for ln in lines if ln and re.search(r"[A-Za-z]{3}|\d{6}", ln)]
    nip_raw = None
    rest: list[str] = []
    for ln in lines:
        found = extract_nip(ln)
        if found and nip_raw is None:
            nip_raw = found
            head = _NIP_TAIL.sub("", ln).strip(" ,;:")  # keep inner double spaces: they separate parts
            if head:
                rest.append(head)
        else:
            rest.append(ln)
    pangkat = None
    for i in range(len(rest) - 1, -1, -1):
        if _GOLONGAN.search(rest[i]) or (len(rest) > 1 and _is_pangkat(rest[i]) and not _looks_like_name(rest[i])):
            pangkat = rest.pop(i)
            break
    if len(rest) >= 2:
        idx = next((i for i in range(len(rest) - 1, 0, -1) if _looks_like_name(rest[i])), len(rest) - 1)
        nama = rest[idx]
        jabatan = " ".join(rest[:idx])
        return Signatory(_clean(jabatan), _clean(nama), _clean(pangkat), nip_raw)
    if not rest:
        return Signatory(None, None, _clean(pangkat), nip_raw)
    one = rest[0]
    parts = re.split(r"\s{2,}", one)
    if len(parts) >= 2:
        return Signatory(_clean(" ".join(parts[:-1])), _clean(parts[-1]), _clean(pangkat), nip_raw)
    m = _NAME_WITH_DEGREES.search(one)
    if m and m.start(1) > 0 and "," in m.group(1):
        # walk back over upper-case words only (the jabatan is title case)
        name_part = m.group(1)
        words = name_part.split()
        k = 0
        while k < len(words) and not (words[k].rstrip(",").isupper() and len(words[k].rstrip(",.")) > 1 and "," in " ".join(words[k:])):
            k += 1
        name = " ".join(words[k:])
        jab = (one[:m.start(1)] + " ".join(words[:k])).strip()
        return Signatory(_clean(jab), _clean(name), _clean(pangkat), nip_raw)
    if _JABATAN_HEAD.match(one) or not _looks_like_name(one):
        return Signatory(_clean(one), None, _clean(pangkat), nip_raw)
    return Signatory(None, _clean(one), _clean(pangkat), nip_raw)
