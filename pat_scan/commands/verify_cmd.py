"""`--verify` on scanning commands, `pat-scan verify REPORT.json` and `pat-scan revoke
REPORT.json`: ask each provider whether the credentials found are live, whose they are, what
they may do and when they expire; submit GitHub tokens to GitHub's revocation API.

One module for all three (parse, call, print), so that building the parser for the hook costs
one small import; the work is imported only when one of them runs.

Network is used only here: with --verify (or `verify: true` in the configuration, for scan and
history; the hook only with its own --verify), by `pat-scan verify` and by `pat-scan revoke`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pat_scan.config import Config
    from pat_scan.options import VerifyOptions
    from pat_scan.verify.report_source import Reread


def options() -> argparse.ArgumentParser:
    """The verification options scan, history and hook share (and verify and revoke use)."""
    shared = argparse.ArgumentParser(add_help=False)
    group = shared.add_argument_group("verification (uses the network; needs pat-scan[verify])")
    group.add_argument(
        "--verify",
        action="store_true",
        help="ask each provider whether found credentials are live, whose, with which scopes",
    )
    group.add_argument(
        "--github-api-url",
        metavar="URL",
        help="GitHub API (default https://api.github.com; GHES: https://HOST/api/v3; "
        "also PAT_SCAN_GITHUB_API_URL)",
    )
    group.add_argument(
        "--gitlab-url",
        metavar="URL",
        help="GitLab (default https://gitlab.com; also PAT_SCAN_GITLAB_URL)",
    )
    group.add_argument(
        "--provider-url",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="another provider's base URL, e.g. npm=https://npm.corp (repeatable)",
    )
    group.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to trust (PEM)")
    group.add_argument(
        "--verify-timeout", type=float, metavar="SECONDS", help="per request (default 10)"
    )
    group.add_argument(
        "--verify-jobs", type=int, metavar="N", help="requests at a time (default 8)"
    )
    group.add_argument(
        "--verify-cache-ttl",
        type=int,
        metavar="SECONDS",
        help="reuse results this young (default 900; 0: always ask)",
    )
    return shared


def verify_options(args: argparse.Namespace) -> VerifyOptions:
    """From the verification options above."""
    from pat_scan.options import VerifyOptions

    return VerifyOptions(
        requested=args.verify,
        github_api_url=args.github_api_url,
        gitlab_url=args.gitlab_url,
        provider_urls=tuple(args.provider_url),
        ca_bundle=args.ca_bundle,
        timeout=args.verify_timeout,
        jobs=args.verify_jobs,
        cache_ttl=args.verify_cache_ttl,
    )


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "verify",
        parents=parents,
        help="verify the findings of an earlier JSON report",
        description="Re-read each finding's secret from the file, blob or commit message the "
        "JSON report names (the report holds none) and ask its provider whether it is live.",
    )
    add_report_options(parser)
    parser.set_defaults(handler=run)  # no verify=True here: argparse shares the parent action


def add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", metavar="REPORT.json", help="a report of --format json")
    parser.add_argument(
        "--root",
        metavar="DIR",
        default=".",
        help="where the report's paths start, and the repository of history findings "
        "(default: the current directory)",
    )


def reread_report(args: argparse.Namespace) -> tuple[dict[str, Any], Config, list[Reread]]:
    """(the report, the configuration, its findings with their secrets read again)."""
    from pat_scan import config as config_files
    from pat_scan import engine
    from pat_scan.commands.common import rule_options
    from pat_scan.session import load_rules
    from pat_scan.verify import report_source

    document = report_source.load(args.report)
    root = Path(args.root)
    selection = rule_options(args)
    config = config_files.discover(selection.config, root.resolve())
    rules = load_rules(config, selection)
    by_id = {rule.id: rule for rule in rules}
    wanted_rules = [
        by_id[i] for i in {str(f["rule_id"]) for f in document["findings"]} if i in by_id
    ]
    matchers: list[Any] = []

    def matcher() -> Any:
        if not matchers:
            matchers.append(engine.create(wanted_rules))
        return matchers[0]

    return document, config, report_source.reread(document["findings"], root, by_id, matcher)


def run(args: argparse.Namespace) -> int:
    from pat_scan.commands.common import emit, report_options
    from pat_scan.results import Policy, Result
    from pat_scan.verify import record
    from pat_scan.verify.run import verify_findings

    document, config, reread = reread_report(args)
    found = [r.finding for r in reread]
    findings, verifications = verify_findings(verify_options(args), config, found)
    for item in reread:
        if item.missing is not None:
            verifications[item.finding.fingerprint] = record.unknown(
                record.NO_SECRET, item.missing, checked_at=record.now()
            )
    result = Result()
    result.findings = findings
    stats = document.get("stats") or {}
    result.stats.files = int(stats.get("files_scanned", 0))
    result.stats.bytes = int(stats.get("bytes_scanned", 0))
    result.stats.skipped.update(stats.get("skipped") or {})
    kind = "history" if any(f.commit for f in findings) else "scan"
    policy = Policy(
        min_confidence=args.min_confidence or config.min_confidence or "medium",
        fail_on=args.fail_on or config.fail_on or "low",
    )
    if not findings:
        print(f"pat-scan: {args.report}: no findings to verify", file=sys.stderr)
    return emit(report_options(args), policy, result, kind, verifications=verifications)


# -- pat-scan revoke REPORT.json -----------------------------------------------------------


def register_revoke(commands: Any, *parents: argparse.ArgumentParser) -> None:
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
    parser.set_defaults(handler=revoke)


def revoke(args: argparse.Namespace) -> int:
    from pat_scan.commands.common import destination
    from pat_scan.verify import http, revoke, settings
    from pat_scan.verify.providers import for_rule
    from pat_scan.verify.providers.github import DEFAULT_URL

    http.require_httpx()
    _, config, reread = reread_report(args)
    findings = [item.finding for item in reread]
    chosen = [f for f in findings if revoke.revocable(f)]
    others = [f for f in findings if not revoke.revocable(f)]
    verify_settings = settings.from_sources(verify_options(args), config)
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
