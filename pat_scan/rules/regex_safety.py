"""Rule regexes that cannot blow up: FORMAT.md's "bound every repetition", enforced when a pack
is loaded (a pull request can add a pack through `.pat-scan.yaml`).

A regex engine that backtracks takes exponential time where a repetition can split the same
text in many ways: a repetition with no bound around something of variable length (`(\\w+)+`),
or around alternatives that can start alike (`(\\w|\\w\\w)+`). pat-scan refuses:
- every unbounded repetition (`*`, `+`, `{n,}`): write `{0,N}` with the longest a match needs;
- a bounded repetition of more than MAX_ALTERNATION_REPEATS whose alternatives can begin with
  the same character;
- repetitions nested so deep that their bounds multiply past MAX_NESTED_PRODUCT.
With every repetition bounded and the regex run in bounded windows, no rule takes more than
linear time in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

MAX_ALTERNATION_REPEATS = 16
MAX_NESTED_PRODUCT = 100_000

try:
    import re._constants as _c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as _parser  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Python 3.10
    import sre_constants as _c  # type: ignore[no-redef,unused-ignore]
    import sre_parse as _parser  # type: ignore[no-redef,unused-ignore]

_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)
_UNICODE = 0x10FFFF


class _Chars(NamedTuple):
    """A set of characters: code point ranges, or everything but them."""

    ranges: tuple[tuple[int, int], ...]
    negated: bool = False

    def meets(self, other: _Chars) -> bool:
        if self.negated and other.negated:
            return True
        if self.negated or other.negated:
            plain, holes = (other, self) if self.negated else (self, other)
            return any(not _covered(r, holes.ranges) for r in plain.ranges)
        return any(a[0] <= b[1] and b[0] <= a[1] for a in self.ranges for b in other.ranges)


_ANY = _Chars((), negated=True)
_CATEGORIES = {
    _c.CATEGORY_DIGIT: ((48, 57),),
    _c.CATEGORY_WORD: ((48, 57), (65, 90), (95, 95), (97, 122), (0x80, _UNICODE)),
    _c.CATEGORY_SPACE: ((9, 13), (32, 32), (0x85, 0x85), (0xA0, 0xA0), (0x2000, 0x3000)),
}
_NOT_CATEGORIES = {
    _c.CATEGORY_NOT_DIGIT: _c.CATEGORY_DIGIT,
    _c.CATEGORY_NOT_WORD: _c.CATEGORY_WORD,
    _c.CATEGORY_NOT_SPACE: _c.CATEGORY_SPACE,
}


def problem(pattern: str) -> str | None:
    """Why `pattern` could take more than linear time, or None."""
    try:
        tree = _parser.parse(one_group_per_name(pattern))
    except Exception:  # syntax only the `regex` module knows: it cannot be checked
        return "uses syntax that cannot be checked for safe repetition; keep to Python's re syntax"
    for found in _problems(tree, 1, ignore_case=bool(tree.state.flags & re.IGNORECASE)):
        return found
    return None


def one_group_per_name(pattern: str) -> str:
    """`pattern` with a group name used again made a plain group: the same matches. The `regex`
    module allows one name in several alternatives (one per form of a secret); Python's `re`
    and Hyperscan refuse it."""
    seen: set[str] = set()

    def rename(group: re.Match[str]) -> str:
        if group.group(1) in seen:
            return "(?:"
        seen.add(group.group(1))
        return group.group(0)

    return re.sub(r"\(\?P<(\w+)>", rename, pattern)


def _problems(items: Any, outer: int, ignore_case: bool) -> Iterator[str]:
    """Problems in a parsed (sub)pattern under repetitions whose bounds multiply to `outer`."""
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if high == _c.MAXREPEAT:
                yield (
                    f"repetition without an upper bound ({'*' if low == 0 else '+'} or {{n,}}) "
                    "could take exponential time: give it one, as {0,N}"
                )
                return
            variable = low != high or _variable(body)
            if high > 1 and variable and outer * high > MAX_NESTED_PRODUCT:
                yield (
                    f"nested repetitions allow {outer * high} ways to split a match "
                    f"(more than {MAX_NESTED_PRODUCT}): bound the inner ones more tightly"
                )
                return
            if high > MAX_ALTERNATION_REPEATS and _overlapping_alternatives(body, ignore_case):
                yield (
                    f"a repetition of up to {high} over alternatives that can begin with the "
                    "same character could take exponential time: make the alternatives start "
                    f"differently or repeat at most {MAX_ALTERNATION_REPEATS} times"
                )
                return
            if high > MAX_ALTERNATION_REPEATS and _variable(body) and _ambiguous(body, ignore_case):
                yield (
                    f"a repetition of up to {high} over text of varying length that can end "
                    "with what it begins with splits a match in exponentially many ways: end "
                    "each repeat with a delimiter (a newline, a comma) it cannot begin with"
                )
                return
            yield from _problems(body, outer * max(high, 1), ignore_case)
        for child in _children(op, av):
            yield from _problems(child, outer, ignore_case)


def _children(op: Any, av: Any) -> list[Any]:
    """The subpatterns inside one item (repetition bodies are handled by the caller)."""
    if op is _c.SUBPATTERN:
        return [av[3]]
    if op is _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return [av]
    if op is _c.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _variable(items: Any) -> bool:
    """Whether a subpattern can match texts of different lengths."""
    low, high = items.getwidth()
    return bool(low != high)


def _overlapping_alternatives(items: Any, ignore_case: bool) -> bool:
    """Whether the subpattern holds an alternation two of whose alternatives can begin with
    the same character."""
    for op, av in items:
        if op is _c.BRANCH:
            starts = [_first(branch, ignore_case) for branch in av[1]]
            if any(a.meets(b) for i, a in enumerate(starts) for b in starts[i + 1 :]):
                return True
        for child in [*_children(op, av), *([av[2]] if op in _REPEATS else [])]:
            if _overlapping_alternatives(child, ignore_case):
                return True
    return False


def _ambiguous(body: Any, ignore_case: bool) -> bool:
    """Whether one repeat's end and the next one's start can be the same characters (so the
    engine can move the boundary between them), unless the body is an alternation whose
    alternatives begin differently (the first character then decides)."""
    if len(body) == 1 and body[0][0] is _c.BRANCH:
        starts = [_first(branch, ignore_case) for branch in body[0][1][1]]
        if not any(a.meets(b) for i, a in enumerate(starts) for b in starts[i + 1 :]):
            return False
    return _last(body, ignore_case).meets(_first(body, ignore_case))


def _last(items: Any, ignore_case: bool) -> _Chars:
    """The characters a subpattern can end with (everything, where that is not simple)."""
    found = _Chars(())
    for op, av in reversed(list(items)):
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op in _REPEATS:
            found = _union(found, _last(av[2], ignore_case))
            if av[0] == 0:
                continue
            return found
        if op is _c.BRANCH:
            ends = [_last(branch, ignore_case) for branch in av[1]]
            for end in ends:
                found = _union(found, end)
            if any(not len(branch) for branch in av[1]):
                continue
            return found
        return _union(found, _first([(op, av)], ignore_case))
    return found


def _first(items: Any, ignore_case: bool) -> _Chars:
    """The characters a subpattern can begin with (everything, where that is not simple;
    nothing, for one that matches only the empty text)."""
    found = _Chars(())
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # anchors and lookarounds take no character
            continue
        if op in _REPEATS and av[0] == 0:  # optional: it, or what follows
            found = _union(found, _first(av[2], ignore_case))
            continue
        if op in _REPEATS:
            return _union(found, _first(av[2], ignore_case))
        if op is _c.LITERAL:
            return _union(found, _Chars(_cased(((av, av),), ignore_case)))
        if op is _c.IN:
            return _union(found, _in(av, ignore_case))
        if op is _c.SUBPATTERN and len(av[3]):
            return _union(found, _first(av[3], ignore_case))
        if op is _c.CATEGORY:
            return _union(found, _category(av))
        return _ANY
    return found


def _union(a: _Chars, b: _Chars) -> _Chars:
    for empty, other in ((a, b), (b, a)):
        if not empty.ranges and not empty.negated:
            return other
    if a.negated or b.negated:
        return _ANY
    return _Chars(a.ranges + b.ranges)


def _in(members: Any, ignore_case: bool) -> _Chars:
    negated = False
    ranges: list[tuple[int, int]] = []
    for op, av in members:
        if op is _c.NEGATE:
            negated = True
        elif op is _c.LITERAL:
            ranges.append((av, av))
        elif op is _c.RANGE:
            ranges.append(tuple(av))
        elif op is _c.CATEGORY:
            chars = _category(av)
            if chars.negated:
                return _ANY
            ranges += chars.ranges
        else:
            return _ANY
    return _Chars(_cased(tuple(ranges), ignore_case), negated)


def _category(name: Any) -> _Chars:
    if name in _CATEGORIES:
        return _Chars(_CATEGORIES[name])
    if name in _NOT_CATEGORIES:
        return _Chars(_CATEGORIES[_NOT_CATEGORIES[name]], negated=True)
    return _ANY


def _cased(ranges: tuple[tuple[int, int], ...], ignore_case: bool) -> tuple[tuple[int, int], ...]:
    """With IGNORECASE, ASCII letters in both cases."""
    if not ignore_case:
        return ranges
    extra = []
    for low, high in ranges:
        for start, end, shift in ((65, 90, 32), (97, 122, -32)):
            a, b = max(low, start), min(high, end)
            if a <= b:
                extra.append((a + shift, b + shift))
    return ranges + tuple(extra)


def _covered(span: tuple[int, int], ranges: tuple[tuple[int, int], ...]) -> bool:
    """Whether `ranges` cover every character of `span`."""
    low, high = span
    for start, end in sorted(ranges):
        if start > low:
            return False
        low = max(low, end + 1)
        if low > high:
            return True
    return low > high
