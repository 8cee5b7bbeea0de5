from pathlib import Path

import pytest

from pipeline.errors import EmptyFileError, UnsupportedFileTypeError
from pipeline.filetypes import sniff
from pipeline.inbox import InboxFile, archive_copy, quarantine, safe_name, scan_inbox, sha256_file


def test_sniff_by_content_not_name(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n...")
    (tmp_path / "photo.pdf").write_bytes(b"\xff\xd8\xff\xe0rest")
    (tmp_path / "notes.pdf").write_text("hello, this is text")
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert sniff(tmp_path / "a.pdf") == "pdf"
    assert sniff(tmp_path / "photo.pdf") == "jpeg"
    with pytest.raises(UnsupportedFileTypeError, match="plain-text"):
        sniff(tmp_path / "notes.pdf")
    with pytest.raises(EmptyFileError):
        sniff(tmp_path / "empty.pdf")


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd", "etc_passwd"),
    ("Laporan TW I – Dinas Perikanan (ñ).pdf", "Laporan TW I – Dinas Perikanan (ñ).pdf"),
    ("..hidden..pdf", "hidden.pdf"),
    ("a\x00b\nc.pdf", "abc.pdf"),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_archive_is_content_addressed_and_idempotent(tmp_path):
    src = tmp_path / "x.PDF"
    src.write_bytes(b"%PDF-1.4 hello")
    sha = sha256_file(src)
    a = archive_copy(src, sha, tmp_path / "archive")
    assert a == tmp_path / "archive" / sha[:2] / f"{sha}.pdf"
    assert a.read_bytes() == src.read_bytes()
    assert archive_copy(src, sha, tmp_path / "archive") == a


def test_scan_leaves_young_files_and_reports_links(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "old.pdf").write_bytes(b"x")
    (inbox / "sub" / "nested.pdf").write_bytes(b"x")
    (inbox / ".hidden.pdf").write_bytes(b"x")
    outside = tmp_path / "secret.txt"
    outside.write_text("not yours")
    (inbox / "link.pdf").symlink_to(outside)
    import os, time
    for p in (inbox / "old.pdf", inbox / "sub" / "nested.pdf"):
        os.utime(p, (time.time() - 60, time.time() - 60))
    (inbox / "copying.pdf").write_bytes(b"x")
    scan = scan_inbox(inbox, settle_seconds=5)
    assert [f.name for f in scan.ready] == ["old.pdf", "sub/nested.pdf"]
    assert [f.name for f in scan.waiting] == ["copying.pdf"]
    assert [f.name for f, _ in scan.unsafe] == ["link.pdf"]


def test_quarantine_moves_file_and_writes_reason(tmp_path):
    src = tmp_path / "inbox" / "bad file.pdf"
    src.parent.mkdir()
    src.write_bytes(b"")
    item = InboxFile(src, "bad file.pdf", 0, 0)
    dest = quarantine(item, EmptyFileError("'bad file.pdf' is empty (0 bytes)."), tmp_path / "q")
    assert not src.exists() and dest.exists() and dest.parent == tmp_path / "q"
    reason = Path(str(dest) + ".reason.txt").read_text()
    assert "is empty" in reason and "What to do:" in reason
