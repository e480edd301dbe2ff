"""`pat-scan revoke REPORT.json [--yes]`: submit the GitHub tokens among a report's findings to
GitHub's credential revocation API, after a confirmation; print the exact revocation URL or
command for every other finding."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pat_scan.commands.verify_cmd import add_report_options


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "revoke",
        parents=parents,
        help="revoke the GitHub tokens of a JSON report (GitHub's revocation API)",
        description="Re-read each finding's secret as `pat-scan verify` does and submit the "
        "GitHub tokens (ghp_, github_pat_, gho_, ghu_, ghr_) to POST /credentials/revoke, "
        "without authentication. GitHub cannot reactivate them. Other providers: prints where "
        "to revoke each one.",
    )
    add_report_options(parser)
    parser.add_argument("--yes", action="store_true", help="do not ask (for CI)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the record here")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pat_scan.commands.common import destination
    from pat_scan.commands.verify_cmd import reread_report
    from pat_scan.verify import http, revoke, settings
    from pat_scan.verify.providers import for_rule
    from pat_scan.verify.providers.github import DEFAULT_URL

    http.require_httpx()
    _, config, reread = reread_report(args)
    findings = [item.finding for item in reread]
    chosen = [f for f in findings if revoke.revocable(f)]
    others = [f for f in findings if not revoke.revocable(f)]
    verify_settings = settings.from_sources(args, config)
    base_url = verify_settings.url("github", DEFAULT_URL)
    submissions: list[revoke.Submission] = []
    if chosen and _confirmed(args, chosen, base_url):
        submissions = revoke.submit(chosen, verify_settings, base_url)
    manual = [_manual(f, for_rule(f.rule.id), verify_settings) for f in others]
    with destination(args.output) as out:
        if args.format == "json":
            doc = {"revocations": [revoke.to_json(s) for s in submissions], "manual": manual}
            json.dump(doc, out, indent=2)
            out.write("\n")
        else:
            _write_text(out, submissions, manual, bool(chosen))
    return 0 if all(s.accepted for s in submissions) else 3


def _confirmed(args: argparse.Namespace, chosen: list[Any], base_url: str) -> bool:
    from pat_scan.errors import UsageError

    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("revoking cannot be undone: confirm on a terminal, or pass --yes")
    count = len({f.secret for f in chosen})
    print(f"About to revoke {count} GitHub token(s) through {base_url}/credentials/revoke:")
    for finding in chosen:
        print(f"  {finding.path}:{finding.line}: {finding.rule.id} {finding.preview}")
    answer = input("GitHub cannot reactivate them and will notify their owners. Revoke? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _manual(finding: Any, provider: Any, verify_settings: Any) -> dict[str, Any]:
    if provider is not None:
        base_url = verify_settings.url(provider.name, provider.default_url)
        where = provider.revoke_at(finding.rule.id, base_url)
    else:
        lines = finding.rule.remediation.strip().splitlines()
        where = lines[0].strip() if lines else "see the rule's remediation"
    why = "its secret could not be read again" if finding.stored else "not a GitHub user token"
    return {
        "rule_id": finding.rule.id,
        "path": finding.path,
        "line": finding.line,
        "secret": finding.preview,
        "fingerprint": finding.fingerprint,
        "why_manual": why,
        "revoke_at": where,
    }


def _write_text(
    out: Any, submissions: list[Any], manual: list[dict[str, Any]], any_chosen: bool
) -> None:
    if any_chosen and not submissions:
        out.write("Nothing was revoked (not confirmed).\n")
    for submission in submissions:
        out.write(f"Submitted to {submission.url} (unauthenticated):\n")
        for item in submission.submitted:
            out.write(
                f"  {item['path']}:{item['line']}: {item['rule_id']} {item['secret']} "
                f"(fingerprint {item['fingerprint']})\n"
            )
        if submission.status is None:
            out.write(f"GitHub did not answer: {submission.error}\n")
        else:
            verdict = "accepted" if submission.accepted else "NOT accepted"
            out.write(f"GitHub answered HTTP {submission.status} ({verdict}): ")
            out.write(json.dumps(submission.answer) + "\n")
    if manual:
        out.write("Revoke these yourself:\n")
        for item in manual:
            out.write(
                f"  {item['path']}:{item['line']}: {item['rule_id']} {item['secret']}: "
                f"{item['revoke_at']}\n"
            )
