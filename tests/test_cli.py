"""The ``bantin`` command as a user runs it: output, exit codes, one-line errors.

Commands that need no process of their own run in-process with click's CliRunner; a crawl (which
starts Twisted's reactor, once per process) and the servers run as real processes."""

from __future__ import annotations

import json
import unicodedata

import pytest

from helpers import FAST, FIXTURES, invoke, run_bantin
from pipelines import storage
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
    assert 2 == result.exit_code
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


# Help: -h everywhere, examples that copy whole, help on every option


def command_names() -> list[str]:
    from bantin.cli import cli

    return sorted(cli.commands)


def help_text(*command: str, width: int = 60) -> str:
    """``bantin COMMAND -h`` as a narrow terminal shows it."""
    from click.testing import CliRunner

    from bantin.cli import cli

    result = CliRunner().invoke(cli, [*command, "-h"], prog_name="bantin", terminal_width=width,
                                catch_exceptions=False)
    assert 0 == result.exit_code, result.output
    return result.output


@pytest.mark.parametrize("command", [[], *[[name] for name in command_names()]],
                         ids=["bantin", *command_names()])
def test_h_is_help(command):
    assert invoke(*command, "--help").stdout == invoke(*command, "-h").stdout
    assert help_text(*command).startswith(f"Usage: bantin {' '.join(command)}".rstrip() + " [OPTIONS]")


def examples(help_output: str) -> list[str]:
    """The lines of the help's ``Example:`` or ``Examples:`` block."""
    lines = [line.strip() for line in help_output.splitlines()]
    start = next(n for n, line in enumerate(lines) if line in ("Example:", "Examples:"))
    block = lines[start + 1:]
    return block[:block.index("")]


@pytest.mark.parametrize("command", [[], *[[name] for name in command_names()]],
                         ids=["bantin", *command_names()])
def test_every_example_is_a_whole_command_that_parses(command, tmp_path, monkeypatch):
    import shlex

    import click

    from bantin.cli import cli

    monkeypatch.chdir(tmp_path)
    lines = examples(help_text(*command))
    assert lines
    for line in lines:
        words = shlex.split(line)
        assert ["bantin", *command] == words[:1 + len(command)], line
        name, *arguments = words[1:]
        for word in arguments:  # files an example names, so click's existence checks pass
            if "." in word and "/" not in word and not word.startswith("-"):
                (tmp_path / word).touch()
        try:
            cli.commands[name].make_context(name, arguments)
        except click.UsageError as error:
            raise AssertionError(f"{line}: {error}") from None


def test_every_option_of_every_command_has_help():
    import click

    from bantin.cli import cli

    commands = [("bantin", cli), *cli.commands.items()]
    options = [(name, param.name, param.help) for name, command in commands
               for param in command.params if isinstance(param, click.Option)]
    assert len(options) > 30
    assert [] == [(name, option) for name, option, text in options if not (text or "").strip()]


# Exit status: 2 for a command typed wrongly (before any work), 1 for one that failed

SEED_PAGE = str(SEED / "page.html")
NO_PORT = "http://127.0.0.1:9/tin-tuc"
USAGE_ERRORS = {
    "unknown command": ["crawll"],
    "unknown option": ["crawl", "hoankiem", "--bogus"],
    "start URL without host": ["crawl", "--start-url", "http://"],
    "start URL of another scheme": ["crawl", "--start-url", "ftp://x"],
    "start URL that is no URL": ["crawl", "--start-url", "notaurl"],
    "start URL with a bad port": ["crawl", "--start-url", "http://x:99999/"],
    "unknown site": ["crawl", "nowhere"],
    "no worker processes": ["reextract", "--workers", "0"],
    "nothing to crawl named": ["crawl"],
    "--all with a site": ["crawl", "--all", "hoankiem"],
    "site and start URL": ["crawl", "hoankiem", "--start-url", NO_PORT],
    "status that selects nothing": ["crawl", "hoankiem", "--status", "active"],
    "unknown status": ["crawl", "--all", "--status", "dead"],
    "setting without =": ["crawl", "--start-url", NO_PORT, "-s", "NOEQUALS"],
    "setting not a number": ["crawl", "--start-url", NO_PORT, "-s", "DOWNLOAD_DELAY=soon"],
    "setting not a whole number": ["crawl", "--start-url", NO_PORT, "-s", "CONCURRENT_REQUESTS=2.5"],
    "setting not a flag": ["crawl", "--start-url", NO_PORT, "-s", "ROBOTSTXT_OBEY=maybe"],
    "unknown log level": ["crawl", "--start-url", NO_PORT, "-s", "LOG_LEVEL=LOUD"],
    "missing registry file": ["crawl", "hoankiem", "--sites", "no-such-file.toml"],
    "missing page file": ["extract", "no-such-page.html", "--url", NO_PORT],
    "missing --url": ["extract", SEED_PAGE],
    "--url without host": ["extract", SEED_PAGE, "--url", "http://"],
    "port out of range": ["serve", "--port", "70000"],
    "port not a number": ["serve", "--port", "eighty"],
    "missing folder argument": ["publish"],
    "missing WARC file": ["import-warc"],
    "wayback date of the wrong form": ["import-wayback", "hoankiem", "--from", "2019-01"],
    "wayback CDX not http": ["import-wayback", "hoankiem", "--cdx", "ftp://x/cdx"],
    "wayback setting not a number": ["import-wayback", "hoankiem", "-s", "BANTIN_WAYBACK_DELAY=soon"],
    "wayback site unknown": ["import-wayback", "nowhere"],
    "wayback without site or host": ["import-wayback"],
}


@pytest.mark.parametrize("command", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_a_command_typed_wrongly_exits_2_with_one_error_line(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*command)
    assert 2 == result.exit_code, result.stderr
    assert 1 == len(errors(result)), result.stderr
    assert "Traceback" not in result.stderr
    made = [path.name for path in tmp_path.iterdir() if path.suffix == ".db"]
    # import-wayback opens the archive to learn the sites it knows before it can say one is unknown
    assert [] == made or ["import-wayback", "nowhere"] == command


def test_a_registry_file_that_cannot_be_read_exits_1_with_one_line(tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text("[dongda\nhosts = 1\n", encoding="utf-8")
    storage.open_archive(tmp_path / "a.db").close()
    for command in (["sites"], ["crawl", "dongda"], ["reextract"], ["import-warc", SEED_PAGE]):
        result = invoke(*command, "--sites", str(bad), "--db", str(tmp_path / "a.db"))
        expected = f"Error: cannot read site registry {bad}: "
        assert (1, [expected]) == (result.exit_code, [line[:len(expected)] for line in errors(result)])


def test_serve_on_a_port_in_use_is_one_line(crawled):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "--db", str(crawled["db"]), "--port", str(port))
    assert 1 == result.exit_code
    assert [f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"] == errors(result)


# An unreachable start page: one line naming the site dead, no retries, no traceback


def test_a_start_page_refusing_connections_is_one_line_naming_the_site_dead(tmp_path):
    from helpers import free_port, rows

    port = free_port()
    db = tmp_path / "a.db"
    result = run_bantin("crawl", "--start-url", f"http://127.0.0.1:{port}/tin-tuc", "--db", str(db))
    assert 1 == result.returncode
    assert "Traceback" not in result.stderr
    [dead, error] = result.stderr.splitlines()
    assert f"[portal] WARNING: site 127.0.0.1:{port} is dead: no start page answered " \
           "(DownloadConnectionRefusedError: " in dead
    assert "Error: no page could be fetched: check the start URLs and the network" == error
    assert ["crawl: pages fetched 0; articles: none; failed pages 1 (connection 1); "] == \
        [line[: line.index("files")] for line in result.stdout.splitlines()]
    assert [{"site": f"127.0.0.1:{port}", "state": "dead"}] == rows(db, "select site, state from site_status")


# Installing: no deprecation from the build backend


def test_an_editable_install_builds_without_deprecation_warnings(tmp_path):
    import shutil
    import subprocess
    import sys

    from helpers import PROJECT_ROOT

    source = tmp_path / "bantin"
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(
        ".*", "build", "*.egg-info", "tests", "bench", "*.db", "captures", "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-deps", "-v", "-e", str(source)],
                             capture_output=True, text=True, timeout=600, check=False)
    output = install.stdout + install.stderr
    assert 0 == install.returncode, output[-3000:]
    assert [] == [line for line in output.splitlines() if "deprecat" in line.lower()]
    assert (venv / "bin" / "bantin").exists()


class TruncatedRobots:
    """A portal on 127.0.0.1 whose robots.txt breaks off before its announced length, while its
    pages answer: the crawl goes on without the rules, and says so in one line."""

    def __enter__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"User-agent: *\nDisallow:" if self.path == "/robots.txt" else \
                    "<html><body><p>Tin tức</p></body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
                self.send_header("Content-Length", str(len(body) * (10 if self.path == "/robots.txt" else 1)))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_robots_txt_that_breaks_off_is_one_line_without_a_traceback(tmp_path):
    with TruncatedRobots() as portal:
        result = run_bantin("crawl", "--start-url", f"{portal.base}/tin-tuc", "--db", str(tmp_path / "a.db"),
                            *FAST, "-s", "RETRY_TIMES=0")
    assert "Traceback" not in result.stderr
    logger = "[scrapy.downloadermiddlewares.robotstxt]"
    robots = [line for line in result.stderr.splitlines() if logger in line]
    assert 1 == len(robots), result.stderr
    assert robots[0].endswith(f"{portal.base}/robots.txt not fetched (ResponseDataLossError): the host's "
                              "pages are fetched without its rules")
    assert "crawl: pages fetched 1;" in result.stdout
