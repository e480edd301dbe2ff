"""What the credential judge looks at: the path's scope, the key, the value and the line."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from typing import NamedTuple

from pat_scan import caseless
from pat_scan.engine.entropy import shannon
from pat_scan.engine.scopes import SCOPES, path_scope

# ---------------------------------------------------------------------------------------------
# Features of one candidate: numbers by name, all computed here, so the shipped model holds only
# feature names, the vocabulary, thresholds and tree weights.
# ---------------------------------------------------------------------------------------------


class _Words:
    """Whether text holds any of some words, in any case: a substring test per word on the
    text lowered (an alternation regex tried at every character cost 20-50 us a line); the
    regex for text where that is not exact (see caseless.lowered)."""

    __slots__ = ("_pattern", "_words")

    def __init__(self, *words: str) -> None:
        self._words = tuple(word.lower() for word in words)
        self._pattern = re.compile("|".join(map(re.escape, words)), re.I)

    def search(self, text: str) -> bool:
        lower = caseless.lowered(text)
        if lower is not None:
            return any(map(lower.__contains__, self._words))
        return self._pattern.search(text) is not None


class _Lowered:
    """Whether a case-insensitive regex, written in lower case, matches: run on the text lowered
    as a case-sensitive regex with its word lists nested by shared prefixes (the engine then
    tries one branch, not every word, at each character); the case-insensitive regex for text
    where that is not exact (see caseless.lowered)."""

    __slots__ = ("_any", "_lowered")

    def __init__(self, pattern: str) -> None:
        from pat_scan.engine.matcher import factor_alternations

        self._lowered = re.compile(factor_alternations(pattern))
        self._any = re.compile(pattern, re.I)

    def search(self, text: str) -> bool:
        lower = caseless.lowered(text)
        if lower is not None:
            return self._lowered.search(lower) is not None
        return self._any.search(text) is not None


_KEY_CLASSES = (
    ("password", re.compile(r"pass(?:wd|word|phrase)?|pwd|pword|passwort|senha|mot_?de", re.I)),
    ("secret", re.compile(r"secret", re.I)),
    ("token", re.compile(r"token", re.I)),
    ("api", re.compile(r"api[_.-]?key|apikey|x-api", re.I)),
    ("auth", re.compile(r"auth|bearer|basic", re.I)),
    ("credential", re.compile(r"cred", re.I)),
    ("private", re.compile(r"private|priv[_.-]?key", re.I)),
    ("key", re.compile(r"key", re.I)),
    ("salt", re.compile(r"salt|nonce|seed|iv\b", re.I)),
)  # fmt: skip
# Words in a key name that make it about a credential, not the credential itself.
_KEY_ABOUT = _Lowered(
    r"(?:name|file|path|dir|url|uri|endpoint|type|kind|field|label|length|len|size|policy|"
    r"regex|pattern|format|hash|digest|ids|prefix|suffix|header|param|env|var|"
    r"ref|arn|version|expire|expiry|ttl|timeout|count|min|max|hint|prompt|placeholder|"
    r"message|msg|error|text|title|desc|help|enabled|required|store|provider|manager|class|"
    r"mode|method|flag|option|column|attr|property|event|action|route|template|"
    r"public|cert|fingerprint|checksum|md5|sha)|id(?![a-z])|key_?id|pub_?key"
)
_KEY_CRED_PREFIX = _Lowered(
    r"(?:consumer|client|app|access|api|secret|master|signing|encryption|encrypt|private|auth|"
    r"hmac|aes|license|account|service|session|shared|admin|root|db|database|mysql|postgres|"
    r"redis|smtp|mail|ftp|ldap|jwt|oauth)[_.-]?(?:key|pass|pwd|secret|token)"
)
_KEY_END = re.compile(r"(?:key|pass|passwd|password|pwd|secret|token|auth|credentials?)$", re.I)
# Words of a key name, each a feature of its own (the list is fixed: it is part of the model).
KEY_WORDS = (
    "pass", "password", "passwd", "pwd", "secret", "token", "key", "api", "auth", "access",
    "refresh", "client", "consumer", "private", "public", "session", "csrf", "xsrf", "id",
    "name", "hash", "salt", "seed", "nonce", "iv", "sig", "signature", "cert", "ssh", "aws",
    "db", "database", "user", "admin", "root", "test", "mock", "fake", "example", "default",
    "old", "new", "confirm", "current", "hint", "label", "field", "input", "master", "encryption",
    "signing", "jwt", "oauth", "bearer", "basic", "app", "account", "service", "smtp", "mail",
    "redis", "mysql", "postgres", "ldap", "ftp", "proxy", "store", "trust", "keystore", "ca",
)  # fmt: skip
EXTENSIONS = (
    "py", "js", "ts", "go", "java", "kt", "rb", "php", "cs", "c", "cpp", "swift", "scala", "rs",
    "yml", "yaml", "json", "xml", "properties", "env", "ini", "cfg", "conf", "toml", "tf",
    "gradle", "md", "rst", "txt", "html", "sh", "ps1", "sql", "dockerfile", "resx", "config",
)  # fmt: skip
_LOCALE_PATH = re.compile(
    r"(?:^|/)(?:locales?|i18n|l10n|lang|langs|languages|translations?|messages)/|\.(?:po|pot|xlf|"
    r"xliff|strings|resx)$|(?:^|/)[a-z]{2}(?:[-_][A-Za-z]{2})?\.(?:ya?ml|json|properties)$",
    re.I,
)
_KEY_SPLIT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_CODE_EXT = frozenset(
    [
        "py",
        "js",
        "jsx",
        "ts",
        "tsx",
        "mjs",
        "cjs",
        "go",
        "java",
        "kt",
        "kts",
        "scala",
        "groovy",
        "rb",
        "php",
        "cs",
        "vb",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "m",
        "mm",
        "swift",
        "rs",
        "dart",
        "lua",
        "pl",
        "pm",
        "r",
        "ex",
        "exs",
        "erl",
        "hs",
        "clj",
        "fs",
    ]
)
_CONFIG_EXT = frozenset(
    [
        "yml",
        "yaml",
        "json",
        "toml",
        "ini",
        "cfg",
        "conf",
        "config",
        "properties",
        "env",
        "xml",
        "plist",
        "tf",
        "tfvars",
        "hcl",
        "gradle",
        "sbt",
        "cnf",
        "npmrc",
        "pypirc",
        "netrc",
        "pgpass",
        "htpasswd",
    ]
)
_DOC_EXT = frozenset(
    ["md", "markdown", "rst", "txt", "adoc", "asciidoc", "html", "htm", "tex", "org", "ipynb"]
)
_SHELL_EXT = frozenset(
    ["sh", "bash", "zsh", "fish", "ps1", "psm1", "bat", "cmd", "dockerfile", "mk", "makefile"]
)
_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]{2,}(?![a-z])|[a-z]+")
_PLACEHOLDER_HINT = _Words(
    "example",
    "sample",
    "dummy",
    "fake",
    "test",
    "mock",
    "demo",
    "placeholder",
    "changeme",
    "xxx",
    "your",
    "secret",
    "password",
    "passwd",
    "foo",
    "bar",
    "baz",
    "qux",
    "abc",
    "admin",
    "root",
    "user",
    "guest",
    "default",
    "todo",
    "insert",
    "replace",
    "here",
)
# Looser than placeholders' references (those are suppressed before the judge sees them), but
# only forms that name something: `${e]x` and `{{h}` inside a random value are chance.
_REFERENCE_HINT = re.compile(
    r"\$\{\{?\s*[A-Za-z_][\w.\[\]'\"-]*\s*[}:=?|-]|\$\([A-Za-z_]|^\\?\$[A-Za-z_]\w*|%[A-Za-z_]+%"
    r"|%\{\w|#\{\w|\{\{[^{}\n]{1,100}\}\}"
    r"|\[\[|@@\w|\{\.\w|^<[A-Za-z_]|!Ref|valueFrom|vault:|ssm:|secretsmanager|ENC\(|ENC\[|\{cipher\}"
    r"|getenv|environ|process\.env"
)
_COMMENT_START = re.compile(r"^\s*(?:#|//|/\*|\*|<!--|--|;|rem\s|')", re.I)
_TEST_WORDS = _Words(
    "assert", "expect", "should", "mock", "stub", "fake", "fixture", "test", "spec", "verify"
)
_EXAMPLE_WORDS = _Words("example", "sample", "e.g.", "for instance", "placeholder", "demo")
_USER_WORDS = _Words("user", "login", "account", "email", "host")
_CRED_WORDS = _Words("pass", "secret", "token", "key", "auth")
_PATH_TEST_WORDS = _Words("test", "spec", "mock", "fixture", "fake", "stub")
# The line's form.
_SQL = _Lowered(r"identified\s+by|password\s*\(|create\s+user|alter\s+user")
_HEADER = _Lowered(r"authorization|x-api-key|bearer|basic\s")
_COMPARISON_WORDS = ("==", "!=", "assert", "expect", "toBe", "should")
_EQUALS_OR_IS = re.compile(r"\bequals\b|\bis\b")
_CLI_FLAG = re.compile(r"(?:^|\s)--?[A-Za-z][\w-]*[ =]?[\"']?$")
_USERINFO = re.compile(r"://[^/\s:@]*:?$")
_CONTINUES = re.compile(r"\s*[+.]\s*[A-Za-z_(\"']")
_CLOSES_CALL = re.compile(r"[\"'`]?\s*\)")
# The value's and the key's form.
_DIGIT_RUN = re.compile(r"\d+")
_ENDS_WITH_DIGITS = re.compile(r"[A-Za-z]\d{1,4}$")
_UPPER_WORD = re.compile(r"^[A-Z][a-z]+")
_HEX_LITERAL = re.compile(r"^0x[0-9a-fA-F]+$")
_REPEATS = re.compile(r"(.)\1*")
_CRED_NAME = re.compile(r"(?i)pass(?:word|wd)?|secret|token|key")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(?:[.:][A-Za-z_$][A-Za-z0-9_$]*)*(?:\(\))?$")
_SNAKE_OR_KEBAB = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+$")
_CAMEL = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]+)+$|^(?:[A-Z][a-z0-9]+){2,}$")
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_PATHLIKE = re.compile(
    r"^(?:\.{0,2}/|~/|[A-Za-z]:\\)|[\\/][\w.-]+\.[A-Za-z0-9]{1,5}$|^[\w.-]+/[\w./-]+$"
)
_URLLIKE = re.compile(r"^[a-z][a-z0-9+.-]{1,15}://", re.I)
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+\.[\w.-]+$")
_NUMBERISH = re.compile(r"^[0-9.,:_ -]+$")
_VERSION = re.compile(r"^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$")
_CRYPT = re.compile(r"^\$(?:2[abxy]?|1|5|6|apr1|argon2(?:id|i|d)?|pbkdf2[\w-]*|scrypt|y|7)\$")


_SHAPES = (
    ("is_hex", _HEX),
    ("is_base64", _BASE64),
    ("is_uuid", _UUID),
    ("is_identifier", _IDENTIFIER),
    ("is_snake_kebab", _SNAKE_OR_KEBAB),
    ("is_camel", _CAMEL),
    ("is_constant", _CONSTANT),
    ("is_path", _PATHLIKE),
    ("is_url", _URLLIKE),
    ("is_email", _EMAIL),
    ("is_number", _NUMBERISH),
    ("is_version", _VERSION),
    ("is_crypt", _CRYPT),
)


# How far from a secret the line it is on is looked for: a minified file's megabyte-long line
# with many candidates must not cost a search back to its start for each (linear, not quadratic).
REACH = 4096
CONTEXT_CHARS = 400  # each line of a candidate is cut to this
_BEFORE = 300  # of a long line, bytes kept before the secret (the key and its separator)


class Candidate(NamedTuple):
    rule_id: str
    tags: tuple[str, ...]
    secret: str
    line: str  # the secret's line, or of a long one the part around the secret
    column: int  # where the secret starts in `line` (characters)
    path: str
    before: str  # the line before, and after (context)
    after: str
    clipped: bool = False  # `line` does not start where the line does


def candidate(
    rule_id: str, tags: tuple[str, ...], data: bytes, start: int, end: int, path: str
) -> Candidate:
    """The candidate whose secret is data[start:end] in the file `path`, with its line (of a
    line longer than CONTEXT_CHARS, the part from _BEFORE bytes before the secret) and the lines
    around it (each cut to CONTEXT_CHARS characters; a line longer than REACH before or after
    the secret is taken as starting or ending there)."""
    line_start = _line_start(data, start)
    line_end = _line_end(data, start)
    first = line_start == 0 or data[line_start - 1] != 0x0A  # no line before (in reach)
    last = line_end >= len(data) or data[line_end] != 0x0A
    long_line = line_end - line_start > CONTEXT_CHARS
    shown = max(line_start, start - _BEFORE) if long_line else line_start

    def text(a: int, b: int) -> str:
        return data[a : min(b, a + CONTEXT_CHARS)].decode("utf-8", "replace")

    return Candidate(
        rule_id=rule_id,
        tags=tags,
        secret=data[start:end].decode("utf-8", "replace"),
        line=text(shown, line_end),
        column=len(data[shown:start].decode("utf-8", "replace")),
        path=path,
        before="" if first else text(_line_start(data, line_start - 1), line_start - 1),
        after="" if last else text(line_end + 1, _line_end(data, line_end + 1)),
        clipped=shown > line_start,
    )


def _line_start(data: bytes, offset: int) -> int:
    """Where the line holding `offset` starts, looking back at most REACH bytes."""
    floor = max(0, offset - REACH)
    return data.rfind(b"\n", floor, offset) + 1 or floor


def _line_end(data: bytes, offset: int) -> int:
    """Where the line holding `offset` ends (its newline), looking at most REACH bytes on."""
    ceiling = min(len(data), offset + REACH)
    found = data.find(b"\n", offset, ceiling)
    return ceiling if found == -1 else found


# A literal wrapped in a call after the assignment: `= Some("`, `= []byte("`, `: String(b'`.
_WRAPPED = re.compile(r"(?:[:=]|=>)\s*((?:\[\])?[A-Za-z_][\w.]{0,40}\(\s*[bBuUrR]?[\"'`])$")
_KEY_BEFORE = re.compile(
    r"([A-Za-z0-9_.\-\[\]\"'$@]{1,80})[\"'`\]]?\s*(?:===?|!==?|[:=]|=>|:=|,|\(|\s)\s*"
    r"[\"'`(\[]{0,2}\s*$"
)


def _head(candidate: Candidate) -> tuple[str, bool]:
    """(the line before the value, unescaped and without a call around the value; whether
    there was one)."""
    head = candidate.line[: candidate.column].replace('\\"', '"').replace("\\'", "'")
    wrapped = _WRAPPED.search(head)
    if wrapped is None:
        return head, False
    return head[: wrapped.start(1)] + head[-1], True


_WHITESPACE = re.compile(r"\s+")
# The most a _KEY_BEFORE match spans once each whitespace run is one space: an 80-character
# name, then a quote, a space, a 3-character separator, a space, two quotes and a space.
_KEY_REACH = 80 + 9


def _key_of(head: str) -> str:
    """The name the value is assigned to (or compared with): the word-ish run before the
    separator. _KEY_BEFORE treats a run of whitespace as it would one space and its name holds
    none, so it runs on the head's end with each run made one space: the same name, without
    its whitespace quantifiers splitting a long run every way (300 spaces before '=' took a
    second)."""
    match = _KEY_BEFORE.search(_WHITESPACE.sub(" ", head)[-_KEY_REACH:])
    return match.group(1).strip("\"'[]$@") if match else head[-40:]


def _word_coverage(value: str, vocabulary: frozenset[str]) -> tuple[float, int]:
    """(share of the value's letters inside dictionary words of 3+ letters, words found)."""
    letters = sum(c.isalpha() for c in value)
    if not letters or not vocabulary:
        return 0.0, 0
    covered = found = 0
    for word in _WORD.findall(value):
        lowered = word.lower()
        if len(lowered) >= 3 and lowered in vocabulary:
            covered += len(word)
            found += 1
        elif len(lowered) >= 6:  # a long run: look for dictionary words inside it
            i = 0
            while i < len(lowered) - 2:
                for size in range(min(12, len(lowered) - i), 2, -1):
                    if lowered[i : i + size] in vocabulary:
                        covered += size
                        found += 1
                        i += size
                        break
                else:
                    i += 1
    return min(covered / letters, 1.0), found


def _counting_run(characters: Iterable[str]) -> int:
    """The longest run of characters that each follow the one before (`abcd`, `1234`, also
    among the letters of `a1b2c3d4`): long runs are typed, not generated."""
    longest = run = 0
    previous = -2
    for character in characters:
        code = ord(character)
        run = run + 1 if code == previous + 1 else 1
        longest = max(longest, run)
        previous = code
    return longest


# One-hot features, all 0 until the candidate's are set (a formatted name per feature per
# candidate cost a fifth of the judge's time).
_KEY_WORD_SET = frozenset(KEY_WORDS)
_NO_KEY_WORD = dict.fromkeys((f"keyword_{word}" for word in KEY_WORDS), 0.0)
_SCOPE_SET = frozenset(SCOPES)
_EXTENSION_SET = frozenset(EXTENSIONS)
_NO_SCOPE_OR_EXTENSION = {
    **dict.fromkeys((f"scope_{name}" for name in SCOPES), 0.0),
    **dict.fromkeys((f"ext_is_{known}" for known in EXTENSIONS), 0.0),
}
_ASCII_CASE_CHANGE = re.compile(r"(?=[a-z][A-Z]|[A-Z][a-z])")
_TWICE = re.compile(r"(.)\1")


def _case_changes(value: str) -> int:
    """How many neighbouring letters differ in case: a regex in ASCII, else pair by pair."""
    if value.isascii():
        return len(_ASCII_CASE_CHANGE.findall(value))
    return sum(
        1
        for a, b in itertools.pairwise(value)
        if a.isalpha() and b.isalpha() and a.islower() != b.islower()
    )


def _longest_repeat(value: str) -> int:
    """The longest run of one character (line breaks aside); most values have none of two."""
    if _TWICE.search(value) is None:
        return 1 if value.strip("\n") else 0
    return max((len(m.group(0)) for m in _REPEATS.finditer(value)), default=0)


def _extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    if "." not in name.strip("."):
        return name.lstrip(".")
    return name.rsplit(".", 1)[-1]


def features(candidate: Candidate, vocabulary: frozenset[str]) -> dict[str, float]:
    """The candidate's features by name (absent names are 0)."""
    value = candidate.secret
    length = len(value)
    f: dict[str, float] = {}
    f["len"] = float(length)
    f["log_len"] = math.log2(length + 1)
    lower = sum(map(str.islower, value))
    upper = sum(map(str.isupper, value))
    digits = sum(map(str.isdigit, value))
    other = length - lower - upper - digits
    for name, count in (("lower", lower), ("upper", upper), ("digit", digits), ("other", other)):
        f[f"frac_{name}"] = count / length if length else 0.0
        f[f"has_{name}"] = float(count > 0)
    f["classes"] = float(sum(n > 0 for n in (lower, upper, digits, other)))
    entropy = shannon(value)
    f["entropy"] = entropy
    f["entropy_ratio"] = entropy / math.log2(length) if length > 1 else 0.0
    f["distinct_ratio"] = len(set(value)) / length if length else 0.0
    f["has_space"] = float(" " in value)
    coverage, words = _word_coverage(value, vocabulary)
    f["word_coverage"] = coverage
    f["words"] = float(words)
    f["case_changes"] = _case_changes(value) / max(length, 1)
    f["digit_runs"] = float(len(_DIGIT_RUN.findall(value)))
    for name, pattern in _SHAPES:
        f[name] = float(bool(pattern.search(value)))
    f["has_reference"] = float(bool(_REFERENCE_HINT.search(value)))
    f["has_dollar"] = float("$" in value)
    f["placeholder_hint"] = float(_PLACEHOLDER_HINT.search(value))
    f["ends_with_digits"] = float(bool(_ENDS_WITH_DIGITS.search(value)))
    f["starts_upper_word"] = float(bool(_UPPER_WORD.match(value)))
    f["dots"] = float(value.count("."))
    f["jwt_like"] = float(value.startswith("eyJ") and value.count(".") >= 1)
    f["is_hex_literal"] = float(bool(_HEX_LITERAL.match(value)))
    f["is_single_word"] = float(value.isalpha() and value.lower() in vocabulary)
    f["value_words"] = float(len(_WORD.findall(value)))
    f["has_equals_pad"] = float(value.endswith("="))
    f["repeated_run"] = float(_longest_repeat(value))
    lowered = value.lower()
    f["letter_sequence"] = float(_counting_run(filter(str.isalpha, lowered)))
    f["digit_sequence"] = float(_counting_run(filter(str.isdigit, lowered)))
    # The key.
    head, wrapped = _head(candidate)
    key = _key_of(head)
    f["key_len"] = float(len(key))
    for name, pattern in _KEY_CLASSES:
        f[f"key_{name}"] = float(bool(pattern.search(key)))
    f["key_about"] = float(_KEY_ABOUT.search(_CRED_NAME.sub(" ", key)))
    f["key_upper"] = float(key.isupper())
    key_words = {w.lower() for w in _KEY_SPLIT.findall(key)}
    f.update(_NO_KEY_WORD)
    for word in key_words & _KEY_WORD_SET:
        f["keyword_" + word] = 1.0
    f["key_words"] = float(len(key_words))
    f["key_cred_prefix"] = float(_KEY_CRED_PREFIX.search(key))
    f["key_ends_cred"] = float(bool(_KEY_END.search(key)))
    f["key_dotted"] = float("." in key)
    f["value_in_key"] = float(bool(value) and value.lower() in key.lower())
    f["key_in_value"] = float(bool(key) and len(key) >= 3 and key.lower() in value.lower())
    # The line.
    line = candidate.line
    raw_head = line[: candidate.column]
    tail = line[candidate.column + length :]
    stripped = head.rstrip()
    f["quoted"] = float(bool(stripped) and stripped[-1] in "\"'`")
    f["quote_double"] = float(stripped.endswith('"'))
    f["in_brackets"] = float(stripped.endswith(("(", "[", "{")))
    sep = head.rstrip(" \t\"'`")
    f["sep_is_colon"] = float(sep.endswith(":"))
    f["sep_is_equals"] = float(sep.endswith("=") and not sep.endswith(("==", "!=", "=>")))
    f["sep_is_arrow"] = float(sep.endswith("=>"))
    f["sep_is_call"] = float(sep.endswith(("(", ",")))
    f["sep_is_space"] = float(bool(sep) and sep[-1].isalnum())
    f["comparison"] = float(
        any(map(line.__contains__, _COMPARISON_WORDS)) or bool(_EQUALS_OR_IS.search(line))
    )
    f["comment"] = float(not candidate.clipped and bool(_COMMENT_START.match(line)))
    f["clipped"] = float(candidate.clipped)
    f["wrapped"] = float(wrapped)
    f["escaped_quote"] = float("\\" in raw_head[-4:])
    f["cli_flag"] = float(bool(_CLI_FLAG.search(head)))
    f["url_userinfo"] = float(bool(_USERINFO.search(head)) or "@" in tail[:2])
    f["sql"] = float(_SQL.search(line))
    f["header"] = float(_HEADER.search(head))
    f["line_len"] = math.log2(len(line) + 1)
    f["head_len"] = float(len(head.strip()))
    f["tail_len"] = float(len(tail.strip()))
    f["tail_continues"] = float(bool(_CONTINUES.match(tail)))
    f["tail_call"] = float(bool(_CLOSES_CALL.match(tail)))
    f["line_test_words"] = float(_TEST_WORDS.search(line))
    f["line_example_words"] = float(_EXAMPLE_WORDS.search(line))
    context = candidate.before + "\n" + candidate.after
    f["context_user"] = float(_USER_WORDS.search(context))
    f["context_test"] = float(_TEST_WORDS.search(context))
    f["context_example"] = float(_EXAMPLE_WORDS.search(context))
    f["context_cred"] = float(_CRED_WORDS.search(context))
    # The file.
    scope = path_scope(candidate.path)
    f.update(_NO_SCOPE_OR_EXTENSION)
    if scope in _SCOPE_SET:
        f["scope_" + scope] = 1.0
    ext = _extension(candidate.path)
    if ext in _EXTENSION_SET:
        f["ext_is_" + ext] = 1.0
    f["path_locale"] = float(bool(_LOCALE_PATH.search(candidate.path)))
    f["path_depth"] = float(candidate.path.count("/"))
    f["ext_code"] = float(ext in _CODE_EXT)
    f["ext_config"] = float(ext in _CONFIG_EXT or "env" in ext.split("."))
    f["ext_doc"] = float(ext in _DOC_EXT)
    f["ext_shell"] = float(ext in _SHELL_EXT)
    f["path_test_word"] = float(_PATH_TEST_WORDS.search(candidate.path))
    # The rule.
    f["rule_generic"] = float("generic" in candidate.tags)
    for family in ("password", "secret", "api-key", "token", "bearer-token", "auth", "key",
                   "url", "private-key", "netrc"):  # fmt: skip
        f[f"rule_{family}"] = float(family in candidate.tags)
    return f
