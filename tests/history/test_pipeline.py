"""`pat-scan history`: real repositories with secrets on branches, tags, deleted and renamed
files, merges and commit messages; each unique blob scanned once; the incremental store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from pat_scan.findings import identity
from pat_scan.history import store as history_store
from tests.helpers import commit_files, git, run_process, token


def history(cli: Any, *args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    result = cli("history", "--format", "json", *args, cwd=cwd)
    assert result.code in (0, 1), result.err
    return result.code, result.json()


def by_secret(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["fingerprint"]: f for f in report["findings"]}


def test_every_place_a_secret_can_hide(repo: Path, cli: Any) -> None:
    secrets = {
        name: token(seed=i)
        for i, name in enumerate(["deleted", "renamed", "branch", "tag", "merge", "head"], start=1)
    }
    commit_files(repo, {"README.md": "hello\n"}, "init")
    first = commit_files(repo, {"old.py": f"KEY = '{secrets['deleted']}'\n"}, "add old")
    commit_files(repo, {"old.py": None}, "remove old")
    renamed = commit_files(repo, {"a/conf.py": f"KEY = '{secrets['renamed']}'\n"}, "add conf")
    (repo / "b").mkdir()
    git(repo, "mv", "a/conf.py", "b/conf.py")
    commit_files(repo, {}, "rename conf")
    git(repo, "checkout", "-q", "-b", "side")
    branch = commit_files(repo, {"side.py": f"T = '{secrets['branch']}'\n"}, "side work")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "tagged")
    tagged = commit_files(repo, {"tag.py": f"T = '{secrets['tag']}'\n"}, "tagged work")
    git(repo, "tag", "-a", "-m", "release", "v1")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-q", "-D", "tagged")  # reachable from the tag only
    git(repo, "merge", "-q", "--no-ff", "--no-commit", "side")
    (repo / "merge.py").write_text(f"M = '{secrets['merge']}'\n")  # added by the merge itself
    git(repo, "add", "merge.py")
    git(repo, "commit", "-q", "-m", "merge side")
    merge = git(repo, "rev-parse", "HEAD").stdout.strip()
    commit_files(repo, {"live.py": f"L = '{secrets['head']}'\n"}, "live")

    code, report = history(cli, cwd=repo)
    assert code == 1
    found = by_secret(report)
    where = {
        name: found[identity("github-pat-classic", secret)] for name, secret in secrets.items()
    }
    assert where["deleted"]["path"] == "old.py"
    assert where["deleted"]["commit"]["sha"] == first
    assert where["deleted"]["commit"]["present_at_head"] is False
    assert where["renamed"]["path"] == "a/conf.py"  # where it was first added
    assert where["renamed"]["commit"]["sha"] == renamed
    assert where["renamed"]["commit"]["present_at_head"] is True
    assert where["branch"]["commit"]["sha"] == branch
    assert where["tag"]["commit"]["sha"] == tagged
    assert where["merge"]["commit"]["sha"] == merge
    assert where["head"]["commit"]["present_at_head"] is True
    assert where["head"]["commit"]["author"] == "Test Author"
    assert len(report["findings"]) == len(secrets)
    assert all("…" in f["secret"] for f in report["findings"])

    text = cli("history", cwd=repo)
    assert text.code == 1
    assert f"in commit {first[:12]}" in text.out
    assert secrets["deleted"] not in text.out


def test_each_blob_is_scanned_once_and_each_secret_reported_once(
    repo: Path, cli: Any, monkeypatch: Any, pool_sizes: list[int]
) -> None:
    secret = token(seed=7)
    commit_files(repo, {"keys.py": f"KEY = '{secret}'\n"}, "add key")
    # A fast-import stream: 100 commits that change only counter.txt.
    stream = []
    for n in range(100):
        data = f"{n}\n"
        stream.append(
            f"commit refs/heads/main\ncommitter A <a@example.invalid> {1700000000 + n} +0000\n"
            f"data 2\nc\n"
            + ("from refs/heads/main^0\n" if n == 0 else "")
            + f"M 100644 inline counter.txt\ndata {len(data)}\n{data}\n"
        )
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True
    )
    git(repo, "reset", "-q", "--hard")
    for n in range(3):  # the secret survives three more versions of its file
        commit_files(repo, {"keys.py": f"KEY = '{secret}'\n" + "# more\n" * (n + 1)})

    _, report = history(cli, cwd=repo)
    assert report["stats"]["files_scanned"] == 1 + 100 + 3  # unique blobs, not blobs x commits
    [finding] = report["findings"]
    assert finding["commit"]["occurrences"] == 4
    assert finding["commit"]["present_at_head"] is True
    assert finding["path"] == "keys.py"
    assert finding["line"] == 1

    from pat_scan.history import pipeline

    serial = history(cli, "--jobs", "1", cwd=repo)[1]
    # A history this short is scanned in-process: make it take the pool, several chunks deep.
    monkeypatch.setattr(pipeline, "SERIAL_BELOW", 1)
    monkeypatch.setattr(pipeline, "CHUNK_BLOBS", 10)
    parallel = history(cli, "--jobs", "2", cwd=repo)[1]
    assert pool_sizes == [2]
    assert serial["findings"] == parallel["findings"] == report["findings"]
    assert serial["stats"] == parallel["stats"]


def test_commit_message_secrets(repo: Path, cli: Any) -> None:
    secret = token(seed=11)
    sha = commit_files(repo, {"a.txt": "a\n"}, f"deploy with {secret}")
    _, report = history(cli, cwd=repo)
    [finding] = report["findings"]
    assert finding["path"] == "(commit message)"
    assert finding["commit"]["sha"] == sha
    _, quiet = history(cli, "--no-commit-messages", cwd=repo)
    assert quiet["findings"] == []


def test_message_findings_keep_their_own_commit_line_and_column(repo: Path, cli: Any) -> None:
    """Messages are scanned joined and then alone: each finding is placed in its own message."""
    first, second = token(seed=12), token(seed=13)
    for n in range(5):
        commit_files(repo, {"a.txt": f"{n}\n"}, f"change {n}\n\nline two\nline three")
    sha_first = commit_files(repo, {"a.txt": "x\n"}, f"subject\n\nbody\n  token {first}")
    commit_files(repo, {"a.txt": "y\n"}, "plain\n\nnothing here")
    sha_second = commit_files(repo, {"a.txt": "z\n"}, f"{second} in the subject")
    _, report = history(cli, cwd=repo)
    placed = {(f["commit"]["sha"], f["line"], f["column"]) for f in report["findings"]}
    assert placed == {(sha_first, 4, 9), (sha_second, 1, 1)}


def test_narrowing_by_branch_range_and_date(repo: Path, cli: Any) -> None:
    base = commit_files(repo, {"a.py": f"A = '{token(seed=1)}'\n"})
    git(repo, "checkout", "-q", "-b", "side")
    commit_files(repo, {"b.py": f"B = '{token(seed=2)}'\n"})
    git(repo, "checkout", "-q", "main")
    assert len(history(cli, cwd=repo)[1]["findings"]) == 2
    assert len(history(cli, "--branch", "main", cwd=repo)[1]["findings"]) == 1
    only_side = history(cli, f"{base}..side", cwd=repo)[1]["findings"]
    assert [f["path"] for f in only_side] == ["b.py"]


def test_since(repo: Path, cli: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2001-01-01T00:00:00")
    commit_files(repo, {"a.py": f"A = '{token(seed=1)}'\n"})
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    commit_files(repo, {"a.py": None, "b.py": f"B = '{token(seed=2)}'\n"})
    recent = history(cli, "--since", "2010-01-01", cwd=repo)[1]["findings"]
    assert [f["path"] for f in recent] == ["b.py"]


def test_bare_shallow_and_worktree(repo: Path, cli: Any, tmp_path: Path) -> None:
    commit_files(repo, {"a.py": f"A = '{token(seed=1)}'\n"})
    commit_files(repo, {"a.py": "clean\n", "b.py": f"B = '{token(seed=2)}'\n"})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    assert len(history(cli, str(bare), cwd=tmp_path)[1]["findings"]) == 2
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    _, report = history(cli, cwd=shallow)
    [finding] = report["findings"]
    assert finding["path"] == "b.py"
    assert finding["commit"]["present_at_head"] is True
    # Before: reported as if whole. A shallow clone lacks the older commits: say so everywhere.
    assert report["complete"] is False and report["notices"][0]["kind"] == "shallow"
    text = cli("history", cwd=shallow)
    assert "shallow clone" in text.out and "git fetch --unshallow" in text.out
    assert "(incomplete" in text.out
    sarif = cli("history", "--format", "sarif", cwd=shallow).json()
    [note] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "shallow" and note["level"] == "warning"
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    assert len(history(cli, "--incremental", cwd=tmp_path / "wt")[1]["findings"]) == 2
    assert history_store.location(repo / ".git").is_file()  # the common git dir


def test_empty_repository_and_not_a_repository(repo: Path, cli: Any, tmp_path: Path) -> None:
    empty = cli("history", cwd=repo)
    assert empty.code == 0
    assert "no commits" in empty.err
    outside = tmp_path / "plain"
    outside.mkdir()
    result = cli("history", str(outside), cwd=tmp_path)
    assert result.code == 3
    assert len(result.err.strip().splitlines()) == 1
    assert "not a git repository" in result.err


def test_incremental_store(repo: Path, cli: Any) -> None:
    secret = token(seed=3)
    commit_files(repo, {"a.py": f"A = '{secret}'\n"}, f"also here {token(seed=4)}")
    commit_files(repo, {"b.py": "clean\n"})
    _, first = history(cli, "--incremental", cwd=repo)
    assert first["stats"]["files_scanned"] == 2
    store = history_store.location(repo / ".git")
    assert secret.encode() not in store.read_bytes()
    assert token(seed=4).encode() not in store.read_bytes()

    _, again = history(cli, "--incremental", cwd=repo)
    assert again["stats"]["files_scanned"] == 0
    assert again["findings"] == first["findings"]

    commit_files(repo, {"c.py": "new\n"})
    _, more = history(cli, "--incremental", cwd=repo)
    assert more["stats"]["files_scanned"] == 1
    assert more["findings"] == first["findings"]

    # Other rules: the store is wiped and everything is scanned again.
    _, other = history(cli, "--incremental", "--disable-rule", "generic-token", cwd=repo)
    assert other["stats"]["files_scanned"] == 3

    store.write_bytes(b"garbage, not a database" * 100)
    _, rebuilt = history(cli, "--incremental", cwd=repo)
    assert rebuilt["stats"]["files_scanned"] == 3
    assert rebuilt["findings"] == first["findings"]

    # A gate changes what a rule finds (here the configuration's entropy for it): scanned again.
    (repo / ".pat-scan.yaml").write_text("entropy: {github-pat-classic: 8}\n")
    _, stricter = history(cli, "--incremental", cwd=repo)
    assert stricter["stats"]["files_scanned"] == 3
    assert stricter["findings"] == []


def test_interrupt_reports_partial_result(tmp_path: Path) -> None:
    """SIGINT while the workers read a large history: exit 130, a report, no traceback."""
    import signal
    import sys
    import time

    repo = tmp_path / "big"
    git(tmp_path, "init", "-q", str(repo))
    line = "x = 1  # " + "abcdefghij" * 10 + "\n"
    stream = []
    from pat_scan.history.pipeline import SERIAL_BELOW

    for n in range(SERIAL_BELOW):  # distinct 100 KB blobs, enough for the worker pool
        data = f"{n}\n" + line * 1000
        stream.append(
            f"commit refs/heads/main\ncommitter A <a@example.invalid> {1700000000 + n} +0000\n"
            f"data 2\nc\nM 100644 inline f{n % 50}.py\ndata {len(data)}\n{data}\n"
        )
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "pat_scan", "history", "--format", "json", "--jobs", "2"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while len(_workers(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # the worker pool exists: blobs are being read
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    assert b"interrupted" in err
    # Before: a report like a complete one (no flag), and SARIF's executionSuccessful true.
    report = json.loads(out)
    assert report["complete"] is False and report["notices"][0]["kind"] == "interrupted"


def test_an_interrupted_incremental_scan_resumes(tmp_path: Path) -> None:
    """What an interrupted --incremental scan finished is stored: the next run reads only the
    rest, and reports what the whole history holds."""
    import signal
    import sys
    import time

    repo = tmp_path / "big"
    git(tmp_path, "init", "-q", str(repo))
    line = "x = 1  # " + "abcdefghij" * 10 + "\n"
    stream = []
    for n in range(3000):
        data = f"{n}\n" + line * 300 + (f"T = '{token(seed=n)}'\n" if n % 500 == 0 else "")
        stream.append(
            f"commit refs/heads/main\ncommitter A <a@example.invalid> {1700000000 + n} +0000\n"
            f"data 2\nc\nM 100644 inline f{n % 50}.py\ndata {len(data)}\n{data}\n"
        )
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True
    )
    command = [sys.executable, "-m", "pat_scan", "history", "--incremental", "--format", "json"]
    process = subprocess.Popen(
        [*command, "--jobs", "1"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    store = history_store.location(repo / ".git")
    while time.monotonic() < deadline and _stored_blobs(store) == 0:
        time.sleep(0.05)  # a first chunk is stored (the next commit comes 2 s later)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130
    first = json.loads(out)
    resumed = subprocess.run(command, cwd=repo, capture_output=True, check=False)
    second = json.loads(resumed.stdout)
    assert resumed.returncode == 1 and second["complete"] is True
    assert len(second["findings"]) == 6
    total = first["stats"]["files_scanned"] + second["stats"]["files_scanned"]
    assert first["stats"]["files_scanned"] > 0 and total == 3000


def _stored_blobs(store: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM blobs").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_the_first_commit_is_the_first_in_the_history_whatever_the_dates(
    repo: Path, cli: Any
) -> None:
    """Before: ordered by author time, then sha: a backdated child, or commits made in the same
    second, took the secret from the commit that really added it."""
    secret = token(seed=41)
    git(repo, "commit", "-q", "--allow-empty", "-m", "root")
    env_dates = [("2024-03-02T10:00:00Z", "a.py"), ("2024-03-01T10:00:00Z", "b.py")]
    shas = []
    for date, name in env_dates:  # the child is backdated a day before its parent
        (repo / name).write_text(f"{name[0]} = '{secret}'\n")
        git(repo, "add", name)
        git(repo, "commit", "-q", "-m", name, f"--date={date}")
        shas.append(git(repo, "rev-parse", "HEAD").stdout.strip())
    [finding] = history(cli, cwd=repo)[1]["findings"]
    assert finding["commit"]["sha"] == shas[0] and finding["path"] == "a.py"
    assert finding["commit"]["occurrences"] == 2


def _workers(pid: int) -> list[str]:
    """The child processes of `pid` that are not git (rev-list and log start first)."""
    found: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += task.read_text().split()
    return [child for child in found if _command(child) not in ("git", "")]


def _command(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:  # already gone
        return ""


def test_run_as_process(repo: Path) -> None:
    commit_files(repo, {"a.py": f"A = '{token(seed=1)}'\n"})
    result = run_process("history", "--format", "json", cwd=repo)
    assert result.code == 1
    assert result.err == ""  # not a terminal: no progress line


def test_history_honours_the_baseline(repo: Path, cli: Any) -> None:
    commit_files(repo, {"app.py": f"T = '{token(seed=41)}'\n"}, "secret")
    assert cli("baseline", "create", cwd=repo).code == 0
    result = cli("history", ".", "--format", "json", "--show-suppressed", cwd=repo)
    assert result.code == 0, result.out
    assert [s["reason"] for s in result.json()["suppressed"]] == ["baseline"]


def test_text_report_speaks_of_history(repo: Path, cli: Any) -> None:
    """What to do about a secret in history differs from one in a file: it stays in every clone."""
    commit_files(repo, {"a.py": f"A = '{token(seed=61)}'\n"})
    commit_files(repo, {"a.py": "A = os.environ['A']\n"})
    result = cli("history", cwd=repo)
    assert result.code == 1
    assert "2 file versions scanned" in result.out
    assert "Every clone keeps the old commits" in result.out
    assert "Remove the secret from the file." not in result.out


def test_an_incremental_run_reports_what_a_full_run_does(repo: Path, cli: Any) -> None:
    """Findings read back from the store keep everything a report shows (why one is low)."""
    from tests.helpers import bad_token

    commit_files(repo, {"a.py": f"A = '{bad_token(seed=51)}'\n", "b.py": f"B = '{token()}'\n"})
    full = history(cli, "--min-confidence", "low", cwd=repo)[1]["findings"]
    history(cli, "--incremental", cwd=repo)
    again = history(cli, "--incremental", "--min-confidence", "low", cwd=repo)[1]["findings"]
    assert again == full and any("why_low" in f for f in full)
