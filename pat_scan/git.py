"""Every git call pat-scan makes. NUL-separated output everywhere; the inherited environment
(GIT_INDEX_FILE, GIT_DIR, ...) is kept, because during `git commit -a` or `git commit <paths>` git
points GIT_INDEX_FILE at the index that is about to be committed."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from pat_scan.errors import GitError


def run(
    args: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> bytes:
    """stdout of `git ARGS` (in `env`, else this process's environment); a failure (or git
    missing) raises GitError with git's message."""
    try:
        completed = subprocess.run(
            ("git", *args),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if completed.returncode != 0:
        raise _failure(args, completed.stderr, completed.returncode)
    return completed.stdout


# When one of these is set, git decides where the repository is: ask it.
_LOCATION_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
)


def split_z(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def toplevel(path: str | os.PathLike[str]) -> Path | None:
    """The work tree root containing `path`, or None outside any work tree."""
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    if not any(name in os.environ for name in _LOCATION_VARIABLES):
        # The usual case, without starting git (the hook's budget): the nearest folder holding
        # `.git` (a directory, or a file in worktrees and submodules).
        for candidate in (folder.resolve(), *folder.resolve().parents):
            if (candidate / ".git").exists():
                return candidate
            if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
                return None  # inside a bare repository or a .git directory: no work tree
        return None
    try:
        out = run(("rev-parse", "--show-toplevel"), cwd=folder)
    except GitError:
        return None
    text = out.decode().strip()
    return Path(text) if text else None


def work_tree_files(root: Path, pathspecs: Sequence[str] = ()) -> list[str]:
    """Tracked plus untracked-not-ignored files under `root`, relative to it."""
    out = run(
        (
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--deduplicate",
            "--",
            *pathspecs,
        ),
        cwd=root,
    )
    return split_z(out)


# Options that make `git diff` output parseable whatever the user's configuration says.
PATCH_OPTIONS = (
    "-p",
    "-U0",
    "--full-index",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--find-renames",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)


def staged_patch(root: Path, paths: Sequence[str] = (), without: str = "") -> Iterator[bytes]:
    """What the commit being made adds, as a patch in pieces (`stream_output`): the index
    (GIT_INDEX_FILE, inherited) against HEAD; `without` names statuses left out (`"a"`: the
    files the commit adds, which `staged_changes` lists; `"d"`: deletions). Streamed: a large
    staged file is never held whole as patch text.

    On the first commit there is no HEAD; `git diff --cached` then compares with the empty tree.
    """
    only = (f"--diff-filter={without}",) if without else ()
    diff = ("diff", "--cached", *PATCH_OPTIONS, *only, "--", *paths)
    return stream_output(("--literal-pathspecs", "-c", "core.quotePath=true", *diff), root)


def staged_changes(root: Path, paths: Sequence[str] = ()) -> bytes:
    """`git diff --cached --raw -z` with the patch's rename detection: each staged change's
    modes, blob ids, status and path(s), in the patch's order, without reading any blob."""
    raw = ("diff", "--cached", "--raw", "-z", "--no-abbrev", "--find-renames", "--", *paths)
    return run(("--literal-pathspecs", *raw), cwd=root)


def range_patch(root: Path, revisions: Sequence[str], merges: bool = False) -> Iterator[bytes]:
    """Each commit's own patch (against its first parent) in pieces, oldest first, each after
    a marker; with `merges`, of the merge commits only, against each parent in turn (the marker
    repeated before each parent's patch)."""
    which = ("--merges", "-m") if merges else ("--no-merges",)
    log = ("log", "--reverse", *which, "--format=%x00commit %H", *PATCH_OPTIONS, *revisions, "--")
    return stream_output(("-c", "core.quotePath=true", *log), root)


def merge_parents(root: Path, revisions: Sequence[str]) -> dict[str, int]:
    """The merge commits `revisions` select, with how many parents each has."""
    out = run(("rev-list", "--merges", "--parents", *revisions, "--"), cwd=root).decode()
    return {fields[0]: len(fields) - 1 for fields in map(str.split, out.splitlines()) if fields}


def has_commit(root: Path, revision: str) -> bool:
    try:
        run(("cat-file", "-e", f"{revision}^{{commit}}"), cwd=root)
    except GitError:
        return False
    return True


# How much of git's own message an error keeps: all of it, within reason.
_MESSAGE_LINES = 12
_MESSAGE_CHARACTERS = 2000


def _failure(args: Sequence[str], stderr: bytes, returncode: int) -> GitError:
    """The error for a failed git command: git's whole message (bounded), or its exit status,
    and the fix where pat-scan knows one."""
    lines = [line.rstrip() for line in stderr.decode("utf-8", "replace").strip().splitlines()]
    detail = "\n".join(lines[:_MESSAGE_LINES])[:_MESSAGE_CHARACTERS]
    if len(lines) > _MESSAGE_LINES:
        detail += f"\n({len(lines) - _MESSAGE_LINES} more lines)"
    detail = detail or f"exit status {returncode}"
    if "dubious ownership" in detail:
        detail += (
            "\npat-scan: git refuses a repository another user owns; if you trust it, run "
            "the `git config --global --add safe.directory ...` command above, then try again"
        )
    return GitError(f"git {_subcommand(args)} failed: {detail}")


def _subcommand(args: Sequence[str]) -> str:
    """The git command in ARGS, past global options such as `-c key=value`."""
    words = iter(args)
    for word in words:
        if word == "-c":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return "command"


# History scans (`pat-scan history`): streaming readers that never hold the whole history.

# Each git process of a history scan maps the pack through windows of at most this much in all
# (git's default on 64-bit: the whole pack, 8 GiB at most): pages it has read stay in its RSS, so
# three or four processes each held git.git's 500 MB pack (1.37 GB for the process tree). Reading
# every blob of git.git through one cat-file: 441 MB -> 233 MB peak, 0.7 CPU-s more (remapping).
PACK_WINDOWS = ("-c", "core.packedGitLimit=128m", "-c", "core.packedGitWindowSize=16m")


def common_dir(path: str | os.PathLike[str]) -> Path:
    """The common git dir of the repository at `path` (shared by its worktrees; bare included)."""
    common = run(("rev-parse", "--git-common-dir"), cwd=path).decode().strip()
    return (Path(common) if os.path.isabs(common) else Path(path) / common).resolve()


def resolve_commit(root: Path, revision: str) -> str | None:
    """The commit id `revision` names, or None (an unborn HEAD, an unknown name)."""
    try:
        out = run(
            ("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"),
            cwd=root,
        )
    except GitError:
        return None
    return out.decode().strip() or None


def history_blobs(
    root: Path,
    revisions: Sequence[str],
    near: Path | None = None,
    listed: Callable[[], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """(object id, first path) of the objects `rev-list --objects` reaches, blobs only where git
    can filter them (explicitly named tags and commits still appear: the reader drops them).
    `listed` is called once rev-list has listed everything and ended.

    Paths are printed raw, one object a line; a path with a newline in it continues on the next
    line, which is recognised by not starting with an object id."""
    args = (*PACK_WINDOWS, "rev-list", "--objects", "--filter=object:type=blob", *revisions, "--")
    last: tuple[str, str] | None = None
    for line in _followed_lines(args, root, near, listed):
        oid, _, name = line.partition(b" ")
        if len(oid) in (40, 64) and _is_hex(oid):
            if last is not None:
                yield last
            last = (oid.decode(), os.fsdecode(name))
        elif last is not None:
            last = (last[0], last[1] + "\n" + os.fsdecode(line))
    if last is not None:
        yield last


def _followed_lines(
    args: Sequence[str], cwd: Path, near: Path | None, ended: Callable[[], None] | None
) -> Iterator[bytes]:
    """stdout of `git ARGS` line by line, written to an unnamed file (in `near` if it can be)
    and read as it grows: git never waits for the reader, so it ends (and frees what it holds:
    rev-list's object set, 200 MB for git.git) as soon as it is done, not when the scan that
    reads it is. `ended` is called when it has; a failure raises GitError."""
    import time

    output, errors = _unnamed_file(near), _unnamed_file(None)
    try:
        process = _popen(args, cwd, False, stdout=output, stderr=errors)
    except GitError:
        output.close()
        errors.close()
        raise
    try:
        pending = b""
        offset = 0
        running = True
        while True:
            finished = process.poll() is not None  # then all it wrote is in the file
            # git writes through its own descriptor, which shares this one's file offset:
            # read at an offset of our own
            chunk = os.pread(output.fileno(), 1 << 16, offset)
            if chunk:
                offset += len(chunk)
                *lines, pending = (pending + chunk).split(b"\n")
                yield from lines
            if finished and running:
                running = False
                if process.returncode != 0:
                    errors.seek(0)
                    raise _failure(args, errors.read(), process.returncode)
                if ended is not None:
                    ended()
            if not chunk:
                if finished:
                    break
                time.sleep(0.005)  # git is still listing: let it
        if pending:
            yield pending
    finally:
        _stop(process)
        output.close()
        errors.close()


def _is_hex(word: bytes) -> bool:
    return not word.translate(None, b"0123456789abcdef")


def stream_lines(args: Sequence[str], cwd: Path) -> Iterator[bytes]:
    """stdout of `git ARGS` line by line, without holding it all; a failure raises GitError."""
    process = _popen(args, cwd, stdin=False)
    assert process.stdout is not None
    try:
        for line in process.stdout:
            yield line.rstrip(b"\n")
        _finish(process, args)
    finally:
        _stop(process)


def stream_output(args: Sequence[str], cwd: Path) -> Iterator[bytes]:
    """stdout of `git ARGS` in pieces of up to 1 MiB as it comes (split anywhere, even inside
    a line), without holding it all; a failure raises GitError."""
    process = _popen(args, cwd, stdin=False)
    assert process.stdout is not None
    _widen_pipe(process.stdout.fileno())
    read = process.stdout.read1  # type: ignore[attr-defined]
    try:
        yield from iter(lambda: read(1 << 20), b"")
        _finish(process, args)
    finally:
        _stop(process)


def stream_records(args: Sequence[str], cwd: Path) -> Iterator[bytes]:
    """stdout of `git ARGS` split on NUL, read in chunks (for -z output)."""
    process = _popen(args, cwd, stdin=False)
    assert process.stdout is not None
    try:
        yield from _records(process.stdout.read1)  # type: ignore[attr-defined]
        _finish(process, args)
    finally:
        _stop(process)


def _records(read: Callable[[int], bytes]) -> Iterator[bytes]:
    """What `read` gives until it gives nothing, split on NUL."""
    pending = b""
    while chunk := read(1 << 16):
        parts = (pending + chunk).split(b"\0")
        pending = parts.pop()
        yield from parts
    if pending:
        yield pending


class Spooled:
    """`git ARGS` started now, its output spooled to an unnamed temporary file and read later:
    a pass whose output is needed only after other work runs on a core that work leaves idle.
    The file holds what the repository already holds (commit messages, paths) and is gone when
    closed or when the process ends. It is made in `near` (a git dir: the repository's disk,
    where /tmp may be memory) when that is writable; should that disk fill up, git runs again
    into the system's temporary folder."""

    def __init__(self, args: Sequence[str], cwd: Path, near: Path | None = None) -> None:
        self.args = tuple(args)
        self._cwd = cwd
        self._near = near
        self._start(near)

    def _start(self, folder: Path | None) -> None:
        self._output = _unnamed_file(folder)
        self._errors = _unnamed_file(None)
        try:
            self._process = _popen(
                self.args, self._cwd, False, stdout=self._output, stderr=self._errors
            )
        except GitError:
            self._output.close()
            self._errors.close()
            raise

    def finished(self) -> bool:
        return self._process.poll() is not None

    def records(self) -> Iterator[bytes]:
        """The NUL-separated output once git is done; a failure raises GitError."""
        if self._process.wait() != 0 and self._near is not None:
            self.close()  # the git dir's disk may be full: once more, in the temporary folder
            self._near = None
            self._start(None)
        if self._process.wait() != 0:
            self._errors.seek(0)
            raise _failure(self.args, self._errors.read(), self._process.returncode)
        self._output.seek(0)
        return _records(self._output.read)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._output.close()
        self._errors.close()


def _unnamed_file(folder: Path | None) -> IO[bytes]:
    """A temporary file with no name, in `folder` if it can be, else in the system's place."""
    import tempfile

    # Closed by Spooled.close(), which the caller's `finally` runs: no `with` spans the scan.
    if folder is not None:
        with contextlib.suppress(OSError):
            return tempfile.TemporaryFile(dir=folder)
    return tempfile.TemporaryFile()


def iter_blobs(
    root: Path, ids: Iterable[str], max_size: int | None = None
) -> Iterator[tuple[str, str, int, bytes | None]]:
    """(id, type, size, content) of each object through one `git cat-file --batch` process
    (`BlobReader.read`, once); a failure of git raises GitError."""
    reader = BlobReader(root)
    try:
        yield from reader.read(list(ids), max_size)
        reader.finish()
    finally:
        reader.close()


def blob_pieces(root: Path, oid: str, size: int) -> Iterator[bytes]:
    """The content of blob `oid`, `size` bytes at a time, from `git cat-file blob` (a blob too
    large to hold at once); a failure of git raises GitError."""
    args = ("cat-file", "blob", oid)
    process = _popen(args, root, stdin=False)
    assert process.stdout is not None
    try:
        yield from iter(lambda: process.stdout.read(size) if process.stdout else b"", b"")
        _finish(process, args)
    finally:
        _stop(process)


class BlobReader:
    """One `git cat-file --batch` process, asked for objects a batch at a time: git starts once
    and the delta bases it has unpacked stay warm from one batch to the next."""

    ARGS = ("cat-file", "--batch")

    def __init__(self, root: Path, options: Sequence[str] = ()) -> None:
        """`options`: git's own, before the command (`-c key=value`)."""
        self._process = _popen((*options, *self.ARGS), root, stdin=True)
        assert self._process.stdout is not None
        _widen_pipe(self._process.stdout.fileno())

    def read(
        self, ids: Sequence[str], max_size: int | None = None
    ) -> Iterator[tuple[str, str, int, bytes | None]]:
        """(id, type, size, content) of each of `ids`, in order. Ids are written by a thread
        while records are read, so neither side waits on a full pipe, and memory holds one
        object at a time. Content larger than `max_size` is read in chunks and dropped (None).
        A batch abandoned half-read closes the reader: what git still has to say is lost."""
        import threading

        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        if stdout.closed:
            raise GitError("git cat-file was stopped by an earlier error")

        def write() -> None:
            try:
                stdin.write(b"".join(oid.encode() + b"\n" for oid in ids))
                stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass  # git is gone (an error or an interrupt): reading says why

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        complete = False
        try:
            for _ in ids:
                yield self._record(stdout, max_size)
            complete = True
        finally:
            writer.join(timeout=1)
            if not complete:
                self.close()

    def _record(
        self, stdout: IO[bytes], max_size: int | None
    ) -> tuple[str, str, int, bytes | None]:
        header = stdout.readline()
        if not header:  # git stopped: its own words say why
            self.finish()
            _eof(self.ARGS)
        fields = header.split()
        if len(fields) != 3:  # "<id> missing" or "<id> ambiguous"
            raise GitError(f"cannot read object: {header.decode(errors='replace').strip()}")
        oid, kind, size = fields[0].decode(), fields[1].decode(), int(fields[2])
        if max_size is not None and size > max_size:
            left = size + 1
            while left:
                left -= len(stdout.read(min(left, 1 << 20)) or _eof(self.ARGS))
            return oid, kind, size, None
        data = stdout.read(size)  # then the newline apart: slicing it off copies the blob
        if len(data) != size or stdout.read(1) != b"\n":
            _eof(self.ARGS)
        return oid, kind, size, data

    def finish(self) -> None:
        """No more batches: git exits, and a failure it reports raises GitError."""
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        _finish(self._process, self.ARGS)

    def close(self) -> None:
        _stop(self._process)


def _widen_pipe(descriptor: int) -> None:
    """A 1 MiB pipe instead of 64 KiB: a history's gigabyte of blobs crosses in fewer, larger
    reads (measured: 10% less wall time reading pytest's blobs). Linux only; elsewhere, or over
    the system's limit, the pipe stays as it is."""
    try:
        import fcntl

        fcntl.fcntl(descriptor, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):  # no fcntl (Windows), or not allowed
        pass


def _popen(
    args: Sequence[str],
    cwd: Path,
    stdin: bool,
    stdout: int | IO[bytes] = subprocess.PIPE,
    stderr: int | IO[bytes] = subprocess.PIPE,
) -> subprocess.Popen[bytes]:
    """`git ARGS`, its output piped to us (or to the files given)."""
    try:
        return subprocess.Popen(
            ("git", *args),
            cwd=cwd,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            bufsize=1 << 16,
            start_new_session=True,  # Ctrl-C reaches pat-scan only, which stops git itself
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None


def _finish(process: subprocess.Popen[bytes], args: Sequence[str]) -> None:
    assert process.stderr is not None
    error = process.stderr.read()
    if process.wait() != 0:
        raise _failure(args, error, process.returncode)


def _eof(args: Sequence[str]) -> bytes:
    raise GitError(f"git {_subcommand(args)} stopped in the middle of an object")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a reader that was abandoned early (an error, an interrupt, a closed generator)."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def is_shallow(root: Path) -> bool:
    """Whether the repository is a shallow clone (history before its boundary is missing)."""
    return run(("rev-parse", "--is-shallow-repository"), cwd=root).strip() == b"true"


def tree_blob_ids(root: Path, revision: str) -> set[str]:
    """Ids of every blob in `revision`'s tree (empty for an unborn HEAD)."""
    if resolve_commit(root, revision) is None:
        return set()
    out = run(("ls-tree", "-r", "-z", "--full-tree", revision), cwd=root)
    ids: set[str] = set()
    for entry in out.split(b"\0"):
        fields = entry.split(b"\t", 1)[0].split()
        if len(fields) == 3 and fields[1] == b"blob":
            ids.add(fields[2].decode())
    return ids


def commit_ids(root: Path, revisions: Sequence[str]) -> list[str]:
    return run(("rev-list", *revisions, "--"), cwd=root).decode().split()


# One record per commit: \x01 sha, author name, email, ISO date, message; then with `raw`, for
# each file the commit adds or modifies (first parent), its raw line and its path.
LOG_FORMAT = "--format=%x01%H%x00%an%x00%ae%x00%aI%x00%B"


def history_log(root: Path, revisions: Sequence[str], raw: bool) -> Iterator[bytes]:
    """NUL-separated tokens of `git log`, oldest first: parents before children, whatever
    their dates say (--date-order, reversed)."""
    return stream_records(_history_log_args(revisions, raw), root)


def spool_history_log(root: Path, revisions: Sequence[str], near: Path | None = None) -> Spooled:
    """`history_log` with `raw`, started now and read when its `records()` are asked for."""
    return Spooled(_history_log_args(revisions, raw=True), root, near)


def _history_log_args(revisions: Sequence[str], raw: bool) -> tuple[str, ...]:
    diff = ("--raw", "--root", "--no-abbrev", "--no-renames", "--diff-merges=first-parent")
    args = ("log", "--reverse", "--date-order", "-z", LOG_FORMAT, *(diff if raw else ()))
    return (*PACK_WINDOWS, *args, *revisions, "--")


# Mirrors (`pat-scan fleet`): bare copies of every ref of a repository, kept up to date.


def clone_mirror(source: str, target: Path, env: Mapping[str, str]) -> None:
    """A bare mirror of every ref of `source` (a URL or a path) at `target`."""
    run(("clone", "--mirror", "--quiet", "--", source, str(target)), env=env)


def fetch_mirror(mirror: Path, env: Mapping[str, str]) -> None:
    """Every ref of the mirror's origin, as it is now: moved, new and deleted refs alike."""
    run(("fetch", "--prune", "--quiet", "origin"), cwd=mirror, env=env)


def promisor_remotes(repository: Path) -> list[str]:
    """Remotes a partial clone leaves its missing objects to (none in a full repository)."""
    try:
        out = run(("config", "-z", "--get-regexp", r"^remote\..*\.promisor$"), cwd=repository)
    except GitError:  # git config says nothing matched with exit status 1
        return []
    remotes = []
    for entry in split_z(out):
        key, _, value = entry.partition("\n")
        if value.strip().lower() in ("true", "yes", "on", "1"):
            remotes.append(key.removeprefix("remote.").removesuffix(".promisor"))
    return remotes


def refs(repository: Path) -> list[tuple[str, str]]:
    """(ref name, object id) of every ref, sorted by name."""
    # One ref a line (a ref name cannot hold a newline), its name and id split by NUL.
    out = run(("for-each-ref", "--format=%(refname)%00%(objectname)"), cwd=repository)
    pairs = (line.split(b"\0") for line in out.splitlines() if line)
    return sorted((os.fsdecode(name), oid.decode()) for name, oid in pairs)


def local_environment_variables() -> list[str]:
    """The variables that point git at a repository (GIT_DIR, GIT_INDEX_FILE, ...): a command
    that works in repositories of its own must not inherit them."""
    return run(("rev-parse", "--local-env-vars")).decode().split()
