"""Deterministic source-text corpus with a few planted credentials, for benchmarks and tests.

The text looks like a mixed code base: Python, JavaScript, YAML and JSON files made of imports,
assignments, calls, comments, URLs, UUIDs, hashes and base64 blobs, plus lines that carry the
words secret scanners key on (``password_field = get_password()``, ``token_url = ...``) without a
credential in them. A small, known number of valid-looking credentials is planted; each is made at
run time by a generator in :mod:`pat_scan.validators`, so no literal token lives in this file.

Everything is a function of ``seed`` (and the size arguments): the same call gives the same bytes
on every machine. Stdlib only, and fast: lines are drawn from a pool built once per call, so a
20 MB corpus takes about 0.1 s.

A "MB" here is 10**6 bytes, as in the benchmarks' MB/s.
"""

from __future__ import annotations

import argparse
import base64
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pat_scan.validators import CHECKS

__all__ = [
    "DEFAULT_SECRETS",
    "MB",
    "Corpus",
    "Planted",
    "generate",
    "generate_text",
    "write_tree",
]

MB = 1_000_000
DEFAULT_SECRETS = 12  # planted credentials per corpus, whatever its size

# (validator check, generator argument, rule id that should report it)
_PLANT_KINDS: tuple[tuple[str, str, str], ...] = (
    ("github_crc32", "ghp_", "github-pat-classic"),
    ("aws_key_id", "AKIA", "aws-access-key-id"),
    ("github_crc32", "gho_", "github-oauth-token"),
    ("azure_storage_key", "", "azure-storage-connection-string"),
    ("github_crc32", "ghs_", "github-server-to-server-token"),
    ("github_crc32", "ghu_", "github-user-to-server-token"),
)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_LANGUAGES = ("py", "js", "yaml", "json")
_LANGUAGE_WEIGHTS = (40, 30, 15, 15)

_WORDS = _split(
    "account address agent alert archive audit batch bucket buffer build cache channel client "
    "cluster commit config context counter cursor customer data debug device digest domain "
    "draft entry event export field filter format gateway group handler header image index "
    "invoice item job label layer limit listener loader logger manager message metric model "
    "module node order owner packet page parser path payload policy pool port price profile "
    "project provider queue record region registry release report request resource response "
    "result route rule schema scope service session shard signal snapshot source stage state "
    "status storage stream subject summary target task tenant thread ticket timer topic trace "
    "user value version view volume worker zone"
)
_VERBS = _split(
    "add apply build check close collect compute create decode delete dispatch encode fetch "
    "find flush format get handle init load lookup merge normalize open parse process publish "
    "read refresh register render reset resolve retry run save send serialize set sort split "
    "start stop sync update upload validate write"
)
_PY_MODULES = _split(
    "os sys json re logging typing pathlib datetime collections itertools functools hashlib "
    "base64 asyncio dataclasses argparse subprocess urllib.parse http.client sqlite3 uuid"
)
_JS_MODULES = _split(
    "fs path http https crypto events util stream url os express axios lodash react "
    "react-dom zod dotenv uuid chalk commander"
)
_HOSTS = (
    "api.internal.test",
    "auth.service.test",
    "cdn.assets.test",
    "registry.build.test",
    "metrics.ops.test",
    "docs.project.test",
    "storage.data.test",
    "login.accounts.test",
)
_TLD_PATHS = ("v1", "v2", "api", "oauth", "static", "health", "users", "orders", "events")


class _Parts:
    """Random building blocks for lines: identifiers, literals, URLs, comments."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def word(self) -> str:
        return self.rng.choice(_WORDS)

    def snake(self) -> str:
        r = self.rng
        return f"{r.choice(_WORDS)}_{r.choice(_WORDS)}" if r.random() < 0.7 else r.choice(_WORDS)

    def camel(self) -> str:
        r = self.rng
        return r.choice(_WORDS) + r.choice(_WORDS).capitalize()

    def func(self) -> str:
        return f"{self.rng.choice(_VERBS)}_{self.rng.choice(_WORDS)}"

    def camel_func(self) -> str:
        return self.rng.choice(_VERBS) + self.rng.choice(_WORDS).capitalize()

    def const(self) -> str:
        return self.snake().upper()

    def number(self) -> str:
        r = self.rng
        return str(
            r.choice((0, 1, 2, 3, 5, 8, 10, 16, 30, 60, 100, 256, 1024, r.randint(0, 99999)))
        )

    def uuid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def hexdigest(self, chars: int) -> str:
        return f"{self.rng.getrandbits(4 * chars):0{chars}x}"

    def b64(self, nbytes: int) -> str:
        return base64.b64encode(self.rng.randbytes(nbytes)).decode("ascii")

    def url(self) -> str:
        r = self.rng
        path = "/".join(r.choices(_TLD_PATHS + tuple(_WORDS[:20]), k=r.randint(1, 4)))
        query = f"?{r.choice(_WORDS)}={r.choice(_WORDS)}" if r.random() < 0.3 else ""
        return f"https://{r.choice(_HOSTS)}/{path}{query}"

    def sentence(self) -> str:
        r = self.rng
        words = r.choices(_WORDS + _VERBS, k=r.randint(3, 11))
        return " ".join(words).capitalize()

    def indent(self, levels: int = 3) -> str:
        return "    " * self.rng.randrange(levels)

    def args(self) -> str:
        return ", ".join(self.snake() for _ in range(self.rng.randint(0, 3)))

    def literal(self) -> str:
        r = self.rng
        kind = r.randrange(6)
        if kind == 0:
            return f'"{self.word()}"'
        if kind == 1:
            return self.number()
        if kind == 2:
            return f'"{self.uuid()}"'
        if kind == 3:
            return f'"{self.url()}"'
        if kind == 4:
            return self.snake()
        return f"{self.snake()}.{self.word()}"


_Template = Callable[[_Parts], str]

# Lines that carry scanner keywords but no credential: they make the confirmation stage work.
_PY_DECOYS: tuple[_Template, ...] = (
    lambda p: f"{p.indent()}password_field = get_password()",
    lambda p: f'{p.indent()}token_url = "{p.url()}/oauth/token"',
    lambda p: f'{p.indent()}session_token = request.cookies.get("{p.word()}_session")',
    lambda p: f'{p.indent()}aws_secret_key = os.environ["AWS_SECRET_ACCESS_KEY"]',
    lambda p: f'{p.indent()}api_key_header = "X-Api-Key"',
    lambda p: f"{p.indent()}private_key = load_pem(path=settings.{p.const()}_KEY_FILE)",
    lambda p: f"{p.indent()}conn = f'AccountName={{name}};AccountKey={{vault[{p.word()!r}]}}'",
    lambda p: f'{p.indent()}cloudflare_zone = "{p.word()}-{p.word()}"',
    lambda p: f'{p.indent()}github_token = os.getenv("GITHUB_TOKEN")',
    lambda p: f"{p.indent()}# TODO: rotate the {p.word()} secret_access_key via the vault",
)
_PY_LINES: tuple[tuple[int, _Template], ...] = (
    (14, lambda p: f"{p.indent()}{p.snake()} = {p.func()}({p.args()})"),
    (8, lambda p: f"{p.indent()}{p.snake()} = {p.literal()}"),
    (8, lambda p: f"{p.indent()}# {p.sentence()}."),
    (5, lambda p: f"{p.indent()}return {p.snake()}.{p.func()}({p.args()})"),
    (4, lambda p: f"{p.indent(2)}def {p.func()}(self, {p.args() or 'value'}):"),
    (3, lambda p: f"{p.indent()}if {p.snake()} is None:"),
    (3, lambda p: f'{p.indent()}raise ValueError("{p.sentence()}")'),
    (4, lambda p: f'{p.indent()}logger.info("{p.sentence()}: %s", {p.snake()})'),
    (2, lambda p: f"import {p.rng.choice(_PY_MODULES)}"),
    (2, lambda p: f"from {p.rng.choice(_PY_MODULES)} import {p.snake()}"),
    (2, lambda p: f'{p.indent()}{p.snake()}_id = "{p.uuid()}"'),
    (2, lambda p: f'{p.indent()}{p.snake()}_sha256 = "{p.hexdigest(64)}"'),
    (1, lambda p: f'{p.indent()}{p.snake()}_md5 = "{p.hexdigest(32)}"'),
    (2, lambda p: f'{p.indent()}{p.const()}_BLOB = "{p.b64(p.rng.choice((24, 48, 57)))}"'),
    (3, lambda p: f'{p.indent()}{p.snake()}_url = "{p.url()}"'),
    (2, lambda p: f"{p.indent()}for {p.word()} in {p.snake()}:"),
    (2, lambda p: f"{p.indent(2)}class {p.word().capitalize()}{p.word().capitalize()}:"),
    (1, lambda p: f'{p.indent()}"""{p.sentence()}."""'),
    (4, lambda p: ""),
)
_JS_DECOYS: tuple[_Template, ...] = (
    lambda p: f'  const tokenUrl = "{p.url()}/oauth/token";',
    lambda p: "  const passwordField = form.querySelector('input[type=password]');",
    lambda p: "  headers['Authorization'] = `Bearer ${session.accessToken}`;",
    lambda p: "  const githubToken = process.env.GITHUB_TOKEN;",
    lambda p: f"  const apiKey = config.get('{p.word()}.apiKey');",
    lambda p: "  // never log the session_token or the client secret",
)
_JS_LINES: tuple[tuple[int, _Template], ...] = (
    (14, lambda p: f"  const {p.camel()} = {p.camel_func()}({p.camel()});"),
    (6, lambda p: f"  const {p.camel()} = await {p.camel()}.{p.camel_func()}();"),
    (8, lambda p: f"  // {p.sentence()}."),
    (5, lambda p: f"  return {p.camel()}.{p.camel_func()}({p.camel()}, {p.number()});"),
    (3, lambda p: f"export function {p.camel_func()}({p.camel()}, options = {{}}) {{"),
    (3, lambda p: f'import {{ {p.camel()} }} from "{p.rng.choice(_JS_MODULES)}";'),
    (2, lambda p: f'const {p.camel()} = require("{p.rng.choice(_JS_MODULES)}");'),
    (4, lambda p: "}"),
    (3, lambda p: f"  if (!{p.camel()}) {{"),
    (2, lambda p: f'    throw new Error("{p.sentence()}");'),
    (3, lambda p: f'  const res = await fetch("{p.url()}", {{ method: "GET" }});'),
    (2, lambda p: f'  {p.camel()}Id: "{p.uuid()}",'),
    (1, lambda p: f'  integrity: "sha384-{p.b64(48)}",'),
    (2, lambda p: f'  console.log("{p.sentence()}", {p.camel()});'),
    (3, lambda p: ""),
)
_YAML_DECOYS: tuple[_Template, ...] = (
    lambda p: "  password: ${DB_PASSWORD}",
    lambda p: f"  token_url: {p.url()}/oauth/token",
    lambda p: "  secret_name: github-token",
    lambda p: "  client_secret: {{ .Values.oauth.clientSecret }}",
    lambda p: "  aws_secret_key: !vault aws/creds/deploy",
)
_YAML_LINES: tuple[tuple[int, _Template], ...] = (
    (12, lambda p: f"{'  ' * p.rng.randrange(1, 4)}{p.snake()}: {p.word()}"),
    (6, lambda p: f"  {p.snake()}: {p.number()}"),
    (4, lambda p: f"  {p.snake()}: {p.rng.choice(('true', 'false', 'null'))}"),
    (4, lambda p: f"{p.snake()}:"),
    (4, lambda p: f"  - name: {p.word()}-{p.word()}"),
    (3, lambda p: f"    image: registry.build.test/{p.word()}:{p.hexdigest(12)}"),
    (3, lambda p: f"  url: {p.url()}"),
    (3, lambda p: f"# {p.sentence()}"),
    (2, lambda p: f"  id: {p.uuid()}"),
    (2, lambda p: f"  checksum: sha256:{p.hexdigest(64)}"),
    (1, lambda p: f"  ca_bundle: {p.b64(57)}"),
    (2, lambda p: ""),
)
_JSON_DECOYS: tuple[_Template, ...] = (
    lambda p: f'    "token_url": "{p.url()}/oauth/token",',
    lambda p: '    "password_env": "DB_PASSWORD",',
    lambda p: '    "private_key_path": "/etc/ssl/private/server.key",',
)
_JSON_LINES: tuple[tuple[int, _Template], ...] = (
    (12, lambda p: f'    "{p.camel()}": "{p.word()}",'),
    (6, lambda p: f'    "{p.camel()}": {p.number()},'),
    (3, lambda p: f'    "{p.camel()}": {p.rng.choice(("true", "false", "null"))},'),
    (3, lambda p: f'  "{p.camel()}": {{'),
    (3, lambda p: "  },"),
    (3, lambda p: f'    "id": "{p.uuid()}",'),
    (2, lambda p: f'    "url": "{p.url()}",'),
    (2, lambda p: f'    "sha1": "{p.hexdigest(40)}",'),
    (1, lambda p: f'    "data": "{p.b64(96)}",'),
)

_HEADERS: dict[str, Callable[[_Parts], list[str]]] = {
    "py": lambda p: [
        f'"""{p.sentence()}."""',
        "",
        "from __future__ import annotations",
        "",
        *(f"import {m}" for m in sorted(set(p.rng.sample(_PY_MODULES, 4)))),
        "",
        "logger = logging.getLogger(__name__)",
        "",
    ],
    "js": lambda p: [
        '"use strict";',
        *(f'const {m.replace("-", "_")} = require("{m}");' for m in p.rng.sample(_JS_MODULES, 3)),
        "",
    ],
    "yaml": lambda p: [f"# {p.sentence()}", "version: 2", f"name: {p.word()}-{p.word()}"],
    "json": lambda p: [
        "{",
        f'  "name": "{p.word()}-{p.word()}",',
        f'  "version": "1.{p.number()}.0",',
    ],
}
_FOOTERS: dict[str, list[str]] = {"py": [], "js": [], "yaml": [], "json": ['  "end": true', "}"]}

_LINE_TABLES: dict[str, tuple[tuple[tuple[int, _Template], ...], tuple[_Template, ...]]] = {
    "py": (_PY_LINES, _PY_DECOYS),
    "js": (_JS_LINES, _JS_DECOYS),
    "yaml": (_YAML_LINES, _YAML_DECOYS),
    "json": (_JSON_LINES, _JSON_DECOYS),
}
_DECOY_SHARE = 0.02  # fraction of lines that carry a scanner keyword
_POOL_LINES = 6000  # distinct lines per language; documents draw from these


def _pool(parts: _Parts, language: str) -> list[str]:
    table, decoys = _LINE_TABLES[language]
    weights = [w for w, _ in table]
    makers = [m for _, m in table]
    rng = parts.rng
    n_decoys = int(_POOL_LINES * _DECOY_SHARE)
    lines = [m(parts) for m in rng.choices(makers, weights, k=_POOL_LINES - n_decoys)]
    lines += [rng.choice(decoys)(parts) for _ in range(n_decoys)]
    return lines


def _planted_line(language: str, check: str, secret: str, parts: _Parts) -> tuple[str, int]:
    """A line assigning `secret`, and the column (0-based) where the secret starts in it."""
    if check == "azure_storage_key":
        value = (
            f"DefaultEndpointsProtocol=https;AccountName={parts.word()}store;"
            f"AccountKey={secret};EndpointSuffix=core.windows.net"
        )
        column_in_value = value.index(secret)
    else:
        value, column_in_value = secret, 0
    name = {"github_crc32": "github_token", "aws_key_id": "aws_access_key_id"}.get(
        check, "storage_connection"
    )
    if language == "py":
        head = f'{name.upper()} = "'
        line = f'{head}{value}"'
    elif language == "js":
        head = f'  const {parts.word()}{name.title().replace("_", "")} = "'
        line = f'{head}{value}";'
    elif language == "yaml":
        head = f'  {name}: "'
        line = f'{head}{value}"'
    else:
        head = f'    "{name}": "'
        line = f'{head}{value}",'
    return line, len(head) + column_in_value


@dataclass(frozen=True, slots=True)
class Planted:
    path: str  # the document's relative path (as written by write_tree)
    line: int  # 1-based line within that document
    offset: int  # byte offset of the secret within Corpus.text
    secret: str
    check: str  # pat_scan.validators.CHECKS name that made it
    rule_id: str  # the built-in rule expected to report it


@dataclass(frozen=True, slots=True)
class Corpus:
    documents: tuple[tuple[str, bytes], ...]  # (relative path, content), in order
    planted: tuple[Planted, ...]

    @property
    def text(self) -> bytes:
        return b"".join(content for _, content in self.documents)

    @property
    def size(self) -> int:
        return sum(len(content) for _, content in self.documents)


def _document_sizes(rng: random.Random, total: int, files: int | None) -> list[int]:
    if files is None:  # like real source files: 10-50 KB each
        sizes: list[int] = []
        while sum(sizes) < total:
            sizes.append(min(rng.randint(10_000, 50_000), total - sum(sizes)))
        return sizes or [0]
    if files < 1:
        raise ValueError("files must be at least 1")
    weights = [rng.uniform(0.5, 1.5) for _ in range(files)]
    scale = total / sum(weights)
    return [max(1, round(w * scale)) for w in weights]


def _paths(rng: random.Random, languages: Sequence[str]) -> list[str]:
    n_dirs = max(1, len(languages) // 25)
    dirs = [f"{rng.choice(_WORDS)}{i:03d}/{rng.choice(_WORDS)}" for i in range(n_dirs)]
    return [
        f"{dirs[i % n_dirs]}/{rng.choice(_WORDS)}_{i:05d}.{lang}"
        for i, lang in enumerate(languages)
    ]


def generate(
    megabytes: float, seed: int, files: int | None = None, secrets: int = DEFAULT_SECRETS
) -> Corpus:
    """A corpus of about `megabytes` MB split into `files` documents (10-50 KB each if None).

    `secrets` credentials are planted in distinct documents (while there are enough), one per
    line; which tokens they are depends on `seed` only, not on the size.
    """
    if megabytes < 0:
        raise ValueError("megabytes must not be negative")
    rng = random.Random(seed)
    parts = _Parts(rng)
    pools = {lang: _pool(parts, lang) for lang in _LANGUAGES}
    mean_len = {lang: sum(map(len, pool)) / len(pool) + 1 for lang, pool in pools.items()}

    sizes = _document_sizes(rng, int(megabytes * MB), files)
    languages = rng.choices(_LANGUAGES, _LANGUAGE_WEIGHTS, k=len(sizes))
    paths = _paths(rng, languages)

    secret_rng = random.Random(f"pat-scan-corpus-secrets-{seed}")
    plan: dict[int, list[tuple[str, str, str]]] = {}
    if secrets and sizes:
        if secrets <= len(sizes):
            hosts = secret_rng.sample(range(len(sizes)), secrets)
        else:
            hosts = [secret_rng.randrange(len(sizes)) for _ in range(secrets)]
        for i, doc in enumerate(hosts):
            check, arg, rule_id = _PLANT_KINDS[i % len(_PLANT_KINDS)]
            token = CHECKS[check].generate(secret_rng, arg)
            plan.setdefault(doc, []).append((check, token, rule_id))

    documents: list[tuple[str, bytes]] = []
    planted: list[Planted] = []
    offset = 0
    for index, (size, lang, path) in enumerate(zip(sizes, languages, paths, strict=True)):
        header = _HEADERS[lang](parts)
        footer = _FOOTERS[lang]
        n_body = max(1, round(size / mean_len[lang]) - len(header) - len(footer))
        body = rng.choices(pools[lang], k=n_body)
        inserts: list[tuple[str, int, str, str, str]] = []
        for check, token, rule_id in plan.get(index, ()):
            line, column = _planted_line(lang, check, token, parts)
            body.insert(rng.randrange(len(body) + 1), line)
            inserts.append((line, column, token, check, rule_id))
        lines = header + body + footer
        content = ("\n".join(lines) + "\n").encode("ascii")
        if inserts:
            line_starts = _line_starts(lines)
            for line, column, token, check, rule_id in inserts:
                row = len(header) + body.index(line)  # tokens are unique
                start = offset + line_starts[row] + column
                planted.append(Planted(path, row + 1, start, token, check, rule_id))
        documents.append((path, content))
        offset += len(content)
    planted.sort(key=lambda p: p.offset)
    return Corpus(tuple(documents), tuple(planted))


def _line_starts(lines: Sequence[str]) -> list[int]:
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    return starts


def generate_text(megabytes: float, seed: int) -> bytes:
    """About `megabytes` MB of source-like text with DEFAULT_SECRETS planted credentials."""
    return generate(megabytes, seed).text


def write_tree(root: Path, megabytes: float, files: int, seed: int) -> Corpus:
    """Write a generated corpus under `root` as `files` files in nested folders; returns it."""
    corpus = generate(megabytes, seed, files=files)
    root = Path(root)
    made: set[Path] = set()
    for rel, content in corpus.documents:
        target = root / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(content)
    return corpus


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a generated source tree for benchmarks.")
    parser.add_argument("root", type=Path, help="directory to write (created if missing)")
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    corpus = write_tree(args.root, args.megabytes, args.files, args.seed)
    print(f"{args.root}: {len(corpus.documents)} files, {corpus.size / MB:.1f} MB")
    for item in corpus.planted:
        print(f"  planted {item.rule_id} at {item.path}:{item.line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
