"""AWS: STS `GetCallerIdentity` (allowed for every valid key, whatever its policies) names the
account, the ARN and the user id. The request is signed by botocore (the `verify-aws` extra),
never by code of pat-scan's own. It needs the secret access key found next to the key id."""

from __future__ import annotations

from typing import Any

from pat_scan.errors import UsageError
from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, identity
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://sts.amazonaws.com"
RULES = frozenset({"aws-access-key-id"})
PARTNER_RULE = "aws-secret-access-key"  # what the check needs besides the key id
EXTRA = "pat-scan[verify-aws]"
NOTE = (
    "GetCallerIdentity does not tell the key's policies (that would need IAM permissions); "
    "see them in IAM for the user or role named"
)
INVALID_CODES = {
    "InvalidClientTokenId": "AWS does not know this key id (deleted, or never valid)",
    "SignatureDoesNotMatch": "the secret access key found next to it does not match",
    "ExpiredToken": "the temporary credentials have expired",
}


def check(probe: Probe) -> Verification:
    if probe.partner is None:
        return record.unknown(
            record.NO_SECRET, "no secret access key in the same file: a key id alone is not checked"
        )
    try:
        import botocore.config
        import botocore.exceptions
        import botocore.session
    except ImportError:
        raise UsageError(f"AWS verification needs botocore: pip install '{EXTRA}'") from None
    settings = probe.settings
    session = botocore.session.Session()
    client = session.create_client(
        "sts",
        region_name="us-east-1",
        endpoint_url=probe.base_url,
        aws_access_key_id=probe.secret,
        aws_secret_access_key=probe.partner,
        verify=settings.ca_bundle or True,
        config=botocore.config.Config(
            connect_timeout=settings.timeout,
            read_timeout=settings.timeout,
            retries={"max_attempts": 1, "mode": "standard"},
        ),
    )
    kind = "temporary key (STS)" if probe.secret.startswith("ASIA") else "access key"
    try:
        answer: dict[str, Any] = client.get_caller_identity()
    except botocore.exceptions.ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in INVALID_CODES:
            return record.invalid(INVALID_CODES[code], token_type=kind)
        if code in ("Throttling", "ThrottlingException", "RequestLimitExceeded"):
            return record.unknown(record.RATE_LIMITED, code)
        return record.unknown(record.UNEXPECTED, code or "unreadable error")
    except (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.ReadTimeoutError):
        return record.unknown(record.TIMEOUT, f"no answer within {settings.timeout:g} s")
    except botocore.exceptions.SSLError:
        return record.unknown(record.TLS_ERROR, "certificate not trusted (--ca-bundle)")
    except botocore.exceptions.EndpointConnectionError:
        return record.unknown(record.OFFLINE, "cannot connect")
    except botocore.exceptions.BotoCoreError as exc:
        return record.unknown(record.UNEXPECTED, type(exc).__name__)
    finally:
        client.close()
    return record.active(
        identity=identity(
            account=answer.get("Account"), arn=answer.get("Arn"), user_id=answer.get("UserId")
        ),
        permissions_note=NOTE,
        token_type=kind,
    )


def revoke_at(rule_id: str, base_url: str) -> str:
    return (
        "aws iam update-access-key --status Inactive --access-key-id <key id> --user-name <user>"
        " then aws iam delete-access-key (or https://console.aws.amazon.com/iam/ > Users > "
        "Security credentials)"
    )


PROVIDER = Provider("aws", RULES, DEFAULT_URL, check, revoke_at, http=False)
