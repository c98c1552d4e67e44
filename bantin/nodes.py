"""Scrapyd nodes: a node's configuration, and a small client of Scrapyd's JSON API.

A node is a folder with a ``scrapyd.conf`` and a ``scrapy.cfg`` (see ``deploy/scrapyd/``), a
Scrapyd 1.6 daemon run from it, and bantin installed in the same environment: no eggs. Scrapyd
reads the project from the ``scrapy.cfg``'s ``[settings]`` section (``bantin = settings``),
starts each job as ``scrapy crawl portal`` in the node's folder, keeps pending and finished jobs
in SQLite (``dbs_dir``), gives each job a JOBDIR (``jobs_dir``) and a log (``logs_dir``). Each
job writes its shard archive under ``shards/<shard>/`` in the node's folder.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT = "bantin"
SPIDER = "portal"
NODE_CONFIG = """\
# A bantin Scrapyd node (Scrapyd 1.6, no eggs): run `scrapyd` from this folder.
[scrapyd]
bind_address = {bind_address}
http_port = {port}
username = {username}
password = {password}
max_proc = {max_proc}
poll_interval = {poll_interval}
jobstorage = scrapyd.jobstorage.SqliteJobStorage
finished_to_keep = 1000
dbs_dir = dbs
logs_dir = logs
jobs_dir = jobs
jobs_to_keep = 1000
items_dir =
eggs_dir = eggs
# scrapyd.runner, with the JOBDIR of a killed crawl set aside (see bantin/noderunner.py)
runner = bantin.noderunner
"""
# Scrapyd and the crawls it starts find the project here: the installed `settings` module.
NODE_SCRAPY_CFG = """\
[settings]
{project} = settings
"""


def write_node_config(folder: str | Path, port: int, username: str, password: str, max_proc: int = 4,
                      poll_interval: float = 5.0, bind_address: str = "127.0.0.1") -> Path:
    """Write a node's ``scrapyd.conf`` and ``scrapy.cfg`` into ``folder`` (created); return the
    first."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scrapyd.conf"
    path.write_text(NODE_CONFIG.format(bind_address=bind_address, port=port, username=username,
                                       password=password, max_proc=max_proc, poll_interval=poll_interval,
                                       ), encoding="utf-8")
    (folder / "scrapy.cfg").write_text(NODE_SCRAPY_CFG.format(project=PROJECT), encoding="utf-8")
    return path


def shard_db(shard_name: str) -> str:
    """Where a shard's job writes its archive, relative to the node's folder (WARC files in
    ``captures/`` beside it)."""
    return f"shards/{shard_name}/{shard_name}.db"


class NodeError(RuntimeError):
    """A node that did not answer, or refused a request; the message is one line."""


@dataclass(frozen=True)
class Job:
    """A job as a node lists it: ``state`` is pending, running or finished."""

    id: str
    state: str
    log_url: str | None = None
    start_time: str | None = None


class Node:
    """One Scrapyd daemon, reached at ``url`` (``http://user:password@host:port`` or the user
    and password from BANTIN_SCRAPYD_USERNAME / BANTIN_SCRAPYD_PASSWORD)."""

    def __init__(self, url: str, timeout: float = 30.0):
        parts = urllib.parse.urlsplit(url)
        self.url = parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()
        self.url = self.url.rstrip("/")
        user = urllib.parse.unquote(parts.username or os.environ.get("BANTIN_SCRAPYD_USERNAME", ""))
        password = urllib.parse.unquote(parts.password or os.environ.get("BANTIN_SCRAPYD_PASSWORD", ""))
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"} if user else {}
        self.timeout = timeout

    def __str__(self) -> str:
        return self.url

    def _call(self, path: str, data: list[tuple[str, str]] | None = None, headers=None,
              method: str | None = None) -> bytes:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.url}/{path.lstrip('/')}", data=body, method=method,
                                         headers={**self.headers, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if method == "HEAD":
                    return response.headers.get("Content-Length", "0").encode()
                return response.read()
        except urllib.error.HTTPError as error:
            raise NodeError(f"{self.url}: HTTP {error.code} for {path}") from None
        except (OSError, ValueError) as error:
            raise NodeError(f"{self.url}: unreachable ({error})") from None

    def _json(self, path: str, data=None) -> dict:
        answer = json.loads(self._call(path, data))
        if answer.get("status") != "ok":
            raise NodeError(f"{self.url}: {path} answered {answer.get('message', answer)}")
        return answer

    def status(self) -> dict:
        """``daemonstatus.json``: pending, running and finished counts."""
        return self._json("daemonstatus.json")

    def jobs(self) -> list[Job]:
        """The project's jobs, pending and running first, then finished (newest first)."""
        answer = self._json(f"listjobs.json?project={PROJECT}")
        return [Job(entry["id"], state, entry.get("log_url"), entry.get("start_time"))
                for state in ("pending", "running", "finished") for entry in answer.get(state, [])]

    def schedule(self, job_id: str, settings: dict[str, str], arguments: dict[str, str]) -> None:
        """Schedule the portal spider as ``job_id`` with Scrapy ``settings`` and spider ``arguments``."""
        data = [("project", PROJECT), ("spider", SPIDER), ("jobid", job_id),
                *(("setting", f"{name}={value}") for name, value in settings.items()),
                *arguments.items()]
        self._json("schedule.json", data)

    def cancel(self, job_id: str) -> None:
        """Stop a job cleanly (Scrapy closes on SIGTERM; its JOBDIR can be resumed)."""
        self._json("cancel.json", [("project", PROJECT), ("job", job_id)])

    def log_tail(self, job: Job, size: int = 16384) -> str:
        """The last ``size`` bytes of a job's log (empty when the node keeps no log)."""
        if not job.log_url:
            return ""
        try:
            length = int(self._call(job.log_url, method="HEAD") or 0)
            wanted = {"Range": f"bytes={length - size}-"} if length > size else {}
            return self._call(job.log_url, headers=wanted).decode("utf-8", "replace")
        except (NodeError, ValueError):
            return ""


FINISH_REASON = re.compile(r"'finish_reason': '([^']+)'")


def finish_reason(log: str) -> str | None:
    """How Scrapy said the crawl ended (``finished``, ``shutdown``, ``closespider_pagecount``…),
    from the stats it dumps at the end of its log; ``None`` when it never got there (killed)."""
    found = FINISH_REASON.findall(log)
    return found[-1] if found else None
