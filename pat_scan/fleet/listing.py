"""Paged JSON listings over HTTP (httpx, from the `pat-scan[fleet]` extra): the next page from
the `Link` header (GitHub, GitLab) or GitLab's `X-Next-Page`; rate limits obeyed as the
providers document them (`Retry-After`; a remaining quota of 0 until its reset time; else an
exponential back-off), transient network errors retried a few times. Tokens travel only in the
headers given, and no message repeats a header."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from pat_scan.errors import PatScanError, UsageError

if TYPE_CHECKING:
    import httpx

ATTEMPTS = 6  # tries of one page: rate limits and network errors
LONGEST_WAIT = 3900.0  # seconds: GitHub's primary limit resets within the hour
BACKOFF = 2.0  # first wait (seconds) when a limit gives no time; doubled each try
SECONDARY_BACKOFF = 60.0  # GitHub: "wait for at least one minute" when it says nothing more
TIMEOUT = 60.0  # seconds for one response


class ListingError(PatScanError):
    """A provider listing failed: which repositories exist is unknown, so nothing is scanned."""


def client(headers: Mapping[str, str]) -> httpx.Client:
    try:
        import httpx
    except ImportError:
        raise UsageError(
            "listing repositories needs httpx: pip install 'pat-scan[fleet]'"
        ) from None
    from pat_scan import __version__

    return httpx.Client(
        headers={"User-Agent": f"pat-scan/{__version__}", **headers},
        timeout=TIMEOUT,
        follow_redirects=True,
    )


def pages(
    session: httpx.Client,
    url: str,
    params: Mapping[str, str | int],
    provider: str,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Any]:
    """Every item of a paged JSON array, page after page."""
    query: Mapping[str, str | int] | None = params
    next_url: str | None = url
    while next_url is not None:
        response = _get(session, next_url, query, provider, sleep)
        items = response.json()
        if not isinstance(items, list):
            raise ListingError(f"{provider}: {_bare(next_url)}: expected a JSON list")
        yield from items
        next_url, query = _next_page(response, next_url, query)
        if next_url is not None:
            _pace(response, provider, sleep)


def _get(
    session: httpx.Client,
    url: str,
    params: Mapping[str, str | int] | None,
    provider: str,
    sleep: Callable[[float], None],
) -> httpx.Response:
    import httpx

    for attempt in range(ATTEMPTS):
        try:
            response = session.get(url, params=params)
        except httpx.TransportError as exc:
            if attempt == ATTEMPTS - 1:
                raise ListingError(f"{provider}: {_bare(url)}: {type(exc).__name__}") from None
            sleep(BACKOFF * 2.0**attempt)
            continue
        wait = rate_limit_wait(response, attempt, time.time())
        if wait is None:
            _check(response, provider)
            return response
        if attempt == ATTEMPTS - 1 or wait > LONGEST_WAIT:
            raise ListingError(f"{provider}: rate limited ({response.status_code}); try later")
        _say(f"{provider} rate limit: waiting {wait:.0f} s")
        sleep(wait)
    raise AssertionError("unreachable")  # the last attempt returns or raises


def rate_limit_wait(response: httpx.Response, attempt: int, now: float) -> float | None:
    """Seconds to wait before asking again, or None when the response is not a rate limit."""
    if response.status_code not in (403, 429):
        return None
    headers = response.headers
    retry_after = headers.get("retry-after")
    if retry_after:
        return _seconds_from(retry_after, now)
    remaining = headers.get("x-ratelimit-remaining", headers.get("ratelimit-remaining"))
    reset = headers.get("x-ratelimit-reset", headers.get("ratelimit-reset"))
    if remaining == "0" and reset and reset.isdigit():
        return max(int(reset) - now, 0.0) + 1.0
    if response.status_code == 429:
        return BACKOFF * 2.0**attempt
    if "rate limit" in response.text.lower():  # GitHub's secondary limit, without headers
        return SECONDARY_BACKOFF * 2.0**attempt
    return None  # a plain 403: no permission


def _seconds_from(value: str, now: float) -> float:
    """A `Retry-After` value: seconds, or an HTTP date."""
    if value.strip().isdigit():
        return float(value)
    try:
        moment: float = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return BACKOFF
    return max(moment - now, 0.0)


def _pace(response: httpx.Response, provider: str, sleep: Callable[[float], None]) -> None:
    """The quota is used up: wait for its reset before the next page, instead of being
    refused."""
    headers = response.headers
    remaining = headers.get("x-ratelimit-remaining", headers.get("ratelimit-remaining"))
    reset = headers.get("x-ratelimit-reset", headers.get("ratelimit-reset"))
    if remaining == "0" and reset and reset.isdigit():
        wait = max(int(reset) - time.time(), 0.0) + 1.0
        if wait > LONGEST_WAIT:
            raise ListingError(f"{provider}: rate limit resets in {wait:.0f} s; try later")
        _say(f"{provider} rate limit used up: waiting {wait:.0f} s for its reset")
        sleep(wait)


def _next_page(
    response: httpx.Response, url: str, params: Mapping[str, str | int] | None
) -> tuple[str | None, Mapping[str, str | int] | None]:
    """The `Link: <…>; rel="next"` URL (it carries the query), else GitLab's `X-Next-Page`
    applied to this page's query; (None, None) after the last page."""
    link = response.links.get("next", {}).get("url")
    if link:
        return str(response.url.join(link)), None
    page = response.headers.get("x-next-page", "").strip()
    if page.isdigit():
        return str(response.url.copy_set_param("page", page)), None
    return None, None


def _check(response: httpx.Response, provider: str) -> None:
    status = response.status_code
    if status < 300:
        return
    where = _bare(str(response.url))
    if status == 401:
        raise ListingError(f"{provider}: {where}: authentication failed (401): check the token")
    if status in (403, 404):
        what = "not found, or not visible to this token" if status == 404 else "access denied"
        raise ListingError(f"{provider}: {where}: {what} ({status})")
    raise ListingError(f"{provider}: {where}: HTTP {status}")


def _bare(url: str) -> str:
    """A URL without its query (page numbers and cursors say nothing to the user)."""
    return url.split("?", 1)[0]


def _say(message: str) -> None:
    print(f"pat-scan: {message}", file=sys.stderr, flush=True)
