"""Serve the sample portal over HTTP on 127.0.0.1: one server (and port) per site.

``SamplePortal`` starts the sites in background threads and records every request path, so tests
can check what a crawler fetched and that it never touched a trap link.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from sampleportal.content import SITE_KEYS
from sampleportal.site import Reply, respond
from sampleportal.timeline import Timeline

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Hit:
    """One request the portal answered: site, path with query, status and User-Agent."""

    site: str
    target: str
    status: int
    user_agent: str
    host: str = ""
    at: float = field(default_factory=time.monotonic)


class SamplePortal:
    """The sample sites served on loopback; use as a context manager or call start()/stop()."""

    def __init__(self, ports: dict[str, int] | None = None, timeline: Timeline | None = None,
                 crawl_delays: dict[str, float] | None = None):
        self.requested_ports = ports or {}
        self.timeline = timeline or Timeline()
        self.crawl_delays = crawl_delays or {}
        self.failing: Counter = Counter()  # (site, path and query) -> 503 answers still to give
        self.retry_after: int | None = None
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()

    def fail(self, site: str, target: str, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``times`` requests of ``target`` (path and query) with 503, asking
        for ``retry_after`` seconds of patience when given."""
        self.failing[site, target] += times
        self.retry_after = retry_after

    def _failing(self, site: str, target: str) -> bool:
        """Whether this request gets a 503 (and count it)."""
        with self._lock:
            if self.failing[site, target] > 0:
                self.failing[site, target] -= 1
                return True
        return False

    def start(self) -> SamplePortal:
        """Bind every site (port 0 picks a free port) and serve it in a daemon thread."""
        for key in SITE_KEYS:
            server = ThreadingHTTPServer((LOOPBACK, self.requested_ports.get(key, 0)), self._handler(key))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers[key] = server
        return self

    def stop(self) -> None:
        """Shut every server down and release its port."""
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def url(self, site: str) -> str:
        """Origin of a site, ``http://127.0.0.1:PORT``."""
        return f"http://{LOOPBACK}:{self.servers[site].server_address[1]}"

    def hits_for(self, site: str) -> list[str]:
        """Path-and-query of every request ``site`` answered, in order."""
        return [hit.target for hit in self.hits if hit.site == site]

    def __enter__(self) -> SamplePortal:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handler(self, site_key: str) -> type[BaseHTTPRequestHandler]:
        """A request handler class bound to one site, recording hits on this portal."""
        portal = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "Apache-Coyote/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                sister = f"http://localhost:{self.server.server_address[1]}"
                if portal._failing(site_key, self.path):
                    reply = Reply(503, "text/html; charset=utf-8", b"<h1>Service Unavailable</h1>",
                                  retry_after=portal.retry_after)
                else:
                    reply = respond(site_key, parts.path, parts.query, sister_origin=sister,
                                    timeline=portal.timeline,
                                    crawl_delay=portal.crawl_delays.get(site_key))
                with portal._lock:
                    portal.hits.append(Hit(site_key, self.path, reply.status,
                                           self.headers.get("User-Agent", ""),
                                           self.headers.get("Host", "")))
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Liferay-Portal", "Liferay Portal Community Edition 6.2 CE GA6")
                if reply.location:
                    self.send_header("Location", reply.location)
                if reply.retry_after:
                    self.send_header("Retry-After", str(reply.retry_after))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args) -> None:
                """Stay quiet: the hit log replaces the access log."""

        return Handler
