"""The registry of Hanoi's portals, as data."""

from __future__ import annotations

from collections import Counter

import pytest

from crawler.sites import PAGE_FAMILIES, RegistryError, crawlable_sites, load_registry, select_sites

DISTRICT_KINDS = ("urban district", "rural district", "town")


def test_every_former_district_level_unit_is_registered():
    registry = load_registry()
    kinds = Counter(site.level for site in registry.values() if site.level in DISTRICT_KINDS)
    assert {"urban district": 12, "rural district": 17, "town": 1} == dict(kinds)


def test_every_site_has_a_vietnamese_name_hosts_start_pages_family_and_status():
    for site in load_registry().values():
        assert site.display_name and site.hosts and site.start_urls
        assert site.family in PAGE_FAMILIES
        assert site.status in ("legacy", "active", "gone")
        assert all(site.owns(url) for url in site.start_urls)


def test_hosts_belong_to_one_site_each():
    hosts = [host for site in load_registry().values() for host in site.hosts]
    assert len(hosts) == len(set(hosts))


def test_sister_host_is_the_same_site():
    longbien = load_registry()["longbien"]
    assert longbien.owns("https://portal.longbien.gov.vn/tin-tuc")
    assert longbien.owns("https://longbien.hanoi.gov.vn/")
    assert not longbien.owns("https://hoankiem.hanoi.gov.vn/")


def test_ward_and_city_portals_are_registered():
    registry = load_registry()
    assert "ward" == registry["duongnoi"].level
    assert ("city", "cms2025") == (registry["hanoi"].level, registry["hanoi"].family)


def test_a_users_file_adds_and_overrides_entries(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[hoankiem]\nhosts = ["hoankiem.hanoi.gov.vn"]\n'
                    'start_urls = ["https://hoankiem.hanoi.gov.vn/"]\nstatus = "gone"\n\n'
                    '[xa-moi]\ndisplay_name = "Xã Mới"\nhosts = ["xamoi.hanoi.gov.vn"]\n'
                    'start_urls = ["https://xamoi.hanoi.gov.vn/"]\n', encoding="utf-8")
    registry = load_registry(mine)
    assert "gone" == registry["hoankiem"].status
    assert "xa-moi" in registry
    names = {site.name for site in crawlable_sites(registry)}
    assert "hoankiem" not in names and "xa-moi" in names


@pytest.mark.parametrize(("text", "message"), [
    ('[x]\nhosts = ["a"]\n', "needs hosts and start_urls"),
    ('[x]\nhosts = ["a"]\nstart_urls = ["https://a/"]\nstatus = "dead"\n', "status must be one of"),
    ('[x]\nhosts = ["a"]\nstart_urls = ["https://a/"]\nfamily = "drupal"\n', "family must be one of"),
    ("[x\n", "cannot read site registry"),
])
def test_bad_registry_files_are_one_line_errors(tmp_path, text, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError, match=message) as raised:
        load_registry(bad)
    assert "\n" not in str(raised.value)


def test_unknown_site_names_are_refused():
    with pytest.raises(RegistryError, match="unknown site 'atlantis'"):
        select_sites(load_registry(), ["hoankiem", "atlantis"])
