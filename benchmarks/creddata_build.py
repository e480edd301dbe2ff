"""CredData's labelled files, rebuilt from the public repositories they come from.

CredData (Samsung/CredData, Apache-2.0 labels) ships no code, only `meta/<RepoID>.csv` per
repository: file id, line span, value span, ground truth (T/F/X) and category. A file id is the
first 8 hex digits of the SHA-256 of the file's path in the repository (a fact of the data
format). This module gets each repository at its listed commit (from a local mirror, or cloned
from GitHub), writes the labelled files under `--workdir` with their original paths, and loads
the labels.

Only the repositories of `train_repos.tsv` (the train half) are read, and only their meta CSVs:
the other half is held out. The built files hold real leaked values: they stay under /tmp and
are never committed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPOS = ROOT.parent / "shared" / "creddata" / "train_repos.tsv"
DEFAULT_WORKDIR = Path("/tmp/creddata")
CREDDATA_URL = "https://github.com/Samsung/CredData"


class Repo(NamedTuple):
    repo_id: str
    commit: str
    name: str  # owner/name


class Label(NamedTuple):
    repo_id: str
    file_id: str
    line_start: int
    line_end: int
    truth: str  # T | F | X
    value_start: int  # -1 when the whole line is labelled
    value_end: int
    category: str
    path: str = ""  # the file's path in its repository, once known

    @property
    def key(self) -> str:
        """Where the built file is, relative to the workdir's files/ folder."""
        return f"{self.repo_id}/{self.path}"


def read_repos(path: Path = DEFAULT_REPOS) -> list[Repo]:
    repos = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            repo_id, commit, name = line.split("\t")[:3]
            repos.append(Repo(repo_id, commit, name.removesuffix(".git")))
    return repos


def _int(text: str, default: int = -1) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def parse_meta(repo_id: str, text: str) -> list[Label]:
    labels = []
    for row in csv.DictReader(io.StringIO(text)):
        labels.append(
            Label(
                repo_id=repo_id,
                file_id=row["FileID"],
                line_start=_int(row["LineStart"]),
                line_end=_int(row["LineEnd"]),
                truth=row["GroundTruth"],
                value_start=_int(row.get("ValueStart") or ""),
                value_end=_int(row.get("ValueEnd") or ""),
                category=row.get("Category") or "",
            )
        )
    return labels


def git(git_dir: Path, *args: str, check: bool = True) -> bytes:
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace')[:300]}")
    return done.stdout


def git_dir_for(name: str, mirrors: Path | None, workdir: Path) -> Path | None:
    """A local git dir holding `name`: a fetched mirror (mirrors/owner+name/repo[/.git]), else
    a bare clone from GitHub under workdir/git (made once)."""
    if mirrors is not None:
        return mirror_git_dir(name, mirrors)
    target = workdir / "git" / name.replace("/", "+")
    if not (target / "objects").is_dir():
        url = f"https://github.com/{name}"
        done = subprocess.run(
            ["git", "clone", "-q", "--bare", url, str(target)], capture_output=True, check=False
        )
        if done.returncode != 0:
            return None
    return target


def mirror_git_dir(name: str, mirrors: Path) -> Path | None:
    """The git dir of a fetched mirror of `name` (mirrors/owner+name/repo, bare or a clone)."""
    folder = mirrors / name.replace("/", "+") / "repo"
    for candidate in (folder / ".git", folder):
        if (candidate / "objects").is_dir():
            return candidate
    return None


def has_commit(git_dir: Path, commit: str) -> bool:
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def creddata_dir(mirrors: Path | None, workdir: Path) -> Path:
    found = git_dir_for("Samsung/CredData", mirrors, workdir)
    if found is None:
        raise SystemExit("CredData is not available (no mirror, and cloning it failed)")
    return found


def meta_for(creddata: Path, repo_id: str) -> str | None:
    done = subprocess.run(
        ["git", f"--git-dir={creddata}", "show", f"HEAD:meta/{repo_id}.csv"],
        capture_output=True,
        check=False,
    )
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def tree(git_dir: Path, commit: str) -> Iterator[tuple[str, str, str]]:
    """(blob id, path, file id) of every blob at `commit`."""
    listing = git(git_dir, "ls-tree", "-r", "-z", commit)
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind != "blob" or mode == "120000":
            continue
        path = raw_path.decode("utf-8", "surrogateescape")
        file_id = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:8]
        yield blob, path, file_id


class Built(NamedTuple):
    labels: list[Label]  # labels whose file was built (path filled in)
    excluded: Counter[str]  # labels not built, by reason
    repos: dict[str, str]  # repo id -> status


def build(
    repos: Sequence[Repo], mirrors: Path | None, workdir: Path, creddata: Path | None = None
) -> Built:
    """Write every labelled file under workdir/files/<RepoID>/<path>; cached by a manifest."""
    manifest = workdir / "build.json"
    if manifest.is_file():
        cached = json.loads(manifest.read_text())
        if cached.get("repos_key") == _repos_key(repos):
            return Built(
                [Label(*row) for row in cached["labels"]],
                Counter(cached["excluded"]),
                cached["repos"],
            )
    creddata = creddata or creddata_dir(mirrors, workdir)
    files = workdir / "files"
    labels: list[Label] = []
    excluded: Counter[str] = Counter()
    status: dict[str, str] = {}
    for repo in repos:
        text = meta_for(creddata, repo.repo_id)
        if text is None:
            status[repo.repo_id] = "no meta file"
            continue
        rows = parse_meta(repo.repo_id, text)
        git_dir = git_dir_for(repo.name, mirrors, workdir)
        if git_dir is None:
            status[repo.repo_id] = "repository unavailable"
            excluded["repository unavailable"] += len(rows)
            continue
        if not has_commit(git_dir, repo.commit):
            status[repo.repo_id] = "commit unavailable"
            excluded["commit unavailable"] += len(rows)
            continue
        wanted = {row.file_id for row in rows}
        paths: dict[str, tuple[str, str]] = {}
        for blob, path, file_id in tree(git_dir, repo.commit):
            if file_id in wanted:
                paths[file_id] = (blob, path)
        written: set[str] = set()
        for file_id, (blob, path) in paths.items():
            done = subprocess.run(
                ["git", f"--git-dir={git_dir}", "cat-file", "blob", blob],
                capture_output=True,
                check=False,
            )
            if done.returncode != 0:  # snapshots lack files of 4 MiB and more
                continue
            target = files / repo.repo_id / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(done.stdout)
            written.add(file_id)
        for row in rows:
            if row.file_id not in paths:
                excluded["file not in the commit"] += 1
            elif row.file_id not in written:
                excluded["file missing from the snapshot (>= 4 MiB)"] += 1
            else:
                labels.append(row._replace(path=paths[row.file_id][1]))
        status[repo.repo_id] = "built"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(
        json.dumps(
            {
                "repos_key": _repos_key(repos),
                "labels": [list(label) for label in labels],
                "excluded": dict(excluded),
                "repos": status,
            }
        )
    )
    return Built(labels, excluded, status)


def _repos_key(repos: Iterable[Repo]) -> str:
    return hashlib.sha256(json.dumps([list(r) for r in repos]).encode()).hexdigest()[:16]
