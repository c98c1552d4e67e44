"""The ``bantin`` command as a user runs it: output, exit codes, one-line errors.

Commands that need no process of their own run in-process with click's CliRunner; a crawl (which
starts Twisted's reactor, once per process) and the servers run as real processes."""

from __future__ import annotations

import json
import unicodedata

from helpers import FAST, FIXTURES, invoke, run_bantin
from sampleportal.content import SITE_KEYS, load_site

SEED = FIXTURES / "liferay6" / "seed_article"


def errors(result) -> list[str]:
    """The error lines of an in-process run (its captured stderr is the whole process's, where a
    test server's thread may also write)."""
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def seed_url() -> str:
    return json.loads((SEED / "meta.json").read_text(encoding="utf-8"))["url"]


def test_extract_prints_the_article_as_json():
    result = invoke("extract", str(SEED / "page.html"), "--url", seed_url())
    assert 0 == result.exit_code, result.stderr
    article = json.loads(result.stdout)
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    assert expected["title"] == article["title"]
    assert "2022-09-09T17:14:00+07:00" == article["published_at"]
    assert 5 == article["views"]
    assert 5 == len(article["body"].split("\n\n"))
    assert [{"name": "Kiều Trang", "roles": ["text", "photo"]}] == article["authors"]
    assert "Ban Tuyên giáo Quận ủy" == article["source"]
    assert 3 == len([i for i in article["images"] if i["caption"]])
    assert "Bình chọn" not in result.stdout and "thành phố thông minh" not in result.stdout
    assert unicodedata.is_normalized("NFC", result.stdout)


def test_extract_names_a_registered_site_from_the_url_host(tmp_path):
    url = "https://hoankiem.hanoi.gov.vn" + seed_url().split(":8701", 1)[1]
    result = invoke("extract", str(SEED / "page.html"), "--url", url)
    assert json.loads(result.stdout)["id"].startswith("hoankiem:quan-hoan-kiem")


def test_extract_of_a_non_article_fails_with_one_line():
    page = FIXTURES / "liferay6" / "no_date_line" / "page.html"
    result = invoke("extract", str(page), "--url", "http://127.0.0.1:8702/x")
    assert 1 == result.exit_code
    assert ["Error: not an article: no publish date line (dd/mm/yyyy | HH:mm)"] == errors(result)


def test_sites_lists_the_registry(tmp_path):
    result = invoke("sites", "--db", str(tmp_path / "none.db"))
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert ["name", "display name", "family", "status", "articles"] == lines[0]
    assert ["hoankiem", "Quận Hoàn Kiếm", "liferay6", "legacy", "0"] in lines
    assert len(lines) - 1 >= 30


def test_sites_counts_the_articles_archived(crawled):
    result = invoke("sites", "--sites", str(crawled["sites"]), "--db", str(crawled["db"]))
    counts = {line.split("\t")[0]: line.split("\t")[4] for line in result.stdout.splitlines()[1:]}
    for key in SITE_KEYS:
        originals = [a for a in load_site(key).articles if not a["republishes"]]
        assert str(len(originals)) == counts[f"sample-{key}"]


def test_crawl_all_takes_every_site_not_marked_gone(crawled, tmp_path):
    from crawler.sites import load_registry

    mine = tmp_path / "mine.toml"
    gone = [f'[{name}]\nhosts = ["{site.hosts[0]}"]\nstart_urls = ["{site.start_urls[0]}"]\n'
            f'status = "gone"\n' for name, site in load_registry().items()]
    active = crawled["sites"].read_text(encoding="utf-8")
    mine.write_text("\n".join(gone) + "\n" + active.replace(
        "[sample-tayho]", '[sample-tayho]\nstatus = "gone"'), encoding="utf-8")
    db = tmp_path / "all.db"
    result = run_bantin("crawl", "--all", "--sites", str(mine), "--db", str(db), *FAST)
    assert 0 == result.returncode, result.stderr[-2000:]
    assert "sample-hoankiem:" in result.stdout and "sample-tayho:" not in result.stdout


def test_sites_file_of_ones_own_adds_a_portal(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[dongda]\ndisplay_name = "Quận Đống Đa"\nhosts = ["dongda.hanoi.gov.vn"]\n'
                     'start_urls = ["https://dongda.hanoi.gov.vn/"]\nstatus = "legacy"\n',
                     encoding="utf-8")
    result = invoke("sites", "--sites", str(extra))
    assert "dongda\tQuận Đống Đa\tauto\tlegacy" in result.stdout


def test_crawl_of_an_unknown_site_is_a_one_line_error(tmp_path):
    result = invoke("crawl", "nowhere", "--db", str(tmp_path / "a.db"))
    assert 1 == result.exit_code
    assert 1 == len(errors(result))
    assert "unknown site 'nowhere'" in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_crawl_rejects_a_malformed_setting(tmp_path):
    result = invoke("crawl", "--start-url", "http://127.0.0.1:9/", "-s", "NOEQUALS",
                        "--db", str(tmp_path / "a.db"))
    assert 2 == result.exit_code
    assert "expected NAME=VALUE" in result.stderr


def test_serve_without_an_archive_says_what_to_do(tmp_path):
    result = invoke("serve", "--db", str(tmp_path / "missing.db"))
    assert 1 == result.exit_code
    assert "run `bantin crawl` or `bantin demo` first" in result.stderr


def test_demo_crawls_the_sample_portal_and_reports(tmp_path):
    db = tmp_path / "demo.db"
    result = run_bantin("demo", "--no-serve", "--db", str(db))
    assert 0 == result.returncode, result.stderr[-2000:]
    for key in SITE_KEYS:
        originals = [a for a in load_site(key).articles if not a["republishes"]]
        assert f"sample-{key}: {len(originals)} articles" in result.stdout
    assert "failed pages 4" in result.stdout


def test_serve_runs_datasette_with_the_projects_metadata(crawled):
    import shutil
    import subprocess
    import urllib.request

    from helpers import BANTIN, free_port, wait_for_datasette

    copy = crawled["db"].parent / "renamed.db"
    shutil.copy(crawled["db"], copy)
    port = free_port()
    server = subprocess.Popen([str(BANTIN), "serve", "--db", str(copy), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_datasette(base)
        url = f"{base}/renamed/articles.json?_search=dinh+hong+phong&_shape=objects"
        with urllib.request.urlopen(url, timeout=2) as response:
            data = json.loads(response.read())
        assert any("Hoàn Kiếm" in row["title"] for row in data["rows"])
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_extract_decodes_a_page_by_its_declared_charset():
    folder = FIXTURES / "view_content" / "windows_1258_repeated_sapo"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = invoke("extract", str(folder / "page.html"), "--url", meta["url"])
    assert 0 == result.exit_code, result.stderr
    article = json.loads(result.stdout)
    assert (expected["title"], expected["body"]) == (article["title"], article["body"])
    assert "view_content/2" == article["extractor"]
