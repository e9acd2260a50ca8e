"""The rules of Quarto's configuration schema that our project files touch, restated for tests.

Quarto cannot be installed on our machines, so its validator cannot run here. These are the few
rules we need, written in our own words from the schema files of quarto-dev/quarto-cli (1.9),
each citing its source; the project's files must pass them before a real Quarto ever reads them.
``problems(config, name)`` returns every breach, each naming the file and the key.
"""

from __future__ import annotations

import re

# src/resources/schema/project.yml: `project` is a closed object.
PROJECT_KEYS = {
    "title",
    "type",
    "render",
    "execute-dir",
    "output-dir",
    "lib-dir",
    "resources",
    "preview",
    "pre-render",
    "post-render",
    "detect",
}
PROJECT_TYPES = {"default", "website", "book", "manuscript"}

# src/resources/schema/definitions.yml, `book-schema`: a closed object whose properties are its
# own and those of `base-website` (which it extends).
BOOK_KEYS = {
    "title",
    "subtitle",
    "author",
    "date",
    "date-format",
    "abstract",
    "description",
    "chapters",
    "appendices",
    "references",
    "output-file",
    "cover-image",
    "cover-image-alt",
    "sharing",
    "downloads",
    "tools",
    "doi",
}
WEBSITE_KEYS = {
    "title",
    "description",
    "favicon",
    "site-url",
    "site-path",
    "repo-url",
    "repo-link-target",
    "repo-link-rel",
    "repo-subdir",
    "repo-branch",
    "issue-url",
    "repo-actions",
    "reader-mode",
    "google-analytics",
    "cookie-consent",
    "search",
    "navbar",
    "sidebar",
    "body-header",
    "body-footer",
    "margin-header",
    "margin-footer",
    "page-navigation",
    "back-to-top-navigation",
    "bread-crumbs",
    "page-footer",
    "image",
    "image-alt",
    "comments",
    "open-graph",
    "twitter-card",
    "other-links",
    "code-links",
}
# Book keys that must be a string (book-schema: title, subtitle, date, output-file ...).
BOOK_STRINGS = {"title", "subtitle", "date", "description", "output-file", "abstract"}

# definitions.yml, `project-profile`: a closed object of `default` and `group`.
PROFILE_KEYS = {"default", "group"}

# src/core/lib/yaml-schema/front-matter.ts: a `format` key must name a Pandoc output format
# (optionally with a prefix `x-` or extensions `+y`); nothing else is allowed there.
PANDOC_OUTPUT_FORMATS = {
    "html",
    "html4",
    "html5",
    "typst",
    "pdf",
    "latex",
    "docx",
    "odt",
    "epub",
    "epub3",
    "revealjs",
    "gfm",
    "commonmark",
    "markdown",
    "ipynb",
    "jats",
    "context",
    "beamer",
    "pptx",
}

# Options we set, with the type the schema gives them (document-*.yml, format-*.yml).
PATH_LIST = "path or list of paths"
OPTION_TYPES = {
    # document-toc.yml
    "toc": bool,
    # document-layout.yml / document-fonts.yml
    "papersize": str,
    # document-numbering.yml
    "section-numbering": str,
    # document-includes.yml
    "css": PATH_LIST,
    "include-before-body": PATH_LIST,
    "include-in-header": PATH_LIST,
    # document-links.yml (both also take other forms; we set only false)
    "format-links": bool,
    "notebook-links": bool,
    # document-render.yml
    "embed-resources": bool,
    "template-partials": PATH_LIST,
    # document-figures.yml: fig-format is one of these
    "fig-format": {"retina", "png", "jpeg", "svg", "pdf"},
    # document-pdfa.yml: pdf-standard is one or more of these, for PDF and Typst formats only
    "pdf-standard": {
        "1.4",
        "1.5",
        "1.6",
        "1.7",
        "2.0",
        "a-1b",
        "a-2a",
        "a-2b",
        "a-2u",
        "a-3a",
        "a-3b",
        "a-3u",
        "a-4",
        "a-4f",
        "a-1a",
        "a-4e",
        "ua-1",
        "ua-2",
        "x-4",
        "x-4p",
        "x-5g",
        "x-5n",
        "x-5pg",
        "x-6",
        "x-6n",
        "x-6p",
    },
    # document-execute.yml / format-execute-*.yml
    "echo": bool,
    "warning": bool,
    "enabled": bool,
}
PDF_STANDARD_FORMATS = {"pdf", "latex", "beamer", "context", "typst"}
EXECUTE_KEYS = {
    "enabled",
    "echo",
    "warning",
    "eval",
    "output",
    "error",
    "include",
    "freeze",
    "cache",
    "daemon",
    "keep-ipynb",
}

# Top-level keys: Quarto's own (document-*.yml) that we use, and our template variables
# (front matter is an open object: other keys reach the templates as metadata).
QUARTO_TOP_LEVEL = {"project", "profile", "book", "format", "execute", "lang", "filters"}
OUR_METADATA = {
    "pagetitle",
    "partnership",
    "area",
    "year",
    "synthetic",
    "minimum-count-less-one",
    "description",
}

# Rules from Quarto's maintainers rather than the schema.
# quarto-cli #11316, #11206: embed-resources is not supported for books (each page would inline
# the pages it links to).
# @preview/orange-book (Quarto >= 1.9's default Typst book) fails without a book author.


def _is_path_list(value: object) -> bool:
    items = value if isinstance(value, list) else [value]
    return all(isinstance(v, str) and v for v in items)


def _option_problems(where: str, options: dict, fmt: str | None) -> list[str]:
    problems = []
    for key, value in options.items():
        rule = OPTION_TYPES.get(key)
        if rule is None:
            problems.append(f"{where}.{key}: not an option this project knows Quarto's rule for")
        elif rule is PATH_LIST:
            if not _is_path_list(value):
                problems.append(f"{where}.{key}: must be a path or a list of paths")
        elif isinstance(rule, set):
            values = value if isinstance(value, list) and key == "pdf-standard" else [value]
            bad = [v for v in values if str(v) not in rule]
            if bad:
                problems.append(f"{where}.{key}: {bad} not among {sorted(rule)}")
            if key == "pdf-standard" and fmt not in PDF_STANDARD_FORMATS:
                problems.append(f"{where}.{key}: only for PDF and Typst formats")
        elif not isinstance(value, rule):
            problems.append(f"{where}.{key}: must be {rule.__name__}")
    return problems


def _format_name_ok(name: str) -> bool:
    return any(re.fullmatch(rf"(.+-)?{re.escape(f)}([-+].+)?", name) for f in PANDOC_OUTPUT_FORMATS)


def problems(config: dict, name: str) -> list[str]:
    """Every breach of the rules above in one _quarto*.yml file (a profile file holds a subset
    of the same keys)."""
    found = []
    for key in config:
        if key not in QUARTO_TOP_LEVEL | OUR_METADATA:
            found.append(f"{name}: top-level key {key!r} is neither Quarto's nor a template value")
    project = config.get("project") or {}
    for key in set(project) - PROJECT_KEYS:
        found.append(f"{name}: project.{key} is not a project option")
    if "type" in project and project["type"] not in PROJECT_TYPES:
        found.append(f"{name}: project.type {project['type']!r} is not a project type")
    book = config.get("book") or {}
    for key in set(book) - BOOK_KEYS - WEBSITE_KEYS:
        found.append(f"{name}: book.{key} is not a book option")
    for key in BOOK_STRINGS & set(book):
        if not isinstance(book[key], str):
            found.append(f"{name}: book.{key} must be a string")
    if "author" in book and not (
        isinstance(book["author"], (str, dict))
        or (
            isinstance(book["author"], list)
            and all(isinstance(a, (str, dict)) for a in book["author"])
        )
    ):
        found.append(f"{name}: book.author must be a string, an object or a list of them")
    if "chapters" in book and not _is_path_list(book["chapters"]):
        found.append(f"{name}: book.chapters must list chapter files")
    for key in set(config.get("profile") or {}) - PROFILE_KEYS:
        found.append(f"{name}: profile.{key} is not a profile option")
    for key, value in (config.get("execute") or {}).items():
        if key not in EXECUTE_KEYS:
            found.append(f"{name}: execute.{key} is not an execute option")
        elif key in OPTION_TYPES:
            found += _option_problems(f"{name}: execute", {key: value}, None)
    if "filters" in config and not _is_path_list(config["filters"]):
        found.append(f"{name}: filters must list filter files")
    for fmt, options in (config.get("format") or {}).items():
        if not _format_name_ok(fmt):
            found.append(f"{name}: format.{fmt} is not a Pandoc output format")
        found += _option_problems(f"{name}: format.{fmt}", options or {}, fmt)
    if project.get("type") == "book" and (config.get("format") or {}).get("html", {}).get(
        "embed-resources"
    ):
        found.append(f"{name}: embed-resources in a book is not supported (quarto-cli #11316)")
    return found
