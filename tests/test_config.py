"""bantin's settings: read once into one record, defaults from settings.py, old names accepted."""

from __future__ import annotations

import logging

from scrapy.settings import Settings

import settings as project_settings
from crawler import config


def test_a_name_not_set_takes_settings_py_s_value():
    read = config.read_settings(Settings({"BANTIN_DB": "other.db", "BANTIN_CAPTURES": "false"}))
    assert ("other.db", False) == (read.db, read.captures)
    assert project_settings.BANTIN_BATCH_SIZE == read.batch_size
    assert project_settings.BANTIN_RETRY_BACKOFF_MAX == read.retry_backoff_max


def test_an_old_name_still_works_with_one_deprecation_line(caplog):
    config._WARNED.discard("ARCHIVE_DB")
    with caplog.at_level(logging.WARNING, logger="bantin"):
        first = config.read_settings(Settings({"ARCHIVE_DB": "old.db", "RETRY_BACKOFF_BASE": "0.5"}))
        config.read_settings(Settings({"ARCHIVE_DB": "old.db"}))
    assert ("old.db", 0.5) == (first.db, first.retry_backoff_base)
    assert ["setting ARCHIVE_DB is deprecated: use BANTIN_DB"] == [
        r.getMessage() for r in caplog.records if "ARCHIVE_DB" in r.getMessage()]
