"""CredData, line by line: pat-scan and four peer scanners on the labelled files of the train half.

    python benchmarks/creddata.py                       # clones CredData and each repository
    python benchmarks/creddata.py --mirrors /work/.mirror   # fetched mirrors instead
    python benchmarks/creddata.py --tools pat-scan      # only pat-scan (peers' runs are cached)

Every repository of `../shared/creddata/train_repos.tsv` is checked out at its commit and its
labelled files are written under --workdir/files/<RepoID>/<path> (see creddata_build.py; never
commit them: they hold real leaked values). Repositories or files that cannot be had are counted
and their lines left out of the score.

Scoring is per labelled line (a unit: one file's line span, labelled T if any value on it is T,
else X if any is X, else F). A reported T unit is a true positive, a reported F unit a false
positive; reported X units and findings on unlabelled lines are counted apart (CredData labels
what scanners found when it was made, so an unlabelled line is not known to be clean). Recall,
precision and F1 are given with and without units whose only category is UUID, per category and
per path scope, for findings of any confidence and for those that block by default. The peers
block on every finding they report (their exit code says so), so both levels are one for them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.compare import (
    KINGFISHER_OK,
    betterleaks_command,
    find_binary,
    kingfisher_command,
    pat_scan_command,
)
from benchmarks.creddata_build import (
    DEFAULT_REPOS,
    DEFAULT_WORKDIR,
    Label,
    build,
    read_repos,
)

TOOLS = ("pat-scan", "betterleaks", "kingfisher", "detect-secrets", "credsweeper")


class Found(NamedTuple):
    key: str  # <RepoID>/<path>, as under files/
    line: int
    end_line: int
    blocking: bool


class Unit(NamedTuple):
    key: str
    line_start: int
    line_end: int
    truth: str
    categories: frozenset[str]

    @property
    def uuid_only(self) -> bool:
        return self.categories == frozenset({"UUID"})


def units(labels: Iterable[Label]) -> list[Unit]:
    grouped: dict[tuple[str, int, int], list[Label]] = defaultdict(list)
    for label in labels:
        end = max(label.line_end, label.line_start)
        grouped[(label.key, label.line_start, end)].append(label)
    made = []
    for (key, start, end), rows in grouped.items():
        truths = {r.truth for r in rows}
        truth = "T" if "T" in truths else "X" if "X" in truths else "F"
        categories = frozenset(
            c for r in rows if r.truth == truth for c in r.category.split(":") if c
        )
        made.append(Unit(key, start, end, truth, categories))
    return made


# --------------------------------------------------------------------------------------------
# Running the scanners (each on the whole files/ tree, from inside it)
# --------------------------------------------------------------------------------------------


def _key(path: str) -> str:
    return os.path.normpath(path.removeprefix("./")).replace(os.sep, "/")


def run_pat_scan(files: Path) -> list[Found]:
    command = [*pat_scan_command(), "scan", "--no-git", "--format", "json"]
    command += ["--min-confidence", "medium", "--config", str(_empty_config(files)), "."]
    done = subprocess.run(command, cwd=files, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"pat-scan failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return [
        Found(_key(f["path"]), f["line"], f["end_line"], bool(f["blocking"]))
        for f in json.loads(done.stdout)["findings"]
    ]


def _empty_config(files: Path) -> Path:
    path = files.parent / "pat-scan-empty.yaml"
    path.write_text("exclude: []\n", encoding="utf-8")
    return path


def run_betterleaks(files: Path) -> list[Found] | None:
    binary = find_binary("betterleaks")
    if binary is None:
        return None
    done = subprocess.run(
        betterleaks_command(binary, "fs", "."), cwd=files, capture_output=True, check=False
    )
    report = json.loads(done.stdout)
    return [
        Found(
            _key(f["location"]["path"]),
            f["location"]["start_line"],
            f["location"]["end_line"],
            True,
        )
        for f in report.get("findings", [])
    ]


def run_kingfisher(files: Path) -> list[Found] | None:
    binary = find_binary("kingfisher")
    if binary is None:
        return None
    done = subprocess.run(
        kingfisher_command(binary, "."), cwd=files, capture_output=True, check=False
    )
    if done.returncode not in KINGFISHER_OK:
        return None
    found = []
    for finding in json.loads(done.stdout).get("findings", []):
        where = finding.get("finding", finding)
        path = where.get("path") or where.get("location", {}).get("path", "")
        line = int(where.get("line") or where.get("location", {}).get("line", 0) or 0)
        found.append(Found(_key(path), line, line, True))
    return found


def run_detect_secrets(files: Path) -> list[Found] | None:
    binary = find_binary("detect-secrets")
    if binary is None:
        return None
    done = subprocess.run(
        [binary, "scan", "--all-files", "."], cwd=files, capture_output=True, check=False
    )
    if done.returncode != 0:
        return None
    results = json.loads(done.stdout).get("results", {})
    return [
        Found(_key(path), item["line_number"], item["line_number"], True)
        for path, items in results.items()
        for item in items
    ]


def run_credsweeper(files: Path) -> list[Found] | None:
    binary = find_binary("credsweeper")
    if binary is None:
        return None
    out = files.parent / "credsweeper-report.json"
    command = [binary, "--path", ".", "--save-json", str(out), "--no-stdout"]
    command += ["--jobs", str(os.cpu_count() or 1)]
    done = subprocess.run(command, cwd=files, capture_output=True, check=False)
    if done.returncode != 0 or not out.is_file():
        return None
    found = []
    for candidate in json.loads(out.read_text()):
        for line in candidate.get("line_data_list", []):
            found.append(Found(_key(line["path"]), line["line_num"], line["line_num"], True))
    return found


RUNNERS = {
    "pat-scan": run_pat_scan,
    "betterleaks": run_betterleaks,
    "kingfisher": run_kingfisher,
    "detect-secrets": run_detect_secrets,
    "credsweeper": run_credsweeper,
}


def findings_of(tool: str, files: Path, cache: Path, fresh: bool) -> tuple[list[Found], float]:
    """A tool's findings and seconds; peers' runs are cached (pat-scan always runs)."""
    cached = cache / f"{tool}.json"
    if tool != "pat-scan" and cached.is_file() and not fresh:
        data = json.loads(cached.read_text())
        return [Found(*f) for f in data["findings"]], data["seconds"]
    started = time.perf_counter()
    found = RUNNERS[tool](files)
    seconds = time.perf_counter() - started
    if found is None:
        raise LookupError(tool)
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"findings": [list(f) for f in found], "seconds": seconds}))
    return found, seconds


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


class Score(NamedTuple):
    tp: int
    fn: int
    fp: int
    x_reported: int
    unlabelled: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def reported_units(all_units: Sequence[Unit], found: Iterable[Found]) -> tuple[set[Unit], int]:
    """(units some finding touches, findings on no labelled line, counted once a line)."""
    by_file: dict[str, list[Unit]] = defaultdict(list)
    for unit in all_units:
        by_file[unit.key].append(unit)
    hit: set[Unit] = set()
    stray: set[tuple[str, int]] = set()
    for finding in found:
        matched = False
        for unit in by_file.get(finding.key, ()):
            if finding.line <= unit.line_end and unit.line_start <= max(
                finding.end_line, finding.line
            ):
                hit.add(unit)
                matched = True
        if not matched:
            stray.add((finding.key, finding.line))
    return hit, len(stray)


def score(all_units: Sequence[Unit], hit: set[Unit], unlabelled: int) -> Score:
    tp = sum(1 for u in all_units if u.truth == "T" and u in hit)
    fn = sum(1 for u in all_units if u.truth == "T" and u not in hit)
    fp = sum(1 for u in all_units if u.truth == "F" and u in hit)
    x = sum(1 for u in all_units if u.truth == "X" and u in hit)
    return Score(tp, fn, fp, x, unlabelled)


def scope_of(key: str) -> str:
    from pat_scan.engine.scopes import path_scope

    return path_scope(key.split("/", 1)[1] if "/" in key else key)


class Evaluation(NamedTuple):
    any_level: Score
    blocking: Score
    any_with_uuid: Score
    by_category: dict[str, Score]
    by_scope: dict[str, Score]
    blocking_by_scope: dict[str, Score]


def evaluate(all_units: Sequence[Unit], found: Sequence[Found]) -> Evaluation:
    counted = [u for u in all_units if not u.uuid_only]
    hit, stray = reported_units(all_units, found)
    hit_blocking, stray_blocking = reported_units(all_units, [f for f in found if f.blocking])
    categories = sorted({c for u in counted if u.truth == "T" for c in u.categories})
    by_category = {}
    for category in categories:
        mine = [u for u in counted if category in u.categories or u.truth != "T"]
        by_category[category] = score(
            [u for u in mine if u.truth == "T" and category in u.categories], hit, 0
        )
    by_scope: dict[str, Score] = {}
    blocking_by_scope: dict[str, Score] = {}
    scopes: dict[str, list[Unit]] = defaultdict(list)
    for unit in counted:
        scopes[scope_of(unit.key)].append(unit)
    for name, mine in sorted(scopes.items()):
        by_scope[name] = score(mine, hit, 0)
        blocking_by_scope[name] = score(mine, hit_blocking, 0)
    return Evaluation(
        any_level=score(counted, hit, stray),
        blocking=score(counted, hit_blocking, stray_blocking),
        any_with_uuid=score(all_units, hit, stray),
        by_category=by_category,
        by_scope=by_scope,
        blocking_by_scope=blocking_by_scope,
    )


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _row(name: str, s: Score) -> str:
    return (
        f"{name:<26} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} "
        f"{s.tp:>6} {s.fp:>6} {s.fn:>6} {s.x_reported:>6} {s.unlabelled:>7}"
    )


HEADER = (
    f"{'':<26} {'prec':>6} {'recall':>6} {'F1':>6} {'TP':>6} {'FP':>6} {'FN':>6} "
    f"{'X rep':>6} {'unlab':>7}"
)


def print_report(results: dict[str, Evaluation], seconds: dict[str, float]) -> None:
    print("\nAll labelled lines except bare UUIDs; findings of any confidence:")
    print(HEADER)
    for tool, ev in results.items():
        print(_row(f"{tool} ({seconds[tool]:.0f} s)", ev.any_level))
    print("\nThe same, counting only findings that block by default:")
    print(HEADER)
    for tool, ev in results.items():
        print(_row(tool, ev.blocking))
    print("\nWith bare UUIDs (any confidence):")
    print(HEADER)
    for tool, ev in results.items():
        print(_row(tool, ev.any_with_uuid))
    tools = list(results)
    print("\nRecall per category of T lines (any confidence; T lines in brackets):")
    first = results[tools[0]]
    print(f"{'category':<28}" + "".join(f"{t[:12]:>13}" for t in tools))
    for category, s in sorted(first.by_category.items(), key=lambda kv: -(kv[1].tp + kv[1].fn)):
        cells = "".join(f"{results[t].by_category[category].recall:>13.3f}" for t in tools)
        print(f"{category[:20] + f' [{s.tp + s.fn}]':<28}{cells}")
    print("\nPer path scope, precision / recall (any confidence | blocking):")
    print(f"{'scope':<12}" + "".join(f"{t[:12]:>26}" for t in tools))
    for scope, s in first.by_scope.items():
        cells = ""
        for t in tools:
            a, b = results[t].by_scope[scope], results[t].blocking_by_scope[scope]
            cells += f"  {a.precision:.2f}/{a.recall:.2f} | {b.precision:.2f}/{b.recall:.2f}"
        print(f"{scope + f' [{s.tp + s.fn}T]':<12}{cells}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=Path, default=DEFAULT_REPOS)
    parser.add_argument(
        "--mirrors",
        type=Path,
        help="folder of fetched mirrors (owner+name/repo); default: clone from GitHub",
    )
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--fresh", action="store_true", help="run the peers again (not cached)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    repos = read_repos(args.repos)
    built = build(repos, args.mirrors, args.workdir)
    statuses = Counter(built.repos.values())
    print(
        f"repositories: {len(repos)} listed; " + ", ".join(f"{n} {s}" for s, n in statuses.items())
    )
    for repo_id, status in sorted(built.repos.items()):
        if status != "built":
            name = next(r.name for r in repos if r.repo_id == repo_id)
            print(f"  {repo_id} {name}: {status}")
    print(
        f"labelled rows built: {len(built.labels)}; left out: "
        + ", ".join(f"{n} ({why})" for why, n in built.excluded.items())
    )
    all_units = units(built.labels)
    truths = Counter(u.truth for u in all_units)
    print(
        f"line units: {len(all_units)} ({truths['T']} T, {truths['F']} F, {truths['X']} X; "
        f"{sum(u.uuid_only for u in all_units if u.truth == 'T')} T units are bare UUIDs)"
    )
    files = args.workdir / "files"
    results: dict[str, Evaluation] = {}
    seconds: dict[str, float] = {}
    for tool in [t.strip() for t in args.tools.split(",") if t.strip()]:
        try:
            found, seconds[tool] = findings_of(tool, files, args.workdir / "peers", args.fresh)
        except LookupError:
            print(f"{tool}: not installed or its run failed; skipped", file=sys.stderr)
            continue
        results[tool] = evaluate(all_units, found)
    if "pat-scan" in results:
        print(
            "\nNote: pat-scan's credential judge was fitted on this half, so its figures here are "
            "in-sample;\n`python benchmarks/train_judge.py --evaluate-only` prints the "
            "cross-validated ones (grouped by repository)."
        )
    if args.json:
        print(
            json.dumps(
                {
                    t: {
                        "any": ev.any_level._asdict(),
                        "blocking": ev.blocking._asdict(),
                        "f1_any": round(ev.any_level.f1, 4),
                        "f1_blocking": round(ev.blocking.f1, 4),
                    }
                    for t, ev in results.items()
                },
                indent=2,
            )
        )
    else:
        print_report(results, seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
