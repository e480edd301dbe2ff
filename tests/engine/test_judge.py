"""The credential judge: its shipped model, what it decides, and that it stays lazy."""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pat_scan.engine import features, judge, scopes

CREDDATA_BUILD = Path("/tmp/creddata/build.json")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_the_model_holds_only_feature_names_words_and_numbers() -> None:
    document = json.loads(judge.MODEL_PATH.read_text())
    vocabulary = set(document["vocabulary"])
    assert all(word.isalpha() and word.islower() and 3 <= len(word) <= 12 for word in vocabulary)
    names = set(document["features"])
    sample = features.features(
        features.candidate("generic-password", ("generic",), b'pw = "x1y2z3w4"', 6, 14, "a.py"),
        frozenset(),
    )
    assert names <= set(sample), "the model names a feature the runtime does not compute"
    fixed = {"format", "about", "features", "vocabulary", "base", "rate", "thresholds", "trees"}
    fixed |= {"report", "block", *scopes.SCOPES, document["format"], document["about"]}
    strays = [s for s in _strings(document) if s not in names | vocabulary | fixed]
    assert not strays, f"unexpected strings in the model: {len(strays)}"


def test_the_model_holds_no_training_positive() -> None:
    """With the CredData build present (benchmarks/creddata.py), no value labelled T in it
    occurs in the shipped model file."""
    if not CREDDATA_BUILD.is_file():
        pytest.skip("CredData is not built here (python benchmarks/creddata.py builds it)")
    from benchmarks.creddata_build import Label
    from benchmarks.train_judge import _value

    document = json.loads(judge.MODEL_PATH.read_text())
    words = set(document["vocabulary"])
    # Grep everything but the feature names, which the runtime defines (key_password, ...).
    text = json.dumps({k: v for k, v in document.items() if k != "features"}).lower()
    labels = [Label(*row) for row in json.loads(CREDDATA_BUILD.read_text())["labels"]]
    positives = {
        _value(CREDDATA_BUILD.parent / "files" / label.key, label)
        for label in labels
        if label.truth == "T"
    }
    positives = {p for p in positives if len(p) >= 4}
    assert positives, "no positive values could be read from the build"
    assert not {p for p in positives if p.lower() in words}
    found = [p for p in positives if len(p) >= 8 and p.lower() in text]
    assert not found, f"{len(found)} training positives occur in the model"


def _random(length: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


def _verdict(line: str, value: str, path: str, rule: str = "generic-password") -> judge.Verdict:
    data = line.encode()
    start = data.index(value.encode())
    tags = ("generic", rule.removeprefix("generic-"))
    return judge.judge(features.candidate(rule, tags, data, start, start + len(value), path))


def test_a_random_password_in_configuration_blocks() -> None:
    value = _random(14, 1)
    verdict = _verdict(f"DB_PASSWORD={value}", value, "deploy/.env")
    assert verdict.suppressed is None
    assert verdict.confidence == "medium"


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('password_field = "password_input_label"', "password_input_label"),
        ('secret_name: "prod-db-credentials-secret"', "prod-db-credentials-secret"),
        ('token_path = "/var/run/secrets/token"', "/var/run/secrets/token"),
    ],
)
def test_names_and_paths_are_not_credentials(line: str, value: str) -> None:
    assert _verdict(line, value, "app/settings.py").suppressed == "judged not a credential"


def test_a_test_fixture_reports_but_does_not_block() -> None:
    value = _random(12, 2)
    verdict = _verdict(f'    password = "{value}"', value, "tests/test_login.py")
    assert verdict.suppressed is None
    assert verdict.confidence == "low"


def test_parse_rejects_another_format() -> None:
    with pytest.raises(judge.ModelError):
        judge.parse({"format": "something-else"})


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("src/main/java/com/example/App.java", "source"),
        ("src/test/java/com/acme/LoginTest.java", "test"),
        ("tests/unit/test_db.py", "test"),
        ("pkg/db/db_test.go", "test"),
        ("web/src/login.spec.ts", "test"),
        ("docs/install.md", "docs"),
        ("README.md", "docs"),
        ("examples/client.py", "example"),
        ("config/settings.sample.yaml", "example"),
        ("vendor/github.com/x/y/z.go", "vendored"),
        ("static/app.min.js", "vendored"),
        ("app/settings.py", "source"),
    ],
)
def test_path_scope(path: str, scope: str) -> None:
    assert scopes.path_scope(path) == scope


def test_a_scan_without_generic_candidates_never_loads_the_model(tmp_path: Path) -> None:
    code = (
        "import sys; from pat_scan import engine, rules; from pat_scan.engine import judge\n"
        "m = engine.create(rules.load(), 'python')\n"
        "m.scan(b'def f(x):\\n    return x + 1\\n' * 50, 'a.py')\n"
        "assert not judge._loaded, 'loaded without a candidate'\n"
        f"m.scan(b'DB_PASSWORD={_random(14, 3)}\\n', 'deploy/.env')\n"
        "assert judge._loaded, 'not loaded for a candidate'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def matcher() -> Any:
    from pat_scan import engine, rules

    return engine.create(rules.load(), "python")


def _only(matcher: Any, line: str, path: str) -> Any:
    [match] = [m for m in matcher.scan(line.encode(), path) if m.rule.id == "generic-password"]
    return match


def test_the_matcher_says_why_the_judge_made_a_match_low(matcher: Any) -> None:
    value = _random(12, 2)
    line = f'    password = "{value}"\n'
    fixture = _only(matcher, line, "tests/test_login.py")
    assert (fixture.confidence, fixture.suppressed) == ("low", None)
    assert fixture.why_low is not None and fixture.why_low.startswith("a test fixture")
    source = _only(matcher, line, "app/login.py")
    assert (source.confidence, source.suppressed, source.why_low) == ("medium", None, None)


def test_the_matcher_suppresses_what_the_judge_finds_no_credential(matcher: Any) -> None:
    match = _only(matcher, 'password = "login_form_label"\n', "app/forms.py")
    assert match.suppressed == "judged not a credential"


def test_a_candidate_on_a_long_line_is_read_within_reach() -> None:
    """A megabyte-long line with a candidate at its end: the candidate's line is looked for only
    REACH bytes back (one search to the line's start per candidate made such files quadratic)."""
    value = _random(14, 4)
    data = ("x" * 1_000_000 + f' password="{value}"\nnext line\n').encode()
    start = data.index(value.encode())
    found = features.candidate("generic-password", ("generic",), data, start, start + 14, "a.js")
    assert found.column <= features.REACH
    assert len(found.line) <= features.CONTEXT_CHARS and found.before == ""
    assert found.after == "next line"


def _walked(trees: tuple[judge.Tree, ...], row: list[float]) -> float:
    """The trees' leaf values for `row`, walked through their node tables."""
    total = 0.0
    for tree in trees:
        node = 0
        while tree.feature[node] >= 0:
            below = row[tree.feature[node]] <= tree.threshold[node]
            node = tree.left[node] if below else tree.right[node]
        total += tree.value[node]
    return total


def test_the_compiled_trees_sum_exactly_what_walking_them_does() -> None:
    model = judge.model()
    rng = random.Random(3)
    thresholds = sorted({t for tree in model.trees for t in tree.threshold})
    for _ in range(300):  # rows on, just below and just above the trees' own thresholds
        row = [rng.choice(thresholds) + rng.choice([0.0, -1e-9, 1e-9]) for _ in model.names]
        assert model.summed(row) == _walked(model.trees, row)


def test_the_compiled_trees_are_cached_and_a_broken_entry_is_rebuilt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pat_scan import cache

    monkeypatch.setenv("PAT_SCAN_CACHE_DIR", str(tmp_path))
    document = json.loads(judge.MODEL_PATH.read_text(encoding="utf-8"))
    document["trees"] = document["trees"][:5]
    compiled: list[str] = []
    real_compile = compile
    monkeypatch.setattr(
        "builtins.compile", lambda *a, **k: compiled.append(a[1]) or real_compile(*a, **k)
    )
    row = [0.5] * len(document["features"])
    first = judge.parse(document)
    second = judge.parse(document)
    assert compiled == ["<judge trees>"]  # the second parse loaded the cached code
    (entry,) = (tmp_path / cache.FOLDER).glob("judge-*.bin")
    cache.write_bytes(entry.name, b"i\x07\x00\x00\x00")
    third = judge.parse(document)
    assert compiled == ["<judge trees>"] * 2
    assert first.summed(row) == second.summed(row) == third.summed(row)
    assert first.summed(row) == _walked(first.trees, row)


def test_a_provider_match_applies_the_fixture_policy_without_the_judges_features() -> None:
    """A provider token without a checksum is made low in a test file by its path's scope alone:
    the hook does not import the judge's features (60 regexes) for it."""
    key = "sk_" + "live_" + _random(24, 7)  # made here: tests hold no literal keys
    code = (
        "import sys; from pat_scan import engine, rules\n"
        "m = engine.create(rules.load(), 'python')\n"
        f"found = m.scan(b'STRIPE = \"{key}\"\\n', 'tests/test_pay.py')\n"
        "assert [x.confidence for x in found] == ['low'], found\n"
        "assert 'pat_scan.engine.features' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
