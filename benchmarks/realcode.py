"""False positives on real code: scan popular open-source packages, count findings per 100 MB.

    python benchmarks/realcode.py [--tree DIR] [--npm DIR] [--show N] [--min-confidence medium]
                                  [--no-betterleaks] [--json]
    python benchmarks/realcode.py --repo moby/moby --repo rails/rails ... [--mirrors DIR]

`--repo OWNER/NAME` (repeatable) checks out the repository's newest commit, with its test suite,
into --workdir (from a fetched mirror under --mirrors, else cloned from GitHub) and scans that.
Per tree, the findings that block by default (pat-scan's JSON `blocking`) are counted per 100 MB,
beside betterleaks' and kingfisher's findings on the same tree (both block on every finding).
`--list-blocking` prints every blocking finding (path:line rule, redacted) for triage.

By default the tree is the running interpreter's site-packages (sysconfig purelib: a hundred or
more popular packages, their tests and data files), scanned in place with
`pat-scan scan --no-git --format json` after copying it to --workdir (betterleaks skips any
path with site-packages/ or node_modules/ in it; --in-place scans where it is). `--npm DIR`
adds a node_modules tree (for example after
`npm install --prefix /tmp/npmtree express react lodash ...`; never commit it). Findings are
reported per 100 MB scanned at the chosen confidence (default: medium, pat-scan's default), by
rule, and `--show N` lists N sample findings (path:line rule, redacted) to review. betterleaks,
when its PyPI wrapper is installed, scans the same trees (`betterleaks fs DIR --no-banner
--no-color --redact --log-level error -o -`) and its count is printed for comparison; a scan it
reports incomplete counts as not run.

Almost everything found in such a tree is a false positive (libraries do not ship live
credentials), but not quite: test suites ship real private keys and certificates made for the
tests (for example `tests/*.pem`). Those are real keys, published with the package, and pat-scan
reports them on purpose: a scanner cannot tell a key nobody relies on from one somebody deployed.
They are counted separately under `test-fixture keys` (a private-key rule in a test folder), so
the remaining rate is the one to drive down. Findings below --min-confidence (pat-scan reports low
ones too, without failing on them) are left out of the counts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from benchmarks.compare import (
    betterleaks_command,
    count_findings,
    find_binary,
    pat_scan_command,
    tree_size,
)
from pat_scan.rules import CONFIDENCES

_KEY_RULES = ("private-key", "putty-private-key", "pgp-private-key", "age-secret-key")
_TEST_PARTS = {"test", "tests", "testing", "testdata", "test_data", "fixtures", "__tests__", "spec"}


def copy_tree(source: Path, workdir: Path) -> Path:
    """A copy of `source` under a neutral name: betterleaks (like gitleaks) allow-lists any path
    containing site-packages/ or node_modules/, which would make the comparison meaningless."""
    import shutil

    target = workdir / ("npm-packages" if source.name == "node_modules" else "python-packages")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        source, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return target


def run_pat_scan(root: Path, min_confidence: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    command = [
        *pat_scan_command(),
        "scan",
        "--no-git",
        "--format",
        "json",
        "--min-confidence",
        min_confidence,
        "--max-file-size",
        "10MB",
        "--config",
        str(_empty_config()),
        ".",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)
    if done.returncode not in (0, 1):
        raise SystemExit(f"pat-scan failed ({done.returncode}): {done.stderr.strip()[:500]}")
    report = json.loads(done.stdout)
    return report.get("findings", []), report.get("stats", {})


def _empty_config() -> Path:
    """A config with no excludes, so the scanned tree's own .pat-scan.yaml cannot hide anything."""
    path = Path("/tmp/pat-scan-realcode.yaml")
    path.write_text("exclude: []\n", encoding="utf-8")
    return path


def checkout(name: str, mirrors: Path | None, workdir: Path) -> Path:
    """The newest commit of `name` written to workdir/owner+name (made once)."""
    folder = name.replace("/", "+")
    target = workdir / folder
    if target.is_dir() and any(target.iterdir()):
        return target
    from benchmarks.creddata_build import mirror_git_dir

    git_dir = mirror_git_dir(name, mirrors) if mirrors is not None else None
    if git_dir is None:
        git_dir = workdir / "git" / folder
        if not git_dir.is_dir():
            subprocess.run(
                [
                    "git",
                    "clone",
                    "-q",
                    "--bare",
                    "--depth",
                    "1",
                    f"https://github.com/{name}",
                    str(git_dir),
                ],
                check=True,
            )
    target.mkdir(parents=True, exist_ok=True)
    listing = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout
    missing = 0
    for entry in listing.split(b"\0"):
        meta, _, raw = entry.partition(b"\t")
        if not raw or not meta.startswith((b"100644 blob", b"100755 blob")):
            continue  # symlinks and submodules are not scanned
        blob = subprocess.run(
            ["git", f"--git-dir={git_dir}", "cat-file", "blob", meta.split()[2].decode()],
            capture_output=True,
            check=False,
        )
        if blob.returncode != 0:  # a fetched snapshot lacks files of 4 MiB and more
            missing += 1
            continue
        path = target / raw.decode("utf-8", "surrogateescape")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob.stdout)
    if missing:
        print(f"{name}: {missing} files missing from the snapshot, not scanned", file=sys.stderr)
    return target


def run_kingfisher(root: Path) -> int | None:
    from benchmarks.compare import KINGFISHER_OK, kingfisher_command

    binary = find_binary("kingfisher")
    if binary is None:
        return None
    done = subprocess.run(kingfisher_command(binary, str(root)), capture_output=True, check=False)
    if done.returncode not in KINGFISHER_OK:
        return None
    return count_findings(done.stdout)


def run_betterleaks(root: Path) -> int | None:
    binary = find_binary("betterleaks")
    if binary is None:
        return None
    done = subprocess.run(
        betterleaks_command(binary, "fs", str(root)), capture_output=True, check=False
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return None
    # A scan that failed (a path it cannot read) still prints a report, empty and "incomplete".
    if not isinstance(report, dict) or report.get("scan", {}).get("state") != "complete":
        return None
    return count_findings(done.stdout)


def is_test_fixture_key(finding: dict[str, Any]) -> bool:
    rule = str(finding.get("rule_id", ""))
    path = Path(str(finding.get("path", "")))
    in_tests = any(part.lower() in _TEST_PARTS for part in path.parts)
    return in_tests and any(rule.startswith(prefix) for prefix in _KEY_RULES)


def describe(finding: dict[str, Any], root: Path) -> str:
    path = str(finding.get("path", "?"))
    with contextlib.suppress(ValueError):
        path = str(Path(path).relative_to(root))
    rule = finding.get("rule_id", "?")
    secret = str(finding.get("secret", ""))
    confidence = finding.get("confidence", "?")
    return f"{path}:{finding.get('line', '?')} {rule} [{confidence}] {secret[:40]}"


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    """Blocking findings per 100 MB, each tree and all together, pat-scan beside the peers."""

    def rate(count: int | None, megabytes: float) -> str:
        return "-" if count is None else f"{count / megabytes * 100:.1f} ({count})"

    print(
        f"\n{'tree':<28} {'MB':>7} {'pat-scan blocking':>18} {'betterleaks':>16} {'kingfisher':>16}"
    )
    for row in rows:
        name = Path(row["tree"]).name
        print(
            f"{name:<28} {row['megabytes']:>7.1f} {rate(row['findings'], row['megabytes']):>18} "
            f"{rate(row['betterleaks_findings'], row['megabytes']):>16} "
            f"{rate(row['kingfisher_findings'], row['megabytes']):>16}"
        )
    total = sum(r["megabytes"] for r in rows)

    def summed(key: str) -> int | None:
        values = [r[key] for r in rows]
        return None if any(v is None for v in values) else sum(values)

    print(
        f"{'all':<28} {total:>7.1f} {rate(summed('findings'), total):>18} "
        f"{rate(summed('betterleaks_findings'), total):>16} "
        f"{rate(summed('kingfisher_findings'), total):>16}"
    )
    print("(findings per 100 MB, count in brackets)\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, action="append", help="tree to scan (repeatable)")
    parser.add_argument(
        "--repo", action="append", default=[], help="OWNER/NAME to check out and scan (repeatable)"
    )
    parser.add_argument("--mirrors", type=Path, help="folder of fetched mirrors (owner+name/repo)")
    parser.add_argument("--no-kingfisher", action="store_true")
    parser.add_argument(
        "--list-blocking", action="store_true", help="print every blocking finding (redacted)"
    )
    parser.add_argument("--npm", type=Path, help="a node_modules tree to scan as well")
    parser.add_argument("--show", type=int, default=0, help="list N sample findings")
    parser.add_argument("--min-confidence", default="medium", choices=CONFIDENCES)
    parser.add_argument("--no-betterleaks", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/pat-scan-realcode"),
        help="where the trees are copied (default: /tmp/pat-scan-realcode)",
    )
    parser.add_argument(
        "--in-place", action="store_true", help="scan the trees where they are (no copy)"
    )
    args = parser.parse_args(argv)

    repos = [checkout(name, args.mirrors, args.workdir) for name in args.repo]
    trees = (args.tree or []) + repos
    if not trees:
        trees = [Path(sysconfig.get_paths()["purelib"])]
    if args.npm:
        trees.append(args.npm)
    summary: dict[str, Any] = {"trees": [], "min_confidence": args.min_confidence}
    shown: list[str] = []
    for source in trees:
        source = source.resolve()
        if args.in_place or source in repos:
            root = source
        else:
            args.workdir.mkdir(parents=True, exist_ok=True)
            root = copy_tree(source, args.workdir)
        size = tree_size(root)[1]
        started = time.perf_counter()
        reported, stats = run_pat_scan(root, args.min_confidence)
        findings = [f for f in reported if f.get("blocking")]
        seconds = time.perf_counter() - started
        fixtures = [f for f in findings if is_test_fixture_key(f)]
        others = [f for f in findings if not is_test_fixture_key(f)]
        megabytes = size / 1e6
        by_rule = Counter(str(f.get("rule_id") or f.get("rule")) for f in others)
        betterleaks = None if args.no_betterleaks else run_betterleaks(root)
        kingfisher = None if args.no_kingfisher else run_kingfisher(root)
        if args.list_blocking:
            print(f"blocking findings in {source}:")
            for finding in findings:
                print(f"  {describe(finding, root)}")
        row = {
            "tree": str(source),
            "scanned_as": str(root),
            "megabytes": round(megabytes, 1),
            "files_scanned": stats.get("files_scanned"),
            "seconds": round(seconds, 1),
            "findings": len(findings),
            "reported_not_blocking": len(reported) - len(findings),
            "test_fixture_keys": len(fixtures),
            "other_findings": len(others),
            "other_per_100mb": round(len(others) / megabytes * 100, 2) if megabytes else 0.0,
            "all_per_100mb": round(len(findings) / megabytes * 100, 2) if megabytes else 0.0,
            "by_rule": dict(by_rule.most_common()),
            "betterleaks_findings": betterleaks,
            "betterleaks_per_100mb": (
                round(betterleaks / megabytes * 100, 2)
                if betterleaks is not None and megabytes
                else None
            ),
            "kingfisher_findings": kingfisher,
            "kingfisher_per_100mb": (
                round(kingfisher / megabytes * 100, 2)
                if kingfisher is not None and megabytes
                else None
            ),
        }
        summary["trees"].append(row)
        shown.extend(describe(f, root) for f in others[: max(args.show - len(shown), 0)])
        if len(shown) < args.show:
            shown.extend(describe(f, root) for f in fixtures[: args.show - len(shown)])

    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print_table(summary["trees"])
    for row in summary["trees"]:
        scanned = f"{row['megabytes']} MB, {row['files_scanned']} files"
        print(f"{row['tree']}: {scanned}, {row['seconds']} s")
        print(
            f"  pat-scan (>= {args.min_confidence}): {row['findings']} findings, "
            f"{row['all_per_100mb']} per 100 MB; test-fixture keys {row['test_fixture_keys']}; "
            f"other {row['other_findings']} ({row['other_per_100mb']} per 100 MB)"
        )
        for rule, count in row["by_rule"].items():
            print(f"    {rule:<40} {count}")
        if row["betterleaks_findings"] is not None:
            print(
                f"  betterleaks: {row['betterleaks_findings']} findings, "
                f"{row['betterleaks_per_100mb']} per 100 MB"
            )
        else:
            print("  betterleaks: not run (not installed, --no-betterleaks, or its scan failed)")
    if shown:
        print("\nsample findings (redacted):")
        for line in shown:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
