"""Rule packs: YAML files → validated, frozen `Rule` records.

Parsing YAML is the slowest part of start-up, so the validated rules are cached as JSON in the user
cache directory, keyed by the content of every pack file. A cache that fails to load is rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pat_scan import __version__, cache
from pat_scan.errors import RuleError, UsageError

SEVERITIES = ("critical", "high", "medium", "low")
CONFIDENCES = ("high", "medium", "low")
# A match must fit in this window around a prefilter hit; rules are told to bound repetitions.
MAX_MATCH_WIDTH = 16 * 1024
MIN_KEYWORD_LENGTH = 3
# Bump when the cached JSON's layout, or what loading computes (widths), changes, so older
# caches are never read as the new one.
_CACHE_FORMAT = 5

_REQUIRED = ("id", "name", "description", "severity", "keywords", "regex", "remediation")
_OPTIONAL = (
    "tags",
    "entropy",
    "validator",
    "invalid",
    "allow",
    "references",
    "examples",
    "negative_examples",
    "paths",
)


# The file name an example is scanned as unless it names one: neutral, so that an example's
# confidence is the one a source file gets (a name such as sample.txt would make it an example
# file, where nothing without a checksum blocks).
EXAMPLE_PATH = "snippet"


# Records are NamedTuples, not dataclasses: importing dataclasses and generating their methods
# costs the hook ~15 ms of start-up on every commit.
class Example(NamedTuple):
    text: str
    confidence: str | None = None
    path: str = EXAMPLE_PATH  # the file name it is scanned as (for rules with `paths`)


class Rule(NamedTuple):
    id: str
    name: str
    description: str
    severity: str
    keywords: tuple[str, ...]
    regex: str
    remediation: str
    pack: str
    source: str
    max_width: int
    tags: tuple[str, ...] = ()
    entropy: float | None = None
    validator: str | None = None
    invalid: str = "low"
    allow: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    negative_examples: tuple[Example, ...] = ()
    paths: tuple[str, ...] = ()  # globs on the file's path or name; empty: every file

    def applies_to(self, path: str) -> bool:
        return not self.paths or path_matches(self.paths, path)


@functools.lru_cache(maxsize=4096)  # asked for every file; a history repeats its paths
def path_matches(globs: tuple[str, ...], path: str) -> bool:
    """Whether a glob matches the path or its file name (fnmatch's syntax, case-sensitive)."""
    names, suffixes, pattern = _path_tests(globs)
    name = path.rsplit("/", 1)[-1]
    return (
        path in names
        or name in names
        or path.endswith(suffixes)
        or (pattern is not None and bool(pattern.match(path) or pattern.match(name)))
    )


_WILDCARDS = frozenset("*?[")


@functools.cache
def _path_tests(
    globs: tuple[str, ...],
) -> tuple[frozenset[str], tuple[str, ...], re.Pattern[str] | None]:
    """(plain names, the X of `*X` globs, a regex of the rest): the same answers as one regex of
    every glob, without compiling it on each run (64 globs, 5 ms, of a hook's start-up)."""
    from fnmatch import translate

    names: set[str] = set()
    suffixes: list[str] = []
    rest: list[str] = []
    for glob in globs:
        if _WILDCARDS.isdisjoint(glob):
            names.add(glob)
        elif glob[:1] == "*" and _WILDCARDS.isdisjoint(glob[1:]):
            suffixes.append(glob[1:])
        else:
            rest.append(glob)
    pattern = re.compile("|".join(map(translate, rest))) if rest else None
    return frozenset(names), tuple(suffixes), pattern


def builtin_pack_paths() -> list[Path]:
    """The packs shipped in the wheel (the top-level rules/ folder, installed as pat_scan.packs).

    Found through the package's file rather than importlib.resources, whose import costs more
    than the hook can spare; packs are always plain files on disk."""
    from importlib.util import find_spec

    spec = find_spec("pat_scan.packs")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the built-in rule packs are missing from this installation")
    root = Path(next(iter(spec.submodule_search_locations)))
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))


def expand_pack_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; directories contribute their *.yaml / *.yml files, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such rule pack file or directory")
    return found


def load(
    extra: Sequence[str | os.PathLike[str]] = (),
    *,
    builtin: bool = True,
    examples: bool = True,
) -> list[Rule]:
    """Load the built-in packs (unless `builtin` is false) and `extra` packs, validated.

    Without `examples` the rules come without their examples, from a smaller cache entry
    (about three quarters the size): scanning never needs them, and the hook reads this entry
    on every commit.
    """
    paths = (builtin_pack_paths() if builtin else []) + expand_pack_paths(extra)
    contents = [(path, _read(path)) for path in paths]
    key = _cache_key(contents)
    name = f"rules-{key}{'' if examples else '-scan'}.json"
    cached = _load_cached(name)
    if cached is not None:
        return cached
    rules = _parse_all(contents)
    cache.write_json(f"rules-{key}.json", [r._asdict() for r in rules])
    slim = [r._replace(examples=(), negative_examples=()) for r in rules]
    cache.write_json(f"rules-{key}-scan.json", [r._asdict() for r in slim])
    return rules if examples else slim


def select(rules: Sequence[Rule], only: Sequence[str], disable: Sequence[str]) -> list[Rule]:
    check_known(rules, (*only, *disable))
    chosen = [r for r in rules if not only or r.id in only]
    return [r for r in chosen if r.id not in disable]


def check_known(rules: Sequence[Rule], ids: Iterable[str]) -> None:
    """A usage error for the first id no rule has."""
    known = {r.id for r in rules}
    for rule_id in ids:
        if rule_id not in known:
            raise UsageError(f"unknown rule id {rule_id!r} (see `pat-scan rules list`)")


def fingerprint(rules: Sequence[Rule]) -> str:
    """Hash of everything the matching engines compile, for keying compiled databases: with
    whether a rule is limited to some files, which decides the database it goes into (not the
    globs themselves, so editing one does not recompile)."""
    digest = hashlib.sha256(__version__.encode())
    for rule in rules:
        limited = bool(rule.paths)
        digest.update(f"\0{rule.id}\0{rule.regex}\0{','.join(rule.keywords)}\0{limited}".encode())
    return digest.hexdigest()[:32]


def findings_fingerprint(rules: Sequence[Rule]) -> str:
    """Hash of everything that decides what the rules find (patterns and every gate), for keying
    stored scan results: an entropy, validator, allow or paths change must not reuse them."""
    decisive = [
        [r.id, r.regex, r.keywords, r.entropy, r.validator, r.invalid, r.allow, r.paths]
        for r in rules
    ]
    payload = json.dumps([__version__, decisive]).encode()
    return hashlib.sha256(payload).hexdigest()[:32]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read rule pack: {exc.strerror}") from None


def _cache_key(contents: Sequence[tuple[Path, bytes]]) -> str:
    digest = hashlib.sha256(f"{__version__}\0{_CACHE_FORMAT}".encode())
    for path, data in contents:
        digest.update(f"\0{path}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:32]


def _load_cached(name: str) -> list[Rule] | None:
    document = cache.read_json(name)
    if document is None:
        return None
    try:
        return [_rule_from_json(item) for item in document]
    except (ValueError, TypeError, KeyError):
        return None  # corrupt or from another layout: rebuild


def _rule_from_json(item: dict[str, Any]) -> Rule:
    item["examples"] = tuple(Example(*e) for e in item["examples"])
    item["negative_examples"] = tuple(Example(*e) for e in item["negative_examples"])
    for key in ("keywords", "tags", "allow", "references", "paths"):
        item[key] = tuple(item[key])
    return Rule(**item)


def _parse_all(contents: Sequence[tuple[Path, bytes]]) -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path, data in contents:
        for rule in _parse_pack(path, data):
            if rule.id in seen:
                raise RuleError(str(path), rule.id, "id", f"duplicate id (also in {seen[rule.id]})")
            seen[rule.id] = str(path)
            rules.append(rule)
    return rules


def _parse_pack(path: Path, data: bytes) -> list[Rule]:
    import yaml  # only on a cache miss: parsing YAML is slow to import and to run

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(data, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise RuleError(str(path), None, None, f"not valid YAML{where}") from None
    if not isinstance(document, dict) or set(document) != {"rules"}:
        raise RuleError(str(path), None, None, "a pack is a mapping with one key, 'rules'")
    entries = document["rules"]
    if not isinstance(entries, list):
        raise RuleError(str(path), None, "rules", "must be a list of rules")
    return [_parse_rule(path, index, entry) for index, entry in enumerate(entries)]


def _parse_rule(path: Path, index: int, entry: object) -> Rule:
    where = str(path)
    if not isinstance(entry, dict):
        raise RuleError(where, f"#{index + 1}", None, "a rule must be a mapping")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _is_rule_id(rule_id):
        raise RuleError(where, f"#{index + 1}", "id", "required: lowercase letters, digits, '-'")
    check = _Checker(where, rule_id, entry)
    for key in entry:
        if key not in _REQUIRED and key not in _OPTIONAL:
            raise RuleError(where, rule_id, str(key), "unknown key")
    for key in _REQUIRED:
        if key not in entry:
            raise RuleError(where, rule_id, key, "required key is missing")
    regex_text = check.text("regex")
    validator = check.optional_text("validator")
    if validator is not None:
        from pat_scan.validators import CHECKS

        if validator not in CHECKS:
            check.fail("validator", f"unknown validator; known: {', '.join(sorted(CHECKS))}")
    invalid = check.optional_text("invalid") or "low"
    if invalid not in ("low", "drop"):
        check.fail("invalid", "must be 'low' or 'drop'")
    return Rule(
        id=rule_id,
        name=check.text("name"),
        description=check.text("description"),
        severity=check.choice("severity", SEVERITIES),
        keywords=check.keywords(),
        regex=regex_text,
        remediation=check.text("remediation").strip(),
        pack=path.stem,
        source=where,
        max_width=check.compiled_regex_width(regex_text),
        tags=check.texts("tags"),
        entropy=check.entropy(),
        validator=validator,
        invalid=invalid,
        allow=check.allow_patterns(),
        references=check.texts("references"),
        paths=check.texts("paths"),
        examples=check.examples("examples"),
        negative_examples=check.examples("negative_examples"),
    )


def _is_rule_id(text: str) -> bool:
    return bool(text) and all(c.islower() or c.isdigit() or c == "-" for c in text)


class _Checker:
    """Typed accessors over one rule's mapping; every failure names file, rule and key."""

    def __init__(self, path: str, rule_id: str, entry: dict[str, Any]) -> None:
        self.path, self.rule_id, self.entry = path, rule_id, entry

    def fail(self, key: str, problem: str) -> None:
        raise RuleError(self.path, self.rule_id, key, problem)

    def text(self, key: str) -> str:
        value = self.entry.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
        return str(value)

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.entry.get(key) is not None else None

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.text(key)
        if value not in allowed:
            self.fail(key, f"must be one of {', '.join(allowed)}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(key, "must be a list of non-empty strings")
        return tuple(value)

    def keywords(self) -> tuple[str, ...]:
        words = self.texts("keywords")
        if not words and not self.texts("paths"):
            self.fail(
                "keywords",
                "needs at least one literal that occurs in every match (only a rule limited "
                "to file names by `paths` may have none: the whole file is then checked)",
            )
        short = [w for w in words if len(w) < MIN_KEYWORD_LENGTH]
        if short:
            self.fail(
                "keywords",
                f"{short[0]!r} is shorter than {MIN_KEYWORD_LENGTH} characters: it would match "
                "almost everywhere and slow the pure-Python engine; use a longer literal or a "
                "context word the regex requires",
            )
        return tuple(w.lower() for w in words)

    def entropy(self) -> float | None:
        value = self.entry.get("entropy")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 8:
            self.fail("entropy", "must be a number of bits per character between 0 and 8")
        return float(value)

    def allow_patterns(self) -> tuple[str, ...]:
        patterns = self.texts("allow")
        import regex

        for pattern in patterns:
            try:
                regex.compile(pattern)
            except regex.error as exc:
                self.fail("allow", f"bad regex {pattern!r}: {exc}")
        return patterns

    def compiled_regex_width(self, pattern: str) -> int:
        import regex

        try:
            compiled = regex.compile(pattern.encode())
        except (regex.error, UnicodeEncodeError) as exc:
            self.fail("regex", f"bad regex: {exc}")
            raise  # unreachable: fail() raises; keeps the type checker sure
        if "secret" not in compiled.groupindex:
            self.fail("regex", "needs a named group (?P<secret>...) around the secret")
        from pat_scan.rules.regex_safety import problem

        unsafe = problem(pattern)
        if unsafe is not None:
            self.fail("regex", unsafe)
        return _max_width(pattern)

    def examples(self, key: str) -> tuple[Example, ...]:
        raw = self.entry.get(key, [])
        if not isinstance(raw, list):
            self.fail(key, "must be a list")
        examples = [self._example(key, item) for item in raw]
        return tuple(examples)

    def _example(self, key: str, item: object) -> Example:
        if isinstance(item, str):
            return Example(item)
        shape = "an example is a string or {text, confidence?, path?}"
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            extra = set(item) - {"text", "confidence", "path"}
            confidence = item.get("confidence")
            path = item.get("path", EXAMPLE_PATH)
            if extra or (confidence is not None and confidence not in CONFIDENCES):
                self.fail(key, shape)
            if not isinstance(path, str) or not path:
                self.fail(key, "an example's path is a file name such as .netrc")
            return Example(item["text"], confidence, path)
        self.fail(key, shape)
        raise AssertionError  # unreachable


def _max_width(pattern: str) -> int:
    """Longest possible match in characters, capped; unparseable or unbounded gives the cap."""
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python 3.10
        import sre_parse  # type: ignore[no-redef,unused-ignore]
    from pat_scan.rules.regex_safety import one_group_per_name

    try:
        width = int(sre_parse.parse(one_group_per_name(pattern)).getwidth()[1])
    except Exception:  # syntax only the `regex` module knows: assume the widest
        return MAX_MATCH_WIDTH
    return min(width, MAX_MATCH_WIDTH)
