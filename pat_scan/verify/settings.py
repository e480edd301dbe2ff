"""How verification runs: base URLs, timeout, concurrency, CA bundle and cache lifetime, from
the command line, then the environment, then the configuration file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

from pat_scan.config import Config
from pat_scan.errors import UsageError
from pat_scan.options import VerifyOptions

DEFAULT_TIMEOUT = 10.0
DEFAULT_JOBS = 8
DEFAULT_CACHE_TTL = 900  # seconds; 0 turns the cache off
MAX_WAIT = 10.0  # the longest Retry-After waited for (once) before giving up as rate-limited
# Base URLs that have an option and an environment variable of their own.
NAMED_URLS = {
    "github": ("github_api_url", "PAT_SCAN_GITHUB_API_URL"),
    "gitlab": ("gitlab_url", "PAT_SCAN_GITLAB_URL"),
}


class Settings(NamedTuple):
    urls: Mapping[str, str] = {}  # provider name -> base URL, where not the provider's own
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = DEFAULT_JOBS
    ca_bundle: str | None = None
    cache_ttl: int = DEFAULT_CACHE_TTL
    max_wait: float = MAX_WAIT

    def url(self, provider: str, default: str) -> str:
        return self.urls.get(provider, default).rstrip("/")


def from_sources(options: VerifyOptions, config: Config) -> Settings:
    """The command line's options, over the environment, over the configuration file."""
    urls: dict[str, str] = {}
    for name, url in config.provider_urls.items():
        urls[name] = check_url(url, f"provider-urls.{name}")
    for spec in options.provider_urls:
        name, sep, url = spec.partition("=")
        if not sep or not name:
            raise UsageError(f"--provider-url {spec!r}: give NAME=URL, e.g. npm=https://npm.corp")
        urls[name.strip()] = check_url(url, "--provider-url")
    for name, (key, variable) in NAMED_URLS.items():
        given, environment = getattr(options, key), os.environ.get(variable)
        source = given or environment or getattr(config, key)
        if source:
            where = f"--{key.replace('_', '-')}" if given else variable if environment else key
            urls[name] = check_url(source, where)
    ca_bundle = options.ca_bundle or config.ca_bundle
    if ca_bundle and not os.path.isfile(ca_bundle):
        raise UsageError(f"--ca-bundle {ca_bundle}: no such file")
    timeout = options.timeout or DEFAULT_TIMEOUT
    jobs = options.jobs or DEFAULT_JOBS
    if timeout <= 0 or jobs < 1:
        raise UsageError("--verify-timeout and --verify-jobs must be positive")
    ttl = options.cache_ttl if options.cache_ttl is not None else config.verify_cache_ttl
    return Settings(
        urls=urls,
        timeout=timeout,
        jobs=jobs,
        ca_bundle=ca_bundle,
        cache_ttl=DEFAULT_CACHE_TTL if ttl is None else int(ttl),
    )


def check_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{where}: {url!r} is not an http(s) URL")
    return url.rstrip("/")
