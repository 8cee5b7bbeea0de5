"""Every PDF of ../shared/corpus through one real ``kinerja run`` (slow: a few
minutes with a warm OCR cache; ``make test-slow``).

What is checked against the corpus MANIFEST and by eye, not against the code:
every file is processed and nothing is quarantined; every page is loaded;
each document gets the type its folder and notes say (the IKU forms and the
PK comparison sheet are no document type of ours: unknown; the ICDAR 2013
tables are not SAKIP documents); every PK, IKU and SOP is signed or unsigned
as the MANIFEST's ``has_signature`` says, read from the analysts' views."""
from __future__ import annotations

import csv
import json
import os
import shutil

import duckdb
import pytest

from .conftest import CORPUS, need
from .unattended import age, kinerja, kinerja_env

#: Document type by MANIFEST kind.
TYPE_OF_KIND = {"quarterly-report": "laporan_triwulan", "pk-scanned-signed": "perjanjian_kinerja",
                "rencana-aksi": "rencana_aksi", "monev-rencana-aksi": "monev", "sop-digital": "sop",
                "sop-scanned": "sop", "lkip-chapter": "lkjip", "icdar2013-pdf": "unknown",
                "iku-scanned-signed": "unknown"}
#: The kinds that hold several document types, by file (read on the pages).
TYPE_OF_FILE = {
    "pk/jabar-iku-bpmpd-ta-2016.pdf": "unknown", "pk/jabar-iku-disparbud-2016-jadi-ttd.pdf": "unknown",
    "pk/jabar-iku-kasi-kesmavet.pdf": "unknown", "pk/jabar-iku-kasi-pakan-ternak.pdf": "unknown",
    "pk/jabar-kasi-fasilitasi-usaha-dan-kelembagaan.pdf": "unknown",
    "pk/jabar-kasi-pasca-panen-dan-pengolahan.pdf": "unknown",
    "pk/jabar-perjanjian-kinerja-tahun-2016-museum.pdf": "perjanjian_kinerja",
    "pk/jabar-lampiran-2-pk-2016.pdf": "perjanjian_kinerja",
    "pk/jabar-lampiran-perjanjian-kinerja-2016-cagar-budaya.pdf": "perjanjian_kinerja",
    "pk/jabar-perjanjian-kinerja-tahun-2016-tmii.pdf": "perjanjian_kinerja",
    "pk/jabar-pk-banding.pdf": "unknown",
}


@pytest.mark.slow
@pytest.mark.corpus
def test_every_corpus_pdf_through_a_real_run(tmp_path, ocr_cache):
    corpus = need(CORPUS)
    with (corpus / "MANIFEST.csv").open(encoding="utf-8") as fh:
        rows = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader(fh) if r["file"].endswith(".pdf")}
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "cache").mkdir()
    os.symlink(ocr_cache, home / "cache" / "ocr")
    for name, r in rows.items():
        shutil.copy(corpus / r["file"], home / "inbox" / name)
    age(home / "inbox")

    r = kinerja(["run", "--home", str(home)], kinerja_env(tmp_path / "prefect"), timeout=3600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    events = [json.loads(ln) for log in (home / "logs").glob("*.jsonl") for ln in log.read_text().splitlines()]
    status = {e["name"]: e["status"] for e in events if e["event"] == "file_done"}
    assert status == {name: "processed" for name in rows}

    con = duckdb.connect(str(home / "kinerja-readonly.duckdb"), read_only=True)
    try:
        docs = {n: (t, pages) for n, t, pages in con.execute(
            "select original_name, doc_type, page_count from rpt_documents").fetchall()}
        blocks = dict(con.execute("select original_name, bool_or(signed) from rpt_signatures group by 1").fetchall())
        marks = {n for (n,) in con.execute("select distinct original_name from rpt_page_signatures").fetchall()}
    finally:
        con.close()
    assert {n: p for n, (_t, p) in docs.items()} == {n: int(r["pages"]) for n, r in rows.items()}
    want = {n: TYPE_OF_FILE.get(r["file"]) or TYPE_OF_KIND[r["kind"]] for n, r in rows.items()}
    assert {n: t for n, (t, _p) in docs.items()} == want
    signed = {n: blocks[n] if n in blocks else n in marks for n, r in rows.items() if r["file"].startswith(("pk/", "sop/"))}
    assert signed == {n: r["has_signature"] == "yes" for n, r in rows.items() if r["file"].startswith(("pk/", "sop/"))}
