"""The one package that talks to SQLite: schema as data, articles, captures, runs.

Everything else uses these functions: ``from pipelines import storage``.
"""

from pipelines.storage.articles import (
    archive_state,
    article_fetched_at,
    failed_urls,
    link_copies,
    mark_gone,
    quality,
    save_articles,
    save_failures,
    summary,
)
from pipelines.storage.captures import (
    add_capture,
    article_captures,
    capture_with_content,
    holds_capture,
    kept_file_urls,
    link_file,
    link_files,
    payload_capture,
    resolve_revisits,
)
from pipelines.storage.people import ensure_people, person_id
from pipelines.storage.runs import (
    complete_sites,
    finish_run,
    load_sites,
    record_site_state,
    save_sites,
    start_run,
)
from pipelines.storage.schema import ArchiveError, check_archive, ensure_schema, open_archive

__all__ = [
    "ArchiveError",
    "add_capture",
    "archive_state",
    "article_captures",
    "article_fetched_at",
    "capture_with_content",
    "check_archive",
    "complete_sites",
    "ensure_people",
    "ensure_schema",
    "failed_urls",
    "finish_run",
    "holds_capture",
    "kept_file_urls",
    "link_copies",
    "link_file",
    "link_files",
    "load_sites",
    "mark_gone",
    "open_archive",
    "payload_capture",
    "person_id",
    "quality",
    "record_site_state",
    "resolve_revisits",
    "save_articles",
    "save_failures",
    "save_sites",
    "start_run",
    "summary",
]
