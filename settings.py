"""Scrapy settings for bantin: only what differs from Scrapy's defaults, each with its reason."""

BOT_NAME = "bantin"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are: the User-Agent names the project and a contact the portal's webmaster can write to.
# Change BANTIN_CONTACT to your own address before crawling real portals.
BANTIN_CONTACT = "bantin archive operator <archive@bantin.invalid>"
BANTIN_VERSION = "0.1"

# Politeness towards small government servers: robots.txt obeyed, one request at a time per host,
# a delay between requests that AutoThrottle stretches when the server slows down.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Legacy portals are slow and flaky: wait longer, retry server errors and timeouts a few times.
# A refused connection or a host name without an address, on a start page or robots.txt, is an
# answer, not a slow server: it is not retried, and the host's other pages are not retried either
# once it has answered so, so a dead portal is one line within seconds, not minutes of backoff.
# A page refused in the middle of a crawl of a live portal (a restarting server) is retried.
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Error pages (404/410/5xx) reach the spider so they are counted and reported, not dropped silently.
HTTPERROR_ALLOW_ALL = True

# No telnet console and no remote control (Scrapy >= 2.19 starts an HTTP server that runs the
# Python code it is sent, and leaves its token in the home folder): an unattended archiver should
# open no listening port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# One archive session per crawl: the extension that opens the archive's one connection, holds the
# run, loads what the fetch plan needs and writes the captures; everything else reaches it.
# (`-s EXTENSIONS=…` replaces this dict: name the session there too, or the crawl keeps no archive.)
BANTIN_SESSION = "pipelines.session.ArchiveSession"
EXTENSIONS = {BANTIN_SESSION: 100}
BANTIN_DB = "archive.db"
BANTIN_BATCH_SIZE = 25  # records per archive transaction

ITEM_PIPELINES = {"pipelines.archive.ArchivePipeline": 300}
# The archive pipeline writes synchronously, so items gain nothing from being handled in parallel,
# while Scrapy starts this many worker tasks for every response (100 by default).
CONCURRENT_ITEMS = 16

# Every response is kept as WARC records beside the archive. The capture middleware sits above
# RedirectMiddleware (600) so redirects and error pages are captured as received.
DOWNLOADER_MIDDLEWARES = {
    "crawler.politeness.SiteBoundsMiddleware": 50,
    "crawler.capture.CaptureMiddleware": 610,
    "crawler.politeness.CrawlDelayMiddleware": 620,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.politeness.BackoffRetryMiddleware": 550,
}
BANTIN_CAPTURES = True
BANTIN_CAPTURES_DIR = None  # None: captures/ beside the archive
BANTIN_WARC_MAX_BYTES = 100 * 1024 * 1024

# The images and attached documents (PDF, DOC, XLS, ZIP) of each archived article are fetched
# once, from the article's own site, and kept as WARC records like the pages; a file larger than
# BANTIN_FILE_MAX_BYTES is not kept. Files the archive already holds are not fetched again.
BANTIN_FILES = True
BANTIN_FILE_MAX_BYTES = 20 * 1024 * 1024

# Incremental crawls (the default): paging a category stops after this many consecutive articles
# already archived; articles published in the last N days are fetched again for their view counts
# and edits, unless fetched in the last few hours (so a resumed run does not fetch them twice).
BANTIN_STOP_AFTER_KNOWN = 10
BANTIN_REFRESH_DAYS = 7
BANTIN_REFRESH_MIN_HOURS = 12

# A hard cap of pages per run, for weeks of unattended runs, and limits on what one answer may
# cost: a page larger than 8 MB (also after decompression) is dropped, redirects stop after 5,
# a category is paged through at most 2,000 listing pages per run.
CLOSESPIDER_PAGECOUNT = 20000
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
BANTIN_MAX_LISTING_PAGES = 2000

# Retries wait longer each time: 5 s, 10 s, 20 s ... at most 5 minutes.
BANTIN_RETRY_BACKOFF_BASE = 5.0
BANTIN_RETRY_BACKOFF_MAX = 300.0

# `bantin import-wayback`: the web archive's CDX API and its replay (the Internet Archive by default;
# a pywb collection answers both as `<base>/<collection>/cdx` and `<base>/<collection>`). One request
# at a time with a pause between them; the Internet Archive blocks a client that keeps asking through
# its 429 answers, so a 429, 502, 503 or 504 (or a failed connection) waits 10 s, 20 s, 40 s ... (or
# the Retry-After asked, if longer), at most 10 minutes, and the import stops after 5 retries.
BANTIN_WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx"
BANTIN_WAYBACK_REPLAY = "https://web.archive.org/web"
BANTIN_WAYBACK_DELAY = 1.0
BANTIN_WAYBACK_TIMEOUT = 60.0
BANTIN_WAYBACK_RETRIES = 5
BANTIN_WAYBACK_BACKOFF_BASE = 10.0
BANTIN_WAYBACK_BACKOFF_MAX = 600.0

# `bantin dispatch`: the registry is cut into this many shards (one Scrapyd job each per run);
# every host, and every group of hosts one machine serves, is in exactly one shard. Changing it
# moves sites between shards, and a moved site's first run in its new shard is a full one.
BANTIN_SHARDS = 32

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
