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

# Legacy portals are slow and flaky: wait longer, retry server errors a few times.
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 3

# Error pages (404/410/5xx) reach the spider so they are counted and reported, not dropped silently.
HTTPERROR_ALLOW_ALL = True

# No telnet console: an unattended archiver should open no listening port.
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {"pipelines.archive.ArchivePipeline": 300}
ARCHIVE_DB = "archive.db"
ARCHIVE_BATCH_SIZE = 25

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
