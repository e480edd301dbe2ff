"""Configuration discovery and validation: errors name the file and the key (exit 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pat_scan.config import discover, parse_size
from pat_scan.errors import ConfigError
from tests.helpers import token


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = discover(None, tmp_path)
    assert config.path is None
    assert config.exclude == ()


def test_yaml_file_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pat-scan]\nexclude = ["a/**"]\n')
    assert discover(None, tmp_path).exclude == ("a/**",)
    (tmp_path / ".pat-scan.yaml").write_text("exclude: [b/**]\n")
    assert discover(None, tmp_path).exclude == ("b/**",)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("colour: red\n", "colour"),
        ("exclude: 3\n", "exclude"),
        ("min-confidence: certain\n", "min-confidence"),
        ("max-file-size: huge\n", "max-file-size"),
        ("allow: ['(']\n", "allow"),
        ("entropy: {github-pat-classic: 9}\n", "entropy.github-pat-classic"),
    ],
)
def test_bad_keys_name_file_and_key(tmp_path: Path, cli: Any, text: str, key: str) -> None:
    (tmp_path / ".pat-scan.yaml").write_text(text)
    (tmp_path / "a.txt").write_text("nothing\n")
    result = cli("scan", "--no-git", str(tmp_path), cwd=tmp_path)
    assert result.code == 2
    assert f".pat-scan.yaml: key {key!r}" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_invalid_yaml_and_toml(tmp_path: Path) -> None:
    (tmp_path / ".pat-scan.yaml").write_text("exclude: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        discover(None, tmp_path)
    (tmp_path / ".pat-scan.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.pat-scan\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        discover(None, tmp_path)


def test_exclude_globs_and_the_config_file_is_scanned(repo: Path, cli: Any) -> None:
    """Before: the active configuration file was never scanned, a token in it passed."""
    (repo / "fixtures" / "deep").mkdir(parents=True)
    (repo / "fixtures" / "deep" / "t.py").write_text(f"t = '{token(seed=1)}'\n")
    (repo / "keep.py").write_text(f"t = '{token(seed=2)}'\n")
    (repo / ".pat-scan.yaml").write_text(f"exclude: ['fixtures/**']\n# t = '{token(seed=3)}'\n")
    result = cli("scan", "--format", "json", cwd=repo)
    assert [f["path"] for f in result.json()["findings"]] == [".pat-scan.yaml", "keep.py"]
    assert result.json()["stats"]["skipped"] == {"excluded": 1}  # counted, never hidden
    (repo / ".pat-scan.yaml").unlink()
    (repo / "pyproject.toml").write_text(
        f"[tool.pat-scan]\nexclude = []\n# t = '{token(seed=4)}'\n"
    )
    paths = [f["path"] for f in cli("scan", "--format", "json", cwd=repo).json()["findings"]]
    assert "pyproject.toml" in paths


def test_a_rules_path_excludes_its_packs_only(repo: Path, cli: Any) -> None:
    """Before: `rules: [config]` hid every file under config/, prod.env among them."""
    (repo / "config").mkdir()
    (repo / "config" / "extra.yaml").write_text(
        "rules:\n  - id: demo-token\n    name: Demo\n    description: d\n    severity: high\n"
        "    keywords: [demo_]\n    regex: '(?P<secret>demo_[0-9a-f]{32})'\n    remediation: r\n"
    )
    (repo / "config" / "prod.env").write_text(f"TOKEN={token(seed=5)}\n")
    (repo / ".pat-scan.yaml").write_text("rules: [config]\n")
    result = cli("scan", "--format", "json", cwd=repo)
    assert [f["path"] for f in result.json()["findings"]] == ["config/prod.env"]
    assert result.json()["stats"]["skipped"] == {"excluded": 1}  # the pack file alone


def test_the_last_matching_exclude_line_decides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gitignore's order: a later `!` line takes back what an earlier one excluded, and a later
    exclusion wins again; paths are tested relative to the root, however they are written."""
    (tmp_path / ".pat-scan.yaml").write_text("exclude: ['*.log', '!keep*.log', 'keep-no.log']\n")
    monkeypatch.chdir(tmp_path)
    excluded = discover(None, tmp_path).excluder()
    assert excluded("a.log") and excluded(str(tmp_path / "sub" / "b.log"))
    assert not excluded("keep.log") and not excluded("./sub/../keep-1.log")
    assert excluded("keep-no.log")
    assert not excluded("a.txt") and not excluded(str(tmp_path.parent / "outside.log"))


def test_with_nothing_to_exclude_nothing_is(tmp_path: Path) -> None:
    excluded = discover(None, tmp_path).excluder()
    assert not excluded(str(tmp_path / "a.log")) and not excluded("/elsewhere/b")


@pytest.mark.parametrize("entry", [".", "./", "..", "config/.."])
def test_a_rules_path_that_is_the_repository_or_above_is_refused(
    repo: Path, cli: Any, entry: str
) -> None:
    """Before: `rules: ["."]` hid the whole repository from the scan."""
    (repo / ".pat-scan.yaml").write_text(f"rules: ['{entry}']\n")
    result = cli("scan", cwd=repo)
    assert result.code == 2
    assert ".pat-scan.yaml: key 'rules'" in result.err and "repository or above" in result.err


def test_baselines_are_scanned_but_their_entries_are_not_findings(repo: Path, cli: Any) -> None:
    """Before: every baseline file was skipped whole, so a token pasted into one passed."""
    import json

    (repo / ".secrets.baseline").write_text(
        json.dumps(
            {
                "results": {"a.py": [{"hashed_secret": "ab" * 20, "line_number": 1}]},
                "note": f"token = '{token(seed=6)}'",
            }
        )
    )
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    assert [f["path"] for f in result.json()["findings"]] == [".secrets.baseline"]
    assert all(s["reason"] == "baseline entry" for s in result.json()["suppressed"])


def test_unknown_rule_ids_in_the_configuration_name_the_file_and_key(repo: Path, cli: Any) -> None:
    """Before: `disable: [no-such-rule]` gave an error that did not name the file."""
    for key in ("disable", "enable"):
        (repo / ".pat-scan.yaml").write_text(f"{key}: [no-such-rule]\n")
        result = cli("scan", cwd=repo)
        assert result.code == 2
        assert f".pat-scan.yaml: key '{key}'" in result.err and "no-such-rule" in result.err


def test_config_rules_disable_and_min_confidence(repo: Path, cli: Any) -> None:
    from tests.helpers import bad_token

    (repo / "a.py").write_text(f"t = '{bad_token()}'\n")
    assert cli("scan", cwd=repo).code == 0
    (repo / ".pat-scan.yaml").write_text("min-confidence: low\n")
    assert cli("scan", cwd=repo).code == 1
    (repo / ".pat-scan.yaml").write_text("min-confidence: low\ndisable: [github-pat-classic]\n")
    assert cli("scan", cwd=repo).code == 0


def test_explicit_config_must_exist(tmp_path: Path, cli: Any) -> None:
    result = cli("scan", "--config", "nope.yaml", cwd=tmp_path)
    assert result.code == 2
    assert "nope.yaml: no such configuration file" in result.err


def test_parse_size() -> None:
    assert parse_size("10MB") == 10 * 1024 * 1024
    assert parse_size("512kb") == 512 * 1024
    assert parse_size("100") == 100
    # Before: "10M" and "1.5MB" were refused.
    assert parse_size("10M") == parse_size("10MiB") == 10 * 1024 * 1024
    assert parse_size("1.5MB") == 1536 * 1024
    assert parse_size("2 G") == 2 * 1024**3
    for bad in ("10XB", "", "MB", "0.1b", "-5MB", "1.2.3KB"):
        with pytest.raises(ValueError, match=re.escape(bad) or "^$"):
            parse_size(bad)


def test_jobs_must_be_a_number_of_processes(repo: Path, cli: Any) -> None:
    """Before: `--jobs -3` was accepted."""
    for bad in ("-3", "0", "two"):
        result = cli("history", "--jobs", bad, cwd=repo)
        assert result.code == 2 and "number of processes" in result.err


def test_a_valid_yaml_file_is_read_from_the_cache_the_next_time(tmp_path: Path) -> None:
    """The hook's path: once a file has been parsed and checked, neither yaml nor the regex
    check runs for the same bytes again, and the result is the same configuration."""
    import os
    import subprocess
    import sys

    (tmp_path / ".pat-scan.yaml").write_text("allow: ['^t = ']\nexclude: [vendor/**]\n")
    probe = (
        "import sys; from pathlib import Path; from pat_scan import config; "
        "c = config.discover(None, Path('.')); "
        "print(c.allow, c.exclude, 'yaml' in sys.modules, 'regex' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe],
            cwd=tmp_path,
            env={**os.environ, "PAT_SCAN_CACHE_DIR": str(tmp_path / "cache")},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == [
        "('^t = ',) ('vendor/**',) True True",
        "('^t = ',) ('vendor/**',) False False",
    ]


def test_the_configuration_cache_holds_no_value_of_the_file(
    repo: Path, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An allow entry or a stopword may be a token: the cached configuration is sealed with a
    key derived from the file, so no file in the cache directory holds either."""
    from pat_scan import cache

    monkeypatch.setenv("PAT_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    allowed, word = token(seed=3), "pw-" + token(seed=4)[4:24]
    (repo / ".pat-scan.yaml").write_text(f"allow: ['^{allowed}$']\nstopwords: ['{word}']\n")
    (repo / "a.py").write_text(f"A = '{allowed}'\nB = '{token(seed=5)[:-6]}{word}'\n")
    for _ in range(2):  # the second run reads the cached configuration
        result = cli("scan", ".", "--format", "json", "--only-rule", "github-pat-classic", cwd=repo)
        assert result.code == 0, result.out
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert any(p.name.startswith("config-") for p in entries)
    for needle in (allowed, allowed[4:20], word, word[3:15]):
        for text in (needle, needle.encode().hex(), json.dumps(needle)[1:-1]):
            assert not [p for p in entries if text.encode() in p.read_bytes()], text
    assert cache.directory() == tmp_path / "cache" / "pat-scan"
