"""Configuration: `--config FILE`, else `.pat-scan.yaml` / `.pat-scan.yml` at the repository root,
else `[tool.pat-scan]` in its `pyproject.toml`. Parsed once into a frozen `Config`; every error
names the file and the key."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from pat_scan import __version__, cache
from pat_scan.errors import ConfigError
from pat_scan.rules import CONFIDENCES, SEVERITIES

FILE_NAMES = (".pat-scan.yaml", ".pat-scan.yml")
# Baselines and ignore files of pat-scan and of the scanners it replaces: their entries are
# hashes and locations, not credentials.
SCANNER_FILES = frozenset({".pat-scan-baseline.json", ".secrets.baseline", ".gitleaksignore"})
_UNITS = {
    **{unit: 1 for unit in ("", "b")},
    **{unit: 1024 for unit in ("k", "kb", "kib")},
    **{unit: 1024**2 for unit in ("m", "mb", "mib")},
    **{unit: 1024**3 for unit in ("g", "gb", "gib")},
}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)([a-z]*)")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class Config(NamedTuple):
    root: Path  # relative paths in it are relative to this
    path: Path | None = None  # the file it came from, None for defaults
    rules: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    min_confidence: str | None = None
    fail_on: str | None = None
    max_file_size: int | None = None
    entropy: Mapping[str, float] = {}
    baseline: str | None = None
    # Verification (pat_scan.verify): off unless `verify: true` or --verify.
    verify: bool = False
    github_api_url: str | None = None
    gitlab_url: str | None = None
    provider_urls: Mapping[str, str] = {}
    ca_bundle: str | None = None
    verify_cache_ttl: int | None = None
    foreign_markers: bool = True  # other tools' inline markers suppress (bandit, gosec, ruff, ...)

    def excluder(self) -> Callable[[str], bool]:
        """The one exclusion test, on file paths (absolute, or relative to the current
        directory as it is when the test is made), memoised: a history asks for each path in
        every version of its file.

        The rule pack files the configuration names are always excluded (they hold patterns and
        examples, not credentials); nothing else is, unless `exclude` says so: the configuration
        file itself and the baselines are scanned like any file (a baseline's own entries are
        not findings: see `suppress.baseline.recorded`).
        """
        patterns = _exclude_patterns(self.exclude)
        packs = {str(p.resolve()) for p in self.pack_files()}
        if not patterns and not packs:  # the usual case: nothing to test, nothing to remember
            return _nothing_excluded
        root = str(self.root.resolve())
        inside = root.rstrip(os.sep) + os.sep
        last_first = _last_first(patterns)
        verdicts: dict[str, bool] = {}
        make_absolute = _absolute_from(os.getcwd())

        def decide(path: str) -> bool:
            # Strings, not Paths: a few µs a path instead of ~25 (the hook asks for each file).
            absolute = make_absolute(path)
            if absolute in packs:
                return True
            if absolute.startswith(inside):
                relative = absolute[len(inside) :].replace(os.sep, "/")
            elif absolute == root:
                relative = "."
            else:
                return False
            for pattern, include in last_first:
                if pattern.search(relative):
                    return include
            return False

        def excluded(path: str) -> bool:
            verdict = verdicts.get(path)
            if verdict is None:
                verdict = verdicts[path] = decide(path)
            return verdict

        return excluded

    def pack_files(self) -> list[Path]:
        """The rule pack files `rules` names: files as given, directories' YAML files (every one
        is loaded, and so must be a pack)."""
        found: list[Path] = []
        for entry in self.rules:
            path = self.root / entry
            if path.is_dir():
                found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            else:
                found.append(path)
        return found

    def baseline_names(self) -> frozenset[str]:
        """File names that hold baselines (pat-scan's, the configured one, other scanners')."""
        configured = {Path(self.baseline).name} if self.baseline else set()
        return SCANNER_FILES | configured


def _nothing_excluded(path: str) -> bool:
    return False


def _absolute_from(cwd: str) -> Callable[[str], str]:
    """`os.path.abspath` relative to `cwd`, without its system call and, for a path already in
    normal form (as git and directory walks give them), without normalising it again."""
    if os.sep != "/":
        return os.path.abspath
    prefix = cwd.rstrip("/") + "/"

    def absolute(path: str) -> str:
        if not path.startswith("/"):
            path = prefix + path
        if "/." in path or "//" in path or path.endswith("/"):
            return os.path.normpath(path)
        return path

    return absolute


def _last_first(patterns: list[tuple[re.Pattern[str], bool]]) -> list[tuple[re.Pattern[str], bool]]:
    """The patterns to try in turn, the last line's first (gitignore: the last matching line
    wins), each run of neighbouring lines that agree joined into one regex: one search instead
    of one per line, with the same verdict (their named groups, never used, made plain)."""
    runs: list[tuple[list[str], bool]] = []
    for pattern, include in reversed(patterns):
        if runs and runs[-1][1] == include:
            runs[-1][0].append(pattern.pattern)
        else:
            runs.append(([pattern.pattern], include))
    joined: list[tuple[re.Pattern[str], bool]] = []
    for sources, include in runs:
        plain = [_NAMED_GROUP.sub("(?:", source) for source in sources]
        if len(sources) == 1 or any("(?P=" in source for source in sources):
            joined += [(re.compile(source), include) for source in sources]
        else:
            joined.append((re.compile("|".join(f"(?:{source})" for source in plain)), include))
    return joined


def _exclude_patterns(lines: tuple[str, ...]) -> list[tuple[re.Pattern[str], bool]]:
    """gitignore-style lines as (regex, excludes?) pairs. pathspec translates them; its import
    is slow for the hook's path, so the translation is cached by the lines' content."""
    if not lines:
        return []
    name = "exclude-" + hashlib.sha256("\0".join(lines).encode()).hexdigest()[:32] + ".json"
    pairs = cache.read_json(name)
    if pairs is None:
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        pairs = [
            [p.regex.pattern, bool(p.include)]
            for p in spec.patterns
            if p.regex is not None and p.include is not None  # None: blank or comment lines
        ]
        cache.write_json(name, pairs)
    return [(re.compile(pattern), include) for pattern, include in pairs]


def discover(explicit: str | None, root: Path) -> Config:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(explicit, None, "no such configuration file")
        return _from_file(path, path.resolve().parent)
    for name in FILE_NAMES:
        if (root / name).is_file():
            return _from_file(root / name, root)
    pyproject = root / "pyproject.toml"
    data = _mentioning_pat_scan(pyproject)
    if data is not None:
        table = _pyproject_table(pyproject, data)
        if table is not None:
            return _parse(pyproject, root, table)
    return Config(root=root)


def _mentioning_pat_scan(pyproject: Path) -> bytes | None:
    """The file's bytes if they mention pat-scan, a cheap test before parsing: most projects'
    pyproject.toml has no pat-scan table, and a broken one that is not ours must not stop the
    hook."""
    try:
        data = pyproject.read_bytes()
    except OSError:
        return None
    return data if b"pat-scan" in data else None


def _from_file(path: Path, root: Path) -> Config:
    if path.name == "pyproject.toml":
        table = _pyproject_table(path)
        return _parse(path, root, table or {})
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc.strerror}") from None
    # A YAML file that was valid before is read from the cache: the hook neither imports yaml
    # nor compiles the allow regexes again (35-55 ms a commit). The entry is sealed with a key
    # derived from the file's bytes: an allow entry or stopword may be a token, and the cache
    # must not hold it in a form anyone without the file can read (about 3 ms).
    entry = cache.seal("config", __version__.encode() + b"\0" + data)
    cached = cache.read_sealed(entry)
    if isinstance(cached, dict):
        return _parse(path, root, cached, checked=True)
    import yaml

    try:
        document = yaml.safe_load(data) or {}
    except yaml.YAMLError:
        raise ConfigError(str(path), None, "not valid YAML") from None
    if not isinstance(document, dict):
        raise ConfigError(str(path), None, "must be a mapping of keys to values")
    config = _parse(path, root, document)
    cache.write_sealed(entry, document)
    return config


def _pyproject_table(path: Path, data: bytes | None = None) -> dict[str, Any] | None:
    """The [tool.pat-scan] table of `path` (whose bytes are `data` when already read)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        raise ConfigError(str(path), None, "not valid TOML") from None
    table = document.get("tool", {}).get("pat-scan")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(str(path), "tool.pat-scan", "must be a table")
    return table


def _parse(path: Path, root: Path, raw: dict[str, Any], checked: bool = False) -> Config:
    """`checked`: the allow regexes compiled before (a cached file), so they are not again."""
    where = str(path)

    def strings(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(where, key, "must be a list of non-empty strings")
        return tuple(value)

    def choice(key: str, allowed: tuple[str, ...]) -> str | None:
        value = raw.get(key)
        if value is not None and value not in allowed:
            raise ConfigError(where, key, f"must be one of {', '.join(allowed)}")
        return value

    known = {name.replace("_", "-") for name in Config._fields}
    for key in raw:
        if key not in known - {"path", "root"}:
            raise ConfigError(where, str(key), "unknown key")
    allow = strings("allow")
    if not checked:
        _check_regexes(where, allow)
    foreign = raw.get("foreign-markers", True)
    if not isinstance(foreign, bool):
        raise ConfigError(where, "foreign-markers", "must be true or false")
    baseline = raw.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise ConfigError(where, "baseline", "must be a path")
    packs = strings("rules")
    top = root.resolve()
    for entry in packs:
        named = (root / entry).resolve()
        if named == top or named in top.parents:
            raise ConfigError(
                where, "rules", f"{entry!r} is the repository or above it: name the pack files"
            )
    return Config(
        path=path,
        root=root,
        rules=packs,
        disable=strings("disable"),
        enable=strings("enable"),
        exclude=strings("exclude"),
        allow=allow,
        stopwords=strings("stopwords"),
        min_confidence=choice("min-confidence", CONFIDENCES),
        fail_on=choice("fail-on", SEVERITIES),
        max_file_size=_size(where, raw.get("max-file-size")),
        entropy=_entropy(where, raw.get("entropy", {})),
        baseline=baseline,
        **_verification(where, root, raw),
        foreign_markers=foreign,
    )


def _verification(where: str, root: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """The verification keys: `verify`, base URLs, `ca-bundle` and `verify-cache-ttl`."""
    found: dict[str, Any] = {}
    if "verify" in raw:
        if not isinstance(raw["verify"], bool):
            raise ConfigError(where, "verify", "must be true or false")
        found["verify"] = raw["verify"]
    urls = raw.get("provider-urls", {})
    if not isinstance(urls, dict):
        raise ConfigError(where, "provider-urls", "must map provider names to URLs")
    for key, value in [
        ("github-api-url", raw.get("github-api-url")),
        ("gitlab-url", raw.get("gitlab-url")),
        *((f"provider-urls.{k}", v) for k, v in urls.items()),
    ]:
        if value is not None and (not isinstance(value, str) or not re.match(r"https?://.", value)):
            raise ConfigError(where, key, "must be an http(s) URL")
    found.update(github_api_url=raw.get("github-api-url"), gitlab_url=raw.get("gitlab-url"))
    found["provider_urls"] = {str(k): str(v) for k, v in urls.items()}
    ca_bundle = raw.get("ca-bundle")
    if ca_bundle is not None:
        if not isinstance(ca_bundle, str) or not (root / ca_bundle).is_file():
            raise ConfigError(where, "ca-bundle", "must name an existing PEM file")
        found["ca_bundle"] = str(root / ca_bundle)
    ttl = raw.get("verify-cache-ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0):
        raise ConfigError(where, "verify-cache-ttl", "must be a number of seconds (0 or more)")
    found["verify_cache_ttl"] = ttl
    return found


def _check_regexes(where: str, patterns: tuple[str, ...]) -> None:
    import regex

    for pattern in patterns:
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise ConfigError(where, "allow", f"bad regex {pattern!r}: {exc}") from None


def _entropy(where: str, value: object) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ConfigError(where, "entropy", "must map rule ids to bits per character")
    result: dict[str, float] = {}
    for rule_id, bits in value.items():
        if isinstance(bits, bool) or not isinstance(bits, int | float) or not 0 <= bits <= 8:
            raise ConfigError(where, f"entropy.{rule_id}", "must be a number from 0 to 8")
        result[str(rule_id)] = float(bits)
    return result


def parse_size(text: str) -> int:
    """'10MB', '10M', '1.5MB', '512kb', '2GiB', '1048576' -> bytes (K, M and G are powers of
    1024); ValueError otherwise, and for less than one byte."""
    found = _SIZE.fullmatch(text.strip().lower().replace(" ", ""))
    if found is None or found.group(2) not in _UNITS:
        raise ValueError(text)
    size = int(float(found.group(1)) * _UNITS[found.group(2)])
    if size < 1:
        raise ValueError(text)
    return size


def _size(where: str, value: object) -> int | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        return value if isinstance(value, int) else parse_size(str(value))
    except ValueError:
        raise ConfigError(where, "max-file-size", "must be a size like 10MB or 1048576") from None
