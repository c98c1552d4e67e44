"""Value types of the ``bantin`` command line: a value of the wrong form is a usage error (exit 2),
refused before any work starts."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import click

PORT = click.IntRange(1, 65535)
FLAG_WORDS = ("True", "true", "False", "false")  # besides whole numbers, as Scrapy reads a flag


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched as an absolute ``http(s)://host[:port]/…`` URL, or ``None``."""
    if not url or any(char.isspace() for char in url):
        return "it contains a space"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return str(error)
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "it names port 0"
    return None


class HttpUrl(click.ParamType):
    """An absolute http(s) URL naming a host, e.g. ``https://hoankiem.hanoi.gov.vn/tin-tuc``."""

    name = "URL"

    def convert(self, value, param, ctx):
        """``value`` unchanged, or a usage error saying what is wrong with it."""
        problem = url_problem(value)
        if problem:
            self.fail(f"{value!r} is not an http(s) URL: {problem}", param, ctx)
        return value


HTTP_URL = HttpUrl()


def setting_problem(name: str, value: str, default) -> str | None:
    """Why ``value`` (as typed after ``-s NAME=``) cannot stand for the setting ``name`` whose
    default is ``default``, as Scrapy reads it (a flag, a whole number, a number, a log level),
    or ``None``; a setting of any other type is taken as given."""
    if name == "LOG_LEVEL":
        names = logging.getLevelNamesMapping()
        return None if value in names or value.isdigit() else f"expected one of {', '.join(names)}"
    if isinstance(default, bool):
        return None if value in FLAG_WORDS or _is_number(value) else "expected true or false"
    if isinstance(default, float) or (isinstance(default, int) and _names_a_time(name)):
        return None if _is_number(value, float) else "expected a number"
    if isinstance(default, int):
        return None if _is_number(value) else "expected a whole number"
    return None


def _names_a_time(name: str) -> bool:
    """Whether a setting is a time in seconds, which Scrapy reads as a number even where its
    default is whole (``DOWNLOAD_TIMEOUT``, ``CLOSESPIDER_TIMEOUT``, ``LOGSTATS_INTERVAL`` …)."""
    return any(word in name for word in ("TIMEOUT", "DELAY", "INTERVAL", "SECONDS"))


def _is_number(text: str, kind=int) -> bool:
    """Whether ``kind(text)`` succeeds."""
    try:
        kind(text)
    except ValueError:
        return False
    return True


def scrapy_settings(pairs) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs as a dict, each value checked against the type of its setting's
    default (a usage error when Scrapy could not read it)."""
    from bantin.orchestrate import project_settings

    settings = parse_settings(pairs)
    defaults = project_settings()
    for name, value in settings.items():
        problem = setting_problem(name, value, defaults.get(name))
        if problem:
            raise click.BadParameter(f"{name}={value}: {problem}", param_hint="-s")
    return settings


def parse_settings(pairs) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs as a dict; a pair without ``=`` is a usage error."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        settings[name] = value
    return settings
