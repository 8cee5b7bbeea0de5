"""Shared fixtures. Real-document tests use ../shared (the corpus and the seeds)
and skip with a clear reason when it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
SAMPLES = REPO / "samples"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the real-document corpus sits beside the repo as ../shared)")
    return path


@pytest.fixture
def corpus() -> Path:
    return need(CORPUS)


@pytest.fixture
def seeds() -> Path:
    return need(SEEDS)


@pytest.fixture(scope="session")
def ocr_cache() -> Path:
    """OCR results are cached across test runs (keyed by pixels and settings)."""
    p = REPO / ".pytest_cache" / "ocr"
    p.mkdir(parents=True, exist_ok=True)
    return p


@pytest.fixture
def settings(tmp_path, ocr_cache):
    from pipeline.config import Settings
    s = Settings(home=tmp_path / "home", settle_seconds=0)
    s.ensure_dirs()
    os.symlink(ocr_cache, s.cache / "ocr")
    return s


@pytest.fixture
def process(settings):
    """``process(path)`` -> DocumentResult, with the shared OCR cache."""
    from pipeline.inbox import sha256_file
    from pipeline.process import process_file

    def run(path: Path):
        return process_file(path, sha256_file(path), path.name, settings)
    return run


@pytest.fixture(scope="session")
def processed(tmp_path_factory, ocr_cache):
    """``processed(path)`` -> DocumentResult, computed once per file per test session."""
    from pipeline.config import Settings
    from pipeline.inbox import sha256_file
    from pipeline.process import process_file

    s = Settings(home=tmp_path_factory.mktemp("home"), settle_seconds=0)
    s.ensure_dirs()
    os.symlink(ocr_cache, s.cache / "ocr")
    memo: dict[Path, object] = {}

    def run(path: Path):
        path = need(path)
        if path not in memo:
            memo[path] = process_file(path, sha256_file(path), path.name, s)
        return memo[path]
    return run


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """API URL of one Prefect server shared by the tests that run ``kinerja``
    as real processes many times (:func:`tests.unattended.shared_prefect_server`)."""
    from .unattended import shared_prefect_server

    with shared_prefect_server(tmp_path_factory.mktemp("prefect-server")) as url:
        yield url


@pytest.fixture(scope="session")
def harness():
    """Prefect's test harness (a temporary API for flows run in this process),
    started once for every test that runs a flow in-process (about 25 s a start here)."""
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield
