"""Slack: `POST /api/auth.test` says who a token is (user or bot, workspace) and its scopes come
back in the `X-OAuth-Scopes` header. Errors come as HTTP 200 with `ok: false`."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, bearer, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://slack.com"
RULES = frozenset(
    {
        "slack-bot-token",
        "slack-user-token",
        "slack-legacy-bot-token",
        "slack-app-token",
        "slack-legacy-token",
    }
)
# auth.test's documented errors that mean the token no longer works.
DEAD = {
    "invalid_auth": "Slack rejected it (invalid_auth)",
    "not_authed": "Slack rejected it (not_authed)",
    "account_inactive": "the account or workspace is deactivated",
    "token_revoked": "Slack says it was revoked",
    "token_expired": "Slack says it has expired",
}
TYPES = {"xoxb": "bot token", "xoxp": "user token", "xoxe": "user token", "xapp": "app-level token"}


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    reply = probe.client.request("POST", f"{probe.base_url}/api/auth.test", bearer(probe.secret))
    if reply.status != 200:
        return unexpected(reply)
    body = reply.json()
    if not isinstance(body, dict) or "ok" not in body:
        return malformed(reply)
    kind = TYPES.get(probe.secret[:4], "Slack token")
    if not body["ok"]:
        error = str(body.get("error", ""))
        if error == "token_revoked":
            return record.revoked(DEAD[error], token_type=kind)
        if error in DEAD:
            return record.invalid(DEAD[error], token_type=kind)
        return unexpected(reply, f"error {error!r}")
    scopes = reply.headers.get("x-oauth-scopes")
    expires = body.get("expires_in")
    return record.active(
        identity=identity(
            user=body.get("user"),
            user_id=body.get("user_id"),
            bot_id=body.get("bot_id"),
            team=body.get("team"),
            team_id=body.get("team_id"),
            url=body.get("url"),
        ),
        scopes=tuple(s.strip() for s in scopes.split(",") if s.strip()) if scopes else None,
        expires_at=_in_seconds(expires) if isinstance(expires, int) else record.NEVER,
        token_type=kind,
    )


def _in_seconds(seconds: int) -> str:
    import datetime

    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def revoke_at(rule_id: str, base_url: str) -> str:
    return (
        "curl -X POST -H 'Authorization: Bearer $TOKEN' https://slack.com/api/auth.revoke "
        "(or reinstall the app / regenerate the token at https://api.slack.com/apps)"
    )


PROVIDER = Provider("slack", RULES, DEFAULT_URL, check, revoke_at)
