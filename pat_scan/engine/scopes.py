"""What a repository path holds: source, tests, docs, examples or vendored code. The judge reads
it as a feature, and the matcher applies the fixture policy by it (see the README) without
loading the judge's features."""

from __future__ import annotations

import functools
import re

# Folder names (and file-name parts) that say what a path holds. Java and Kotlin packages
# (src/main/java/com/example/...) are source, whatever their package is called.
_TEST_PARTS = frozenset(
    {
        "test", "tests", "testing", "testdata", "test_data", "test-data", "testcases",
        "fixtures", "fixture", "__tests__", "__mocks__", "spec", "specs", "mock", "mocks",
        "cassettes", "vcr_cassettes", "e2e", "integration-tests", "unittest", "unittests",
        "androidtest", "testfixtures", "test-fixtures", "testutils", "testutil",
    }
)  # fmt: skip
_DOC_PARTS = frozenset(
    {"doc", "docs", "documentation", "man", "wiki", "site", "website", "_posts", "guide", "guides"}
)
_EXAMPLE_PARTS = frozenset(
    {"example", "examples", "sample", "samples", "demo", "demos", "tutorial", "tutorials",
     "quickstart", "playground", "sandbox", "template", "templates", "skeleton", "boilerplate"}
)  # fmt: skip
_VENDOR_PARTS = frozenset(
    {"vendor", "vendors", "third_party", "third-party", "thirdparty", "node_modules",
     "bower_components", "external", "extern", "site-packages", "dist", "build", "target",
     "out", "min", "generated", "gen", "__generated__"}
)  # fmt: skip
_JVM_SOURCE = re.compile(r"(?:^|/)src/(?:main|test|androidTest)/(?:java|kotlin|scala|groovy)/")
_TEST_NAME = re.compile(
    r"(?:^test_|_test\.|_tests\.|\.test\.|\.spec\.|_spec\.|Tests?\.[A-Za-z]+$|^Test[A-Z]|"
    r"(?:^|[._-])(?:mock|fake|fixture|stub)s?(?:[._-]|$))"
)
_DOC_NAME = re.compile(r"\.(?:md|markdown|rst|adoc|asciidoc)$", re.I)
_EXAMPLE_NAME = re.compile(
    r"(?:^|[._-])(?:example|sample|template|dist|tmpl|tpl|demo)s?(?:[._-]|$)", re.I
)
_VENDOR_NAME = re.compile(r"(?:[.-]min\.(?:js|css)$|\.bundle\.js$|\.map$|(?:^|/)[^/]*\.lock$)")
SCOPES = ("source", "test", "docs", "example", "vendored")
# Why a credential no checksum backs is reported low outside source files (the fixture policy).
SCOPE_WHY_LOW = {
    "test": "a test fixture: nothing without a checksum blocks in test files",
    "docs": "in a documentation or example file",
    "example": "in a documentation or example file",
    "vendored": "in a vendored or generated file: nothing without a checksum blocks there",
}


@functools.lru_cache(maxsize=4096)
def path_scope(path: str) -> str:
    """'test', 'docs', 'example', 'vendored' or 'source' for a repository path.

    Folders under a JVM source root (`src/main/java/com/example/`) are package names: only
    the JVM root itself (`src/test/java`) says anything there."""
    path = path.replace("\\", "/")
    jvm = _JVM_SOURCE.search(path)
    if jvm is not None:
        head = path[: jvm.end()]
        name = path.rsplit("/", 1)[-1]
        if "/src/test/" in "/" + head or "/androidTest/" in head or _TEST_NAME.search(name):
            return "test"
        return "source"
    *folders, name = path.split("/")
    lowered = [f.lower() for f in folders]
    if any(f in _VENDOR_PARTS for f in lowered) or _VENDOR_NAME.search(path):
        return "vendored"
    if any(f in _TEST_PARTS for f in lowered) or _TEST_NAME.search(name):
        return "test"
    if any(f in _EXAMPLE_PARTS for f in lowered) or _EXAMPLE_NAME.search(name):
        return "example"
    if any(f in _DOC_PARTS for f in lowered) or _DOC_NAME.search(name):
        return "docs"
    return "source"
