"""The house's rooms: imports run one way, top to bottom, and the Datasette plugin stands without
the crawler (a published snapshot installs Datasette and its plugins, not Scrapy)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from helpers import PROJECT_ROOT

PACKAGES = ("bantin", "crawler", "pipelines", "datasette_bantin", "sampleportal", "vntext", "media")
MODULES = ("vntext", "media")  # single-file rooms at the bottom
SUBPACKAGES = {("crawler", "pages"), ("crawler", "spiders"), ("pipelines", "storage")}
# Each room may import only the rooms below it (and itself).
LAYERS = {
    "bantin": {"crawler", "crawler.pages", "crawler.spiders", "pipelines", "pipelines.storage",
               "datasette_bantin", "sampleportal", "vntext", "media"},
    "datasette_bantin": {"pipelines", "pipelines.storage", "vntext", "media"},
    "pipelines": {"pipelines.storage", "crawler", "crawler.pages", "vntext", "media"},
    "pipelines.storage": {"vntext", "media"},
    "crawler.spiders": {"crawler", "crawler.pages", "vntext", "media"},
    "crawler.pages": {"crawler", "vntext", "media"},
    "crawler": {"vntext", "media"},
    "sampleportal": set(),
    "vntext": set(),
    "media": set(),
}


def room(module: str) -> str:
    """The room (package or sub-package folder) a dotted module name lives in."""
    parts = module.split(".")
    return ".".join(parts[:2]) if tuple(parts[:2]) in SUBPACKAGES else parts[0]


def imports_between_rooms() -> set[tuple[str, str, str]]:
    """``(room, imported room, importing file)`` for every import of the project's own code."""
    found = set()
    for package in PACKAGES:
        single = package in MODULES
        for path in [PROJECT_ROOT / f"{package}.py"] if single else (PROJECT_ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                for name in _imported(node):
                    if name.split(".")[0] in PACKAGES and room(name) != room(module):
                        found.add((room(module), room(name), str(path.relative_to(PROJECT_ROOT))))
    return found


def _imported(node) -> list[str]:
    """Dotted names an import statement brings in (``from a import b`` gives ``a`` and ``a.b``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def test_imports_run_one_way_top_to_bottom():
    edges = imports_between_rooms()
    assert len(edges) > 10
    assert [] == sorted(edge for edge in edges if edge[1] not in LAYERS[edge[0]])


def test_the_layers_have_no_circle():
    def below(name: str, seen: frozenset = frozenset()) -> set[str]:
        assert name not in seen, f"import circle through {name}"
        return set().union(*(below(lower, seen | {name}) | {lower} for lower in LAYERS[name]))

    assert all(name not in below(name) for name in LAYERS)


def test_the_datasette_plugin_imports_neither_scrapy_nor_the_crawler():
    blocked = "import sys\nfor name in ('scrapy', 'crawler', 'twisted'):\n    sys.modules[name] = None\n"
    modules = ("datasette_bantin", "datasette_bantin.metadata", "datasette_bantin.search",
               "pipelines.storage.captures", "pipelines.warc")
    code = blocked + "".join(f"import {module}\n" for module in modules) + "print('ok')"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(PROJECT_ROOT), capture_output=True,
                            text=True, check=False)
    assert ("ok", "") == (result.stdout.strip(), result.stderr.strip()[-500:])
