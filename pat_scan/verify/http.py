"""The one HTTP client of verification (httpx, from the `verify` extra): timeouts, TLS
verification with an optional CA bundle, proxies from the environment, Retry-After and
rate-limit headers respected per host.

A host that says it is rate-limited gets no further request in this run: its remaining checks
end as `unknown: rate-limited` at once instead of hammering it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from pat_scan import __version__
from pat_scan.errors import UsageError
from pat_scan.verify import record
from pat_scan.verify.settings import Settings

EXTRA = "pat-scan[verify]"
MAX_BODY = 1024 * 1024  # a verification answer is small; more is not read


class Reply(NamedTuple):
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class Unanswered(Exception):
    """No usable answer: `reason` is one of record's unknown reasons, `detail` says more."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def require_httpx() -> Any:
    """The httpx module, or a usage error (exit 2) that names the extra to install."""
    try:
        import httpx
    except ImportError:
        raise UsageError(
            f"verification needs the HTTP client of the verify extra: pip install '{EXTRA}'"
        ) from None
    return httpx


class Client:
    """One client for a run: a connection pool shared by the worker threads."""

    def __init__(self, settings: Settings) -> None:
        httpx = require_httpx()
        self._httpx = httpx
        self.settings = settings
        verify: Any = True
        if settings.ca_bundle:
            import ssl

            verify = ssl.create_default_context(cafile=settings.ca_bundle)
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            verify=verify,
            trust_env=True,  # HTTP(S)_PROXY, NO_PROXY, SSL_CERT_FILE
            follow_redirects=False,  # a credential is never sent to a host it was not meant for
            headers={"User-Agent": f"pat-scan/{__version__} (credential verification)"},
            limits=httpx.Limits(max_connections=settings.jobs),
        )
        self._lock = threading.Lock()
        self._blocked: dict[str, float] = {}  # host -> monotonic time it may be asked again

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request; at most one retry, after a short Retry-After. Raises Unanswered
        for a timeout, a connection or TLS failure, a rate limit or a server error."""
        host = urlsplit(url).netloc
        for attempt in (1, 2):
            self._wait_or_refuse(host)
            reply = self._send(method, url, headers, json_body, form)
            wait = _rate_limit_wait(reply)
            if wait is None and reply.status < 500:
                return reply
            if wait is not None and wait <= self.settings.max_wait and attempt == 1:
                time.sleep(wait)
                continue
            if wait is not None:
                self._block(host, wait)
                raise Unanswered(record.RATE_LIMITED, _limit_detail(reply, wait))
            if attempt == 2 or reply.status not in (502, 503, 504):
                raise Unanswered(record.SERVER_ERROR, f"HTTP {reply.status}")
        raise AssertionError("unreachable: the loop returns or raises")

    def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        json_body: Any,
        form: Mapping[str, str] | None,
    ) -> Reply:
        httpx = self._httpx
        try:
            with self._client.stream(
                method, url, headers=dict(headers or {}), json=json_body, data=form
            ) as response:
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_BODY:
                        break
                return Reply(
                    response.status_code,
                    {k.lower(): v for k, v in response.headers.items()},
                    body[:MAX_BODY],
                )
        except httpx.TimeoutException:
            raise Unanswered(
                record.TIMEOUT, f"no answer within {self.settings.timeout:g} s"
            ) from None
        except httpx.ConnectError as exc:
            if "certificate" in str(exc).lower():
                raise Unanswered(
                    record.TLS_ERROR, "certificate not trusted (--ca-bundle)"
                ) from None
            raise Unanswered(record.OFFLINE, "cannot connect") from None
        except httpx.HTTPError as exc:
            raise Unanswered(record.OFFLINE, f"{type(exc).__name__}") from None

    def _wait_or_refuse(self, host: str) -> None:
        with self._lock:
            until = self._blocked.get(host)
        if until is not None and time.monotonic() < until:
            raise Unanswered(record.RATE_LIMITED, f"{host} asked for a pause earlier in this run")

    def _block(self, host: str, seconds: float) -> None:
        with self._lock:
            self._blocked[host] = time.monotonic() + seconds


def _rate_limit_wait(reply: Reply) -> float | None:
    """Seconds the server asks to wait (Retry-After, or GitHub-style X-RateLimit-* / DigitalOcean
    RateLimit-* headers on a 403 or 429), or None when it is not rate-limiting."""
    headers = reply.headers
    if reply.status not in (403, 429, 503):
        return None
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(float(retry_after), 0.0)
        except ValueError:
            return _http_date_wait(retry_after)
    for remaining, reset in (
        ("x-ratelimit-remaining", "x-ratelimit-reset"),
        ("ratelimit-remaining", "ratelimit-reset"),
    ):
        if headers.get(remaining) == "0":
            try:
                return max(float(headers.get(reset, "60")) - time.time(), 0.0)
            except ValueError:
                return 60.0
    return 60.0 if reply.status == 429 else None


def _http_date_wait(value: str) -> float:
    from email.utils import parsedate_to_datetime

    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return 60.0


def _limit_detail(reply: Reply, wait: float) -> str:
    return f"HTTP {reply.status}, retry in {wait:.0f} s"
