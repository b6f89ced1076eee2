"""One copy of the values that many findings repeat, for the engine to keep instead of each finding's own.

A spun text of 100,000 words has some 34,000 findings, and a language server keeps all of them as long as the
document is open (the command line one section's at a time). Their messages, written words, replacements,
rules, keys and evidence repeat: the same phrase, the same entry and the same restoration recur hundreds of
times, and so do the numbers of their confidences and features. `Shared.finding` swaps a new finding's values
for equal ones seen before, so that each distinct value is held once.

The tables are bounded (cleared when full: a value seen again after that is kept once more, never a wrong one).
Floats are shared by value except zeros, which keep their sign (a negative zero equals a positive one).
"""

from __future__ import annotations

import math
import threading

from unspun.engine.model import Finding

#: distinct values kept per table before it is cleared
LIMIT = 200_000

_ZERO, _NEGATIVE_ZERO = 0.0, -0.0


class Shared:
    """The shared copies (one `Shared` per engine and the engines made from it)."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        #: strings, tuples of strings, evidence and tuples of evidence (none equal to a value of another kind)
        self._values: dict = {}
        #: floats (apart from the other values: 1.0 equals 1 and True)
        self._floats: dict[float, float] = {}
        self._lock = threading.Lock()

    def finding(self, f: Finding) -> Finding:
        """`f` itself, its values replaced by the shared copies of equal ones (a finding just made, that nothing
        else holds yet: it is changed in place)."""
        values, floats = self._values, self._floats
        if len(values) >= self.limit or len(floats) >= self.limit:
            with self._lock:
                if len(values) >= self.limit:
                    values.clear()
                if len(floats) >= self.limit:
                    floats.clear()
        one = values.setdefault
        put = object.__setattr__  # (not through `__dict__`, which would give the finding a dict of its own)
        put(f, "text", one(f.text, f.text))
        put(f, "message", one(f.message, f.message))
        put(f, "rule", one(f.rule, f.rule))
        put(f, "key", one(f.key, f.key))
        put(f, "replacements", one(f.replacements, f.replacements))
        evidence = tuple([one(e, e) for e in f.evidence])
        put(f, "evidence", one(evidence, evidence))
        put(f, "confidence", self._float(f.confidence))
        features = f.features
        if features and all(type(x) is float for x in features):
            shared = tuple(map(floats.setdefault, features, features))
            if 0.0 in shared:  # (zeros keep their own sign)
                shared = tuple([_zero(x) if x == 0.0 else y for x, y in zip(features, shared)])
            put(f, "features", shared)
        return f

    def _float(self, x: float) -> float:
        if type(x) is not float:
            return x
        return _zero(x) if x == 0.0 else self._floats.setdefault(x, x)


def _zero(x: float) -> float:
    return _ZERO if math.copysign(1.0, x) > 0 else _NEGATIVE_ZERO
