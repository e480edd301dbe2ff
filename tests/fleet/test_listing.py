"""How long a refused listing request waits, as GitHub and GitLab document their limits."""

from __future__ import annotations

from email.utils import formatdate

import httpx

from pat_scan.fleet import listing

NOW = 1_700_000_000.0


def response(status: int, headers: dict[str, str], body: str = "{}") -> httpx.Response:
    return httpx.Response(status, headers=headers, text=body)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert listing.rate_limit_wait(response(429, {"Retry-After": "7"}), 0, NOW) == 7.0
    later = formatdate(NOW + 30, usegmt=True)
    assert listing.rate_limit_wait(response(403, {"retry-after": later}), 0, NOW) == 30.0


def test_a_used_up_quota_waits_for_its_reset() -> None:
    github = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 40)}
    assert listing.rate_limit_wait(response(403, github), 0, NOW) == 41.0
    gitlab = {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW) + 5)}
    assert listing.rate_limit_wait(response(429, gitlab), 0, NOW) == 6.0


def test_limits_without_a_time_back_off_and_a_plain_refusal_is_not_a_limit() -> None:
    assert listing.rate_limit_wait(response(429, {}), 0, NOW) == listing.BACKOFF
    assert listing.rate_limit_wait(response(429, {}), 2, NOW) == listing.BACKOFF * 4
    secondary = '{"message": "You have exceeded a secondary rate limit."}'
    assert listing.rate_limit_wait(response(403, {}, secondary), 1, NOW) == 120.0
    forbidden = '{"message": "Resource not accessible by integration"}'
    assert listing.rate_limit_wait(response(403, {}, forbidden), 0, NOW) is None
    plenty = {"x-ratelimit-remaining": "4999", "x-ratelimit-reset": str(int(NOW) + 40)}
    assert listing.rate_limit_wait(response(200, plenty), 0, NOW) is None
