"""LL003's "did you mean" uses a banded edit distance: it must agree with the textbook one
wherever the answer matters (at most the limit), and say "too far" otherwise."""
from __future__ import annotations

import random

from lambdalint.engine import load_rules

_distance = load_rules()["LL003"].module._distance


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_banded_distance_matches_levenshtein_up_to_the_limit():
    rng = random.Random(9)
    for _ in range(4_000):
        a = "".join(rng.choice("abAB1") for _ in range(rng.randint(0, 9)))
        b = "".join(rng.choice("abAB1") for _ in range(rng.randint(0, 9)))
        for limit in (1, 2):
            exact = _levenshtein(a, b)
            assert _distance(a, b, limit) == (exact if exact <= limit else limit + 1), (a, b, limit)


def test_typical_typos():
    assert _distance("MyFunction", "MyFunction", 2) == 0
    assert _distance("MyFuncton", "MyFunction", 2) == 1
    assert _distance("MyFnuction", "MyFunction", 2) == 2
    assert _distance("Queue", "Topic", 1) == 2  # too far: limit + 1
