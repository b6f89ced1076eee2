"""One copy of the values that many findings repeat, for an analysis to keep instead of each finding's own.

A spun text of 100,000 words has some 34,000 findings, and a language server keeps all of them as long as the
document is open (the command line one section's at a time). Their messages, written words, replacements,
rules, keys and evidence repeat: the same phrase, the same entry and the same restoration recur hundreds of
times, and so do the numbers of their confidences. `Shared.finding` swaps a new finding's values for equal ones
seen before, so that each distinct value is held once; the features the estimates read are dropped for an
engine whose findings need not carry them (the command line's and the server's), and left as they are for one
that keeps them (an engine that learns: sharing them cost about a sixth of the analysis of a spun text).

One `Shared` lives as long as one analysis (`Engine.analyze`): it holds nothing its findings do not hold, and
nothing after them. Floats are shared by value except zeros, which keep their sign (a negative zero equals a
positive one).
"""

from __future__ import annotations

import math

from unspun.engine.model import Finding

_ZERO, _NEGATIVE_ZERO = 0.0, -0.0


class Shared:
    """The shared copies of the values of one analysis's findings."""

    def __init__(self, features: bool = True, values: bool = True) -> None:
        """`features`: findings keep their features (else they get `()`: see `Engine.keep_features`); `values`:
        the values are shared (else only the features are dropped, for a text too short for sharing to pay)."""
        self.features = features
        self.values = values
        #: strings, tuples of strings, evidence and tuples of evidence (none equal to a value of another kind)
        self._values: dict = {}
        #: floats (apart from the other values: 1.0 equals 1 and True)
        self._floats: dict[float, float] = {}

    def finding(self, f: Finding) -> Finding:
        """`f` itself, its values replaced by the shared copies of equal ones (a finding just made, that nothing
        else holds yet: it is changed in place)."""
        if not self.values:
            if not self.features:
                object.__setattr__(f, "features", ())
            return f
        one = self._values.setdefault
        put = object.__setattr__  # (not through `__dict__`, which would give the finding a dict of its own)
        put(f, "text", one(f.text, f.text))
        put(f, "message", one(f.message, f.message))
        put(f, "rule", one(f.rule, f.rule))
        put(f, "key", one(f.key, f.key))
        put(f, "replacements", one(f.replacements, f.replacements))
        evidence = tuple([one(e, e) for e in f.evidence])
        put(f, "evidence", one(evidence, evidence))
        put(f, "confidence", self._float(f.confidence))
        if not self.features:
            put(f, "features", ())
        return f

    def _float(self, x: float) -> float:
        if type(x) is not float:
            return x
        return _zero(x) if x == 0.0 else self._floats.setdefault(x, x)


def _zero(x: float) -> float:
    return _ZERO if math.copysign(1.0, x) > 0 else _NEGATIVE_ZERO
