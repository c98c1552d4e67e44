"""A fault-injecting portal on loopback: every way an old government server misbehaves.

One Liferay 6 style listing links to an article URL per fault; the article paths answer with the
fault. ``HostilePortal.flip()`` turns the article ``doi-thanh-loi`` into an error page, as a portal
does when an article is taken down behind a 200 answer.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sampleportal.site import encode_cp1258

INSTANCE = "H0st1le0001"
ARTICLE = "/tin-tuc/-/asset_publisher/" + INSTANCE + "/content/"
GOOD = ("bai-viet-tot", "sai-bang-ma-utf8", "sai-bang-ma-1258", "html-hong", "doi-thanh-loi")
HANG_SECONDS = 30
FAULTS = ("loi-500", "loi-503", "ket-noi-dat", "treo", "cat-cut", "nhi-phan", "trang-lon",
          "bom-gzip", "vong-lap", "sang-host-khac", "khong-tieu-de", "khong-ngay", "ngay-hong")
TITLES = {
    "bai-viet-tot": "Quận ủy tổ chức hội nghị sơ kết công tác xây dựng Đảng",
    "sai-bang-ma-utf8": "Phường Hàng Bạc ra mắt mô hình tuyến phố văn minh",
    "sai-bang-ma-1258": "Hội đồng nhân dân quận tiếp xúc cử tri trước kỳ họp",
    "html-hong": "Đoàn thanh niên ra quân chiến dịch mùa hè tình nguyện",
    "doi-thanh-loi": "Ủy ban nhân dân quận kiểm tra công tác phòng cháy chữa cháy",
}
BODY = ("Sáng 12/6, đồng chí Nguyễn Văn Bình - Bí thư Quận ủy chủ trì hội nghị với sự tham dự của "
        "đại diện các chi bộ, đảng bộ trực thuộc và các phòng, ban chuyên môn của quận.")


def article_html(title: str | None, date_line: str | None = "12/06/2024 | 09:30  | Lượt xem: 12",
                 charset: str = "utf-8", broken: bool = False) -> str:
    """An article page of the portal's template; ``broken`` leaves tags unclosed and forms nested."""
    header = f'<h3 class="header-title"><span>{title}</span></h3>' if title else ""
    date = f'<div class="date-view">{date_line}</div>' if date_line else ""
    extra = "<form><div><form><p>Tìm kiếm<b><i></form>" if broken else ""
    close = "" if broken else "</div></div></div>"
    return (f'<html><head><meta charset="{charset}"><title></title></head><body>{extra}'
            f'<section class="portlet"><span class="portlet-title-text">Tin tức</span>'
            f'<div class="asset-full-content">{header}<div class="asset-content">'
            f'<div class="journal-content-article">{date}<p>{BODY}</p><p>{BODY}</p>'
            f'<p style="text-align:right">(Ban Tuyên giáo Quận ủy)</p>{close}</section></body></html>')


@cache
def gzip_bomb() -> bytes:
    """About 100 KB of gzip that expands to 100 MB."""
    return gzip.compress(b"<p>" + b"0" * 100_000_000, compresslevel=9)


@cache
def large_page() -> bytes:
    """An article page of about 11 MB."""
    return (article_html("Trang rất lớn") + "<p>x</p>" * 1_400_000).encode("utf-8")


class HostilePortal:
    """The hostile site on one port and a bystander site (another host) on another."""

    def __init__(self):
        self.hits: list[tuple[str, str]] = []
        self.flipped = False
        self.servers = []
        self._lock = threading.Lock()

    def __enter__(self) -> HostilePortal:
        gzip_bomb(), large_page()  # made before serving: building them must not stall answers
        for name in ("hostile", "bystander"):
            server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(name))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    @property
    def url(self) -> str:
        """Origin of the hostile site."""
        return f"http://127.0.0.1:{self.servers[0].server_address[1]}"

    @property
    def other_host(self) -> str:
        """Origin of the bystander site, on a host name the crawl does not own."""
        return f"http://localhost:{self.servers[1].server_address[1]}"

    def flip(self) -> None:
        """From now on ``doi-thanh-loi`` answers with a 200 error page."""
        self.flipped = True

    def _handler(self, name: str):
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with portal._lock:
                    portal.hits.append((name, self.path))
                if name == "bystander":
                    return self._send(200, "<p>bystander</p>")
                return portal._route(self)

            def _send(self, status: int, text: str | bytes, headers: dict | None = None) -> None:
                body = text.encode("utf-8") if isinstance(text, str) else text
                self.send_response(status)
                for key, value in {"Content-Type": "text/html; charset=utf-8", **(headers or {})}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:
                """Quiet."""

        return Handler

    def _route(self, handler) -> None:
        path = handler.path
        if path == "/robots.txt":
            return handler._send(200, "User-agent: *\nDisallow:\n", {"Content-Type": "text/plain"})
        if path.startswith("/tin-tuc") and ARTICLE not in path:
            return handler._send(200, self._listing(path))
        if path.startswith("/lich"):
            day = int(path.rsplit("=", 1)[-1]) if "=" in path else 1
            return handler._send(200, f'<ul class="pagination"><li><a href="/lich?ngay={day + 1}">Ngày sau</a></li></ul>')
        return self._article(handler, path.split(ARTICLE, 1)[-1].split("?")[0])

    def _listing(self, path: str) -> str:
        """The listing: every fault linked; any page number past the end answers page 1 again,
        with a "next" button to one more page; a calendar link to an endless trap."""
        links = "".join(f'<div class="asset-abstract"><h3 class="asset-title"><a href="{ARTICLE}{t}">{t}</a>'
                        f"</h3></div>" for t in (*GOOD, *FAULTS))
        page = int(path.rsplit("=", 1)[-1]) if "_cur=" in path else 1
        pager = (f'<div class="taglib-page-iterator"><ul class="lfr-pagination-buttons pager"><li>'
                 f'<a href="/tin-tuc?p_p_id=101_INSTANCE_{INSTANCE}&_101_INSTANCE_{INSTANCE}_cur={page + 1}">'
                 f"Tiếp</a></li></ul></div>")
        return (f'<html><body><section class="portlet"><nav><a href="/lich?ngay=1">Lịch</a></nav>'
                f"{links}{pager}</section></body></html>")

    def _article(self, handler, fault: str) -> None:
        if fault in ("bai-viet-tot", "html-hong") or (fault == "doi-thanh-loi" and not self.flipped):
            return handler._send(200, article_html(TITLES[fault], broken=fault == "html-hong"))
        if fault == "doi-thanh-loi":
            return handler._send(200, '<html><body><div class="portlet-msg-error">Bài viết đã bị gỡ.</div></body></html>')
        if fault == "sai-bang-ma-utf8":  # windows-1258 bytes sent as UTF-8
            html = article_html(TITLES[fault], charset="windows-1258")
            return handler._send(200, encode_cp1258(html))
        if fault == "sai-bang-ma-1258":  # UTF-8 bytes sent as windows-1258
            return handler._send(200, article_html(TITLES[fault]).encode("utf-8"),
                                 {"Content-Type": "text/html; charset=windows-1258"})
        if fault in ("loi-500", "loi-503"):
            return handler._send(int(fault[-3:]), "<h1>Lỗi máy chủ</h1>", {"Retry-After": "1"})
        if fault == "ket-noi-dat":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
            return None
        if fault == "treo":  # far past any crawl's DOWNLOAD_TIMEOUT, however loaded the machine
            time.sleep(HANG_SECONDS)
            return handler._send(200, article_html("Trang chậm"))
        if fault == "cat-cut":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", "50000")
            handler.end_headers()
            handler.wfile.write(article_html("Cắt cụt").encode()[:300])
            handler.wfile.flush()
            handler.connection.close()
            return None
        if fault == "nhi-phan":
            return handler._send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
        if fault == "trang-lon":
            return handler._send(200, large_page())
        if fault == "bom-gzip":
            return handler._send(200, gzip_bomb(), {"Content-Encoding": "gzip"})
        if fault == "vong-lap":
            return handler._send(301, "", {"Location": ARTICLE + "vong-lap?lan=" + str(time.monotonic_ns())})
        if fault == "sang-host-khac":
            return handler._send(302, "", {"Location": self.other_host + ARTICLE + "bai-viet-tot"})
        if fault == "khong-tieu-de":
            return handler._send(200, article_html(None).replace('<span class="portlet-title-text">Tin tức</span>', ""))
        if fault == "khong-ngay":
            return handler._send(200, article_html("Bài không ngày", date_line=None))
        if fault == "ngay-hong":
            return handler._send(200, article_html("Bài ngày hỏng", date_line="99/99/2024 | 25:61"))
        return handler._send(404, "<h1>The requested resource was not found.</h1>")
