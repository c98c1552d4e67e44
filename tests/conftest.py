"""Shared fixtures: the sample portal on loopback, and the portal crawled once into an archive."""

from __future__ import annotations

import pytest

from helpers import FAST, SAMPLE_SITES, registry_file, run_bantin
from sampleportal.server import SamplePortal


@pytest.fixture(scope="session")
def portal():
    """The sample portal served on 127.0.0.1 for the whole test session."""
    with SamplePortal() as running:
        yield running


@pytest.fixture(scope="session")
def crawled(portal, tmp_path_factory):
    """The sample portal crawled once through the real CLI into a fresh ``archive.db``."""
    folder = tmp_path_factory.mktemp("crawl")
    sites = registry_file(portal, folder / "sites.toml")
    db = folder / "archive.db"
    first_hit = len(portal.hits)
    result = run_bantin("crawl", *SAMPLE_SITES, "--sites", str(sites), "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    return {"db": db, "sites": sites, "result": result, "hits": portal.hits[first_hit:]}


@pytest.fixture(scope="session")
def datasette(crawled):
    """Datasette itself over the crawled archive, with the project's metadata."""
    from datasette.app import Datasette

    from datasette_bantin.metadata import datasette_metadata

    return Datasette([str(crawled["db"])], metadata=datasette_metadata(crawled["db"]))
