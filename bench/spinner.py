"""A word-substitution spinner for benchmark inputs: turns clean prose into spun prose of any size.

The evaluation set holds about 1,200 words of real spun text, too little for timing documents of 10,000 to
1,000,000 words without repeating it, and repeated text is partly served from the engine's caches (a window of
words it has already scored is not scored again). This spinner makes spun text that repeats nothing, the way
the news spinner family does it:

* every phrase a shipped lexicon knows as an original ("countries", "news conference") becomes the lexicon's
  spun form ("international locations", "information convention") -- so the text reads as spun and the
  open-vocabulary stage runs, as it would on a real spun page;
* a share of the other content words, and every one after an indefinite article, becomes a thesaurus synonym
  (the first single-word one that is not the word itself): the substitutions no lexicon lists. The article
  stays as it was, as spinners leave it ("an initial" -> "an preliminary"); after one, a synonym that takes
  the other article is preferred. Spin scores count each distinct substitution once per document, so in a
  long document the article slips are what keeps it reading as spun, as they do on real spun pages.

It is deterministic (seeded per paragraph), so benchmark runs read the same text. It is for measuring cost,
not accuracy: accuracy is measured on real spun text (`bench/accuracy.py`).
"""

from __future__ import annotations

import random
import re

from unspun.engine.inflect import article_for
from unspun.engine.lexicon import builtin_lexicons
from unspun.engine.thesaurus import Thesaurus

#: share of the content words (4+ letters, not replaced by a lexicon phrase) replaced by a thesaurus synonym
THESAURUS_RATE = 0.25
#: share of the lexicon originals replaced by their spun form
LEXICON_RATE = 1.0

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


class Spinner:
    def __init__(self) -> None:
        self.spins: dict[tuple[str, ...], str] = {}
        for lexicon in builtin_lexicons():
            for entry in lexicon.entries:
                for original in entry.expected:
                    key = tuple(original.lower().split())
                    if key and all(w.isalpha() for w in key):
                        self.spins.setdefault(key, entry.tortured)
        self.longest = max((len(k) for k in self.spins), default=1)
        self.thesaurus = Thesaurus.load()

    def synonym(self, word: str, article: str | None = None) -> str | None:
        """The first single-word synonym; after `article`, the first that does not fit it, if any."""
        options = [s for s in self.thesaurus.synonyms(word) if s != word and s.isalpha()]
        if article is not None:
            for s in options:
                if article_for(s) != article:
                    return s
        return options[0] if options else None

    def spin(self, paragraph: str, seed: int) -> str:
        rng = random.Random(seed)
        words = list(_WORD.finditer(paragraph))
        out: list[str] = []
        pos = 0
        i = 0
        while i < len(words):
            m = words[i]
            done = False
            for n in range(min(self.longest, len(words) - i), 0, -1):
                group = words[i : i + n]
                if any(paragraph[a.end() : b.start()] != " " for a, b in zip(group, group[1:])):
                    continue
                spun = self.spins.get(tuple(w.group().lower() for w in group))
                if spun is not None and rng.random() < LEXICON_RATE:
                    out.append(paragraph[pos : m.start()])
                    out.append(_cased(m.group(), spun))
                    pos = group[-1].end()
                    i += n
                    done = True
                    break
            if done:
                continue
            w = m.group()
            article = words[i - 1].group().lower() if i > 0 and words[i - 1].group() in ("a", "an", "A", "An") else None
            if len(w) >= 4 and w.islower() and (article is not None or rng.random() < THESAURUS_RATE):
                s = self.synonym(w, article)
                if s is not None:
                    out.append(paragraph[pos : m.start()])
                    out.append(s)
                    pos = m.end()
            i += 1
        out.append(paragraph[pos:])
        return "".join(out)


def _cased(written: str, new: str) -> str:
    return new[:1].upper() + new[1:] if written[:1].isupper() else new
