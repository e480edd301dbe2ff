"""SARIF output: schema-valid, what GitHub code scanning reads, stable (golden files), never a
secret; and the shipped CI files call real pat-scan options.

Regenerate the golden files after an intended change with
`PAT_SCAN_UPDATE_GOLDEN=1 python -m pytest tests/test_sarif.py`, then review the diff."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pat_scan import engine, rules
from pat_scan.cli import build_parser, main
from pat_scan.content import scan_bytes
from pat_scan.findings import Commit, Finding, InCommit, from_match, redact
from pat_scan.reporters import FORMATS, Report, line_hash
from pat_scan.reporters import sarif as sarif_report
from pat_scan.results import Policy
from pat_scan.rules.templates import expanded
from pat_scan.validators import CHECKS
from tests.helpers import (
    REPO_ROOT,
    SARIF_SCHEMA,
    bad_token,
    git,
    make_finding,
    make_rule,
    needs_shared,
    result_of,
    token,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("PAT_SCAN_UPDATE_GOLDEN") == "1"
ALL_RULES = rules.load()


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validate() -> Any:
    """Validation against the official schema. It is called last in each test: without the
    schema (a clone without ../shared) the test's other checks have run, and the test then
    skips, saying why, instead of passing as if it had been validated."""

    def check(document: dict[str, Any]) -> None:
        needs_shared(SARIF_SCHEMA)
        import jsonschema

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft4Validator(schema).validate(document)

    return check


def sarif_of(run: Any) -> dict[str, Any]:
    assert run.err == "" or "pat-scan:" in run.err
    document: dict[str, Any] = json.loads(run.out)
    return document


def results(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["runs"][0]["results"]
    return found


def strings_in(value: Any) -> Iterator[str]:
    """Every key and string value of a JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def normalised(document: dict[str, Any]) -> str:
    """The document with what varies between machines and releases replaced."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    copy = json.loads(text)
    run = copy["runs"][0]
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///SRCROOT/"
    driver = run["tool"]["driver"]
    driver["version"] = driver["semanticVersion"] = "VERSION"
    return json.dumps(copy, indent=2, ensure_ascii=False) + "\n"


def check_golden(name: str, document: dict[str, Any], secrets: list[str]) -> None:
    text = normalised(document)
    for secret in secrets:
        assert secret not in text
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE_GOLDEN:
            pytest.fail(f"{path} did not exist and was written: review it and commit it")
    assert text == path.read_text(encoding="utf-8"), (
        f"SARIF differs from {path}; if intended, regenerate with PAT_SCAN_UPDATE_GOLDEN=1"
    )


# ---------------------------------------------------------------------------------------------
# The real CLI
# ---------------------------------------------------------------------------------------------


def write_project(repo: Path) -> list[str]:
    """Deterministic files with fresh tokens (fixed seeds); returns the tokens."""
    classic, other, fake = token(seed=11), token(seed=12), bad_token(seed=13)
    npm = token("npm_crc32", "npm_", seed=14)
    (repo / "app").mkdir()
    (repo / "app" / "settings.py").write_text(
        f'DEBUG = False\nGITHUB_TOKEN = "{classic}"\n\n# again, same value\nBACKUP = "{classic}"\n'
    )
    (repo / "deploy").mkdir()
    (repo / "deploy" / "release notes.md").write_text(f"Use `{other}` to publish.\n")
    (repo / "deploy" / "ci.env").write_text(f"NPM_TOKEN={npm}\r\nFIXTURE={fake}\r\n")
    (repo / "clean.txt").write_text("nothing to see here\n")
    return [classic, other, fake, npm]


ONLY = ("--only-rule", "github-pat-classic", "--only-rule", "npm-access-token")


# The golden tests do not need the schema, so they run in a fresh clone too.
def test_scan_golden(repo: Path, cli: Any) -> None:
    secrets = write_project(repo)
    run = cli("scan", "--format", "sarif", *ONLY, ".", cwd=repo)
    assert run.code == 1
    check_golden("scan.sarif", sarif_of(run), secrets)


def test_scan_is_valid(repo: Path, cli: Any, validate: Any) -> None:
    write_project(repo)
    validate(sarif_of(cli("scan", "--format", "sarif", ".", cwd=repo)))


def test_scan_output_file_equals_stdout_and_is_deterministic(repo: Path, cli: Any) -> None:
    write_project(repo)
    first = cli("scan", "--format", "sarif", *ONLY, ".", cwd=repo).out
    assert cli("scan", "--format", "sarif", *ONLY, ".", cwd=repo).out == first
    out = repo.parent / "report.sarif"
    assert cli("scan", "--format", "sarif", "--output", str(out), *ONLY, ".", cwd=repo).out == ""
    assert out.read_text(encoding="utf-8") == first


def test_what_github_reads(repo: Path, cli: Any) -> None:
    write_project(repo)
    document = sarif_of(cli("scan", "--format", "sarif", ".", cwd=repo))
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pat-scan" and driver["semanticVersion"]
    assert driver["informationUri"].startswith("https://")
    assert run["automationDetails"]["id"] == "pat-scan/scan/"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids)
    found = results(document)
    keys = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
        )
        for r in found
    ]
    assert keys == sorted(keys)
    for result in found:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert "snippet" not in location["region"] and "contextRegion" not in location
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endColumn"] > region["startColumn"] or region["endLine"] > 1
        assert set(result["partialFingerprints"]) == {
            "primaryLocationLineHash",
            "patScanSecretHash/v2",
        }
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in found}
    assert "deploy/release%20notes.md" in uris


def test_region_is_exact_and_end_column_exclusive(repo: Path, cli: Any) -> None:
    secret = token(seed=21)
    (repo / "a.py").write_text(f"é = '{secret}'\n")
    region = results(sarif_of(cli("scan", "--format", "sarif", ".", cwd=repo)))[0]["locations"][0][
        "physicalLocation"
    ]["region"]
    line = (repo / "a.py").read_text().splitlines()[0]
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == secret
    assert region["startLine"] == region["endLine"] == 1


def test_levels_follow_the_policy(repo: Path, cli: Any) -> None:
    write_project(repo)
    found = results(sarif_of(cli("scan", "--format", "sarif", *ONLY, ".", cwd=repo)))
    by_level = {(r["properties"]["confidence"], r["level"]) for r in found}
    assert ("high", "error") in by_level
    # What GitHub shows is what blocks: a failed checksum (low) is left out by default...
    assert all(r["properties"]["blocking"] and r["level"] == "error" for r in found)
    document = sarif_of(cli("scan", "--format", "sarif", *ONLY, ".", cwd=repo))
    assert document["runs"][0]["properties"]["notBlockingLeftOut"] >= 1
    # ...and shown (then blocking) with --min-confidence low.
    everything = results(
        sarif_of(cli("scan", "--format", "sarif", "--min-confidence", "low", *ONLY, ".", cwd=repo))
    )
    assert ("low", "error") in {(r["properties"]["confidence"], r["level"]) for r in everything}
    # Below --fail-on: left out by default; with --min-confidence low, a warning.
    rule = make_rule("acme-api-key", "high")
    finding = make_finding(rule, "a.py", 1, token(seed=22))
    report = Report(result_of([finding]), Policy(fail_on="critical"))
    assert not results(sarif_report.document(report))
    report = Report(result_of([finding]), Policy(min_confidence="low", fail_on="critical"))
    [result] = results(sarif_report.document(report))
    assert result["level"] == "warning" and result["properties"]["blocking"] is False


def test_line_hash_omitted_when_the_file_cannot_be_read(repo: Path, cli: Any) -> None:
    secret = token(seed=31)
    (repo / "a.py").write_text(f"T = '{secret}'\n")
    document = sarif_of(cli("scan", "--format", "sarif", ".", cwd=repo))
    assert "primaryLocationLineHash" in results(document)[0]["partialFingerprints"]
    # The same findings, reported after the file changed on disk: no line hash rather than a
    # wrong one (the upload action then computes its own).
    findings = scan_bytes(engine.create(ALL_RULES), (repo / "a.py").read_bytes(), "a.py")
    (repo / "a.py").write_text("moved\n")
    stdin = findings[0]._replace(path="-")
    document = sarif_report.document(Report(result_of([*findings, stdin]), Policy()))
    for result in results(document):
        assert set(result["partialFingerprints"]) == {"patScanSecretHash/v2"}
    location = results(document)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "-" and "uriBaseId" not in location  # standard input


def test_line_hash_is_what_the_upload_action_computes(repo: Path, cli: Any) -> None:
    secret = token(seed=41)
    text = f"first\n\tTOKEN = '{secret}'\nfirst\n"
    (repo / "a.py").write_text(text)
    found = results(sarif_of(cli("scan", "--format", "sarif", ".", cwd=repo)))
    expected = line_hash.line_hashes(text, {2})[2]
    assert found[0]["partialFingerprints"]["primaryLocationLineHash"] == expected


def test_hook_category(repo: Path, cli: Any, validate: Any) -> None:
    (repo / "a.py").write_text(f"T = '{token(seed=51)}'\n")
    git(repo, "add", "a.py")
    run = cli("hook", "--format", "sarif", cwd=repo)
    assert run.code == 1
    document = sarif_of(run)
    assert document["runs"][0]["automationDetails"]["id"] == "pat-scan/hook/"
    assert "primaryLocationLineHash" in results(document)[0]["partialFingerprints"]
    validate(document)


def test_no_findings_is_valid(repo: Path, cli: Any, validate: Any) -> None:
    (repo / "README").write_text("hello\n")
    run = cli("scan", "--format", "sarif", ".", cwd=repo)
    assert run.code == 0
    document = sarif_of(run)
    assert results(document) == []
    assert document["runs"][0]["properties"]["totalResults"] == 0
    validate(document)


def test_many_findings_are_valid(repo: Path, cli: Any, validate: Any) -> None:
    for n in range(40):
        (repo / f"f{n:02}.env").write_text(
            "".join(f"T{k} = '{token(seed=1000 + n * 3 + k)}'\n" for k in range(3))
        )
    document = sarif_of(cli("scan", "--format", "sarif", ".", cwd=repo))
    assert len(results(document)) == 120
    validate(document)


def test_suppressed_results_carry_suppressions(repo: Path, cli: Any, validate: Any) -> None:
    (repo / "a.py").write_text(f"T = '{token(seed=61)}'  # pat-scan: allow\n")
    run = cli("scan", "--format", "sarif", "--show-suppressed", ".", cwd=repo)
    assert run.code == 0
    document = sarif_of(run)
    [result] = results(document)
    assert result["suppressions"] == [{"kind": "inSource", "justification": "inline marker"}]
    assert result["level"] != "error"
    assert results(sarif_of(cli("scan", "--format", "sarif", ".", cwd=repo))) == []
    validate(document)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def every_rule_document() -> tuple[dict[str, Any], list[str]]:
    """One positive example of every rule scanned, reported with the full rule list."""
    matcher = engine.create(ALL_RULES)
    findings: list[Finding] = []
    secrets: list[str] = []
    for rule in ALL_RULES:
        example = expanded(rule)[0][0]
        data, path = example.text.encode(), f"{rule.id}/{example.path}"
        found = [
            from_match(m, data, path)
            for m in matcher.scan(data, path, every=True)  # this rule, even where another wins
            if m.rule.id == rule.id
        ]
        findings += found
        secrets += [f.secret for f in found]
    # --min-confidence low: every finding is shown, the low ones too.
    report = Report(result_of(findings), Policy(min_confidence="low"), rules=tuple(ALL_RULES))
    return sarif_report.document(report), secrets


def test_every_rule_is_valid_and_listed(
    every_rule_document: tuple[dict[str, Any], list[str]], validate: Any
) -> None:
    document, secrets = every_rule_document
    driver_rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in driver_rules] == sorted(r.id for r in ALL_RULES)
    assert {r["ruleId"] for r in results(document)} == {r.id for r in ALL_RULES}
    text = json.dumps(document, ensure_ascii=False)
    assert not [s for s in secrets if s in text]
    validate(document)


def test_rule_descriptors_have_what_github_shows(
    every_rule_document: tuple[dict[str, Any], list[str]],
) -> None:
    document, _ = every_rule_document
    by_id = {r.id: r for r in ALL_RULES}
    for descriptor in document["runs"][0]["tool"]["driver"]["rules"]:
        rule = by_id[descriptor["id"]]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", descriptor["name"])
        assert descriptor["shortDescription"]["text"] == rule.name
        assert 0 < len(descriptor["fullDescription"]["text"]) <= 1024
        help_ = descriptor["help"]
        for text in (help_["text"], help_["markdown"]):
            assert rule.description in text
            assert "environment" in text and "Revoke" in text
        properties = descriptor["properties"]
        assert {"security", "secret"} <= set(properties["tags"])
        assert set(rule.tags[:5]) <= set(properties["tags"]) and len(properties["tags"]) <= 10
        score = float(properties["security-severity"])
        assert isinstance(properties["security-severity"], str) and 0 < score <= 10
        checksummed = rule.validator is not None and CHECKS[rule.validator].checksummed
        if checksummed:
            assert properties["precision"] == "very-high"
        elif "generic" in rule.tags:
            assert properties["precision"] == "medium"
        else:
            assert properties["precision"] == "high"
        band = {"critical": (9.0, 10.0), "high": (7.0, 8.9), "medium": (4.0, 6.9)}
        low, high = band.get(rule.severity, (0.1, 3.9))
        assert low <= score <= high, rule.id


def test_security_severity_ranks_validated_tokens_higher() -> None:
    plain = make_rule("plain", "critical")
    shaped = make_rule("shaped", "critical", validator="jwt")
    summed = make_rule("summed", "critical", validator="github_crc32")
    scores = [float(sarif_report.security_severity(r)) for r in (plain, shaped, summed)]
    assert scores[0] >= 9.5 and scores[0] < scores[1] < scores[2] <= 10
    assert sarif_report.security_severity(make_rule("h", "high")) == "8.0"
    assert sarif_report.security_severity(make_rule("m", "medium")) == "5.5"
    assert sarif_report.security_severity(make_rule("l", "low")) == "3.0"


def test_without_the_rule_list_the_rules_of_findings_are_listed() -> None:
    a, b = make_rule("alpha-key", "high"), make_rule("beta-key", "low")
    finding = make_finding(b, "missing/file.txt", 3, token(seed=71))
    document = sarif_report.document(Report(result_of([finding]), Policy()))
    assert [r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]] == ["beta-key"]
    listed = sarif_report.document(Report(result_of([finding]), Policy(), rules=(b, a)))
    driver_rules = listed["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in driver_rules] == ["alpha-key", "beta-key"]
    assert results(listed)[0]["ruleIndex"] == 1


# ---------------------------------------------------------------------------------------------
# History findings, limits
# ---------------------------------------------------------------------------------------------


def history_report(show_suppressed: bool = True) -> tuple[Report, list[str]]:
    critical = make_rule("acme-api-key", "critical", validator="github_crc32")
    medium = make_rule("generic-thing", "medium", tags=("generic",), pack="generic")
    secrets = [token(seed=81), token(seed=82), token(seed=83)]
    commit_a = InCommit(Commit("a" * 40, author="Dev One <one@example.invalid>", date="2024-05-01"))
    commit_b = InCommit(Commit("b" * 40))
    findings = [
        make_finding(medium, "src/z.py", 9, secrets[1], origin=commit_b, confidence="medium"),
        make_finding(critical, "src/a b.py", 2, secrets[0], origin=commit_a),
        make_finding(
            critical, "keys/k.pem", 1, secrets[2], end_line=4, end_column=3, origin=commit_a
        ),
    ]
    suppressed = [
        make_finding(
            medium, "src/z.py", 1, secrets[1], origin=commit_b, suppressed="stopword", column=1
        )
    ]
    report = Report(
        result_of(findings, suppressed),
        Policy(),
        show_suppressed=show_suppressed,
        kind="history",
        rules=(medium, critical),
    )
    return report, secrets


def test_history_is_valid(validate: Any) -> None:
    validate(sarif_report.document(history_report()[0]))


def test_history_golden() -> None:
    report, secrets = history_report()
    document = sarif_report.document(report)
    run = document["runs"][0]
    assert run["automationDetails"]["id"] == "pat-scan/history/"
    for result in run["results"]:
        assert "primaryLocationLineHash" not in result["partialFingerprints"]
        assert result["properties"]["commit"]["sha"]
    first = next(r for r in run["results"] if r["ruleId"] == "acme-api-key")
    assert first["properties"]["commit"] == {
        "author": "Dev One <one@example.invalid>",
        "date": "2024-05-01",
        "sha": "a" * 40,
    }
    assert "in commit aaaaaaaaaaaa" in first["message"]["text"]
    check_golden("history.sarif", document, secrets)


def test_history_command(repo: Path, cli: Any, validate: Any) -> None:
    secret = token(seed=111)
    (repo / "a.py").write_text(f"T = '{secret}'\n")
    git(repo, "add", "a.py")
    git(repo, "commit", "-q", "-m", f"add the key {token(seed=112)}")
    (repo / "a.py").write_text("T = None\n")
    git(repo, "commit", "-q", "-am", "remove it")
    run = cli("history", "--format", "sarif", cwd=repo)
    assert run.code == 1 and secret not in run.out
    document = sarif_of(run)
    assert document["runs"][0]["automationDetails"]["id"] == "pat-scan/history/"
    found = results(document)
    assert {r["ruleId"] for r in found} == {"github-pat-classic"} and len(found) == 2
    for result in found:
        assert "primaryLocationLineHash" not in result["partialFingerprints"]
        assert len(result["properties"]["commit"]["sha"]) == 40
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in found}
    assert "a.py" in uris
    validate(document)


def test_truncated_to_the_most_severe(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], validate: Any
) -> None:
    monkeypatch.setattr(sarif_report, "MAX_RESULTS", 2)
    report, _ = history_report(show_suppressed=False)
    document = sarif_report.document(report)
    run = document["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["acme-api-key", "acme-api-key"]
    assert run["properties"]["truncated"] is True
    assert run["properties"]["totalResults"] == 3
    assert "2 most severe of 3" in capsys.readouterr().err
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert "2 most severe of 3" in notes[0]["message"]["text"]
    validate(document)


def test_truncation_prefers_confidence_within_a_severity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif_report, "MAX_RESULTS", 1)
    rule = make_rule("acme-api-key", "high")
    low = make_finding(rule, "a.py", 1, token(seed=91), confidence="low")
    high = make_finding(rule, "b.py", 1, token(seed=92), confidence="high")
    document = sarif_report.document(Report(result_of([low, high]), Policy()))
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in
            results(document)] == ["b.py"]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Never the secret, in any format
# ---------------------------------------------------------------------------------------------

KINDS = [
    ("github_crc32", "ghp_", "GITHUB_TOKEN = '{}'"),
    ("github_crc32", "gho_", "oauth: {}"),
    ("npm_crc32", "npm_", "//registry.npmjs.org/:_authToken={}"),
    ("gitlab_routable_crc", "glpat-", 'gitlab_token = "{}"'),
    ("aws_key_id", "", "aws_access_key_id = {}"),
]
GENERIC = "password = '{}'"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(KINDS),
    seed=st.integers(min_value=0, max_value=2**32),
    password=st.text(string.ascii_letters + string.digits + "!#%&*+-", min_size=12, max_size=40),
    redact_none=st.booleans(),
)
def test_no_format_ever_writes_the_secret(
    kind: tuple[str, str, str], seed: int, password: str, redact_none: bool
) -> None:
    check, arg, template = kind
    secret = token(check, arg, seed=seed)
    password = "Pw9!" + password  # '!' never occurs in a report's own words, hashes or paths
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "config.py").write_text(
            template.format(secret) + "\n" + GENERIC.format(password) + "\n"
        )
        for name in FORMATS:
            if redact_none and name != "sarif":
                continue  # --redact none prints secrets in text and JSON on purpose
            out = root / f"report.{name}"
            argv = ["scan", "--format", name, "--output", str(out), "--no-git"]
            argv += ["--redact", "none"] if redact_none else []
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                code = main([*argv, str(root / "config.py")])
            assert code == 1, stderr.getvalue()
            text = out.read_text(encoding="utf-8")
            for value in (secret, password):
                assert value not in text
                assert value not in stderr.getvalue()
                if name != "text":  # not hidden behind JSON escapes either
                    assert not [s for s in strings_in(json.loads(text)) if value in s]


def test_messages_use_the_redacted_prefix_even_with_redact_none(repo: Path, cli: Any) -> None:
    secret = token(seed=101)
    (repo / "a.py").write_text(f"T = '{secret}'\n")
    run = cli("scan", "--format", "sarif", "--redact", "none", ".", cwd=repo)
    assert secret not in run.out
    [result] = results(sarif_of(run))
    assert redact(secret) in result["message"]["text"]


# ---------------------------------------------------------------------------------------------
# CI files: they parse, and every pat-scan command line in them is a real one
# ---------------------------------------------------------------------------------------------

CI_FILES = ["action.yml", "examples/github-workflow.yml", "examples/gitlab-ci.yml"]
_OPERATORS = {"||", "&&", ";", ";;", "|", ">", ">>", "<", "&", ")"}
# Words that follow "pat-scan" in the CI files' prose ("pat-scan reports blocking findings"). A
# word there that is neither one of these nor a subcommand (a typo such as `pat-scan scna`)
# fails test_ci_files_name_only_known_commands.
PROSE_WORDS = {"and", "arguments", "as", "reports", "uses"}
_PAT_SCAN_WORD = re.compile(r"(?<![\w/.:`-])pat-scan +(?P<command>[a-z][a-z-]*)\b[^\n]*")


def words_after_pat_scan(text: str) -> list[str]:
    """The word after every `pat-scan ` in a file: a subcommand, or prose."""
    return [match.group("command") for match in _PAT_SCAN_WORD.finditer(text)]


def command_lines(text: str) -> list[list[str]]:
    """Every `pat-scan SUBCOMMAND ...` in a file, as argv after `pat-scan`, with shell variables
    standing for option values replaced and bare ones (extra arguments) dropped."""
    commands = []
    for match in _PAT_SCAN_WORD.finditer(text):
        if match.group("command") not in KNOWN_COMMANDS:
            continue  # prose, such as "pat-scan reports blocking findings": see PROSE_WORDS
        lexer = shlex.shlex(match.group(0), posix=True, punctuation_chars=";&|<>()")
        lexer.whitespace_split = True
        words = list(lexer)[1:]
        argv: list[str] = []
        for word in words:
            if word in _OPERATORS:
                break
            if "$" in word:
                if argv and argv[-1].startswith("--") and "=" not in argv[-1]:
                    argv.append("value")
                continue
            argv.append(word)
        commands.append(argv)
    return commands


def _subcommands() -> list[str]:
    import argparse

    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    raise AssertionError("no subcommands")


KNOWN_COMMANDS = _subcommands()


def action_steps(workflow: dict[str, Any]) -> list[list[str]]:
    """`with:` inputs of steps that use the pat-scan action, as the argv it would run."""
    found = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "/pat-scan@" in step.get("uses", ""):
                inputs = step.get("with", {})
                argv = [inputs.get("mode", "scan"), "--format", "sarif", "--output", "x.sarif"]
                found.append(argv + shlex.split(str(inputs.get("args", ""))))
    return found


@pytest.mark.parametrize("name", CI_FILES)
def test_ci_files_parse_and_use_real_options(name: str) -> None:
    text = (REPO_ROOT / name).read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert isinstance(document, dict)
    commands = command_lines(text)
    if name.endswith("github-workflow.yml"):
        commands += action_steps(document)
    assert commands, f"no pat-scan command found in {name}"
    parser = build_parser()
    for argv in commands:
        args = parser.parse_args(argv)
        if "--format" in argv:
            assert args.format in FORMATS


def test_ci_files_name_only_known_commands() -> None:
    words: set[str] = set()
    for name in CI_FILES:
        words.update(words_after_pat_scan((REPO_ROOT / name).read_text(encoding="utf-8")))
    assert words - set(KNOWN_COMMANDS) == PROSE_WORDS
    assert {"scan", "history"} <= words  # the commands the action and the examples run


def test_words_after_pat_scan_tell_typos_from_commands() -> None:
    text = "run: pat-scan scna --format sarif\n# pat-scan reports\npat-scan install-hook\n"
    assert words_after_pat_scan(text) == ["scna", "reports", "install-hook"]
    assert command_lines(text) == [["install-hook"]]


def test_action_installs_from_its_own_checkout_and_uploads() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"mode", "args", "sarif-file", "fail"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    scripts = "\n".join(str(s.get("env", "")) + s.get("run", "") for s in steps)
    assert "github.action_path" in scripts and "pip install" in scripts
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    # Inputs go through env, never straight into a script (script injection).
    for step in steps:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_action_fetches_a_shallow_checkout_whole_before_a_history_scan(
    repo: Path, tmp_path: Path
) -> None:
    """Before: with actions/checkout's default depth of 1, history mode uploaded a report of
    the last commit only, as if it were the whole history."""
    import subprocess
    import sys

    from tests.helpers import commit_files

    commit_files(repo, {"a.py": f"A = '{token(seed=71)}'\n"})
    commit_files(repo, {"a.py": "clean\n", "b.py": f"B = '{token(seed=72)}'\n"})
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(checkout))
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    [scan] = [step for step in action["runs"]["steps"] if step.get("id") == "scan"]
    outputs = tmp_path / "outputs"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PAT_SCAN_MODE": "history",
        "PAT_SCAN_ARGS": "",
        "PAT_SCAN_SARIF": str(tmp_path / "report.sarif"),
        "GITHUB_OUTPUT": str(outputs),
    }
    done = subprocess.run(
        ["bash", "-c", scan["run"]], cwd=checkout, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    document = json.loads((tmp_path / "report.sarif").read_text())
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results(document)
    } == {"a.py", "b.py"}
    assert "exit-code=1" in outputs.read_text()
