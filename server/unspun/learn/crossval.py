"""Leave-one-pair-out: the news lexicon rebuilt without the pairs of one source, for every source in turn.

The shipped news lexicon is the written entries plus the dictionary learned from every development pair
(`scripts/build_news_lexicon.py`); evaluating it on those pairs would score the dictionary on what it was learned
from. Here each group of pairs (one source) gets the lexicon learned from the other groups only, built by the very
function the build script uses.
"""

from __future__ import annotations

from collections.abc import Sequence

from unspun.engine.lexicon import Lexicon, parse_lexicon
from unspun.learn.align import PairObservations, align_pair
from unspun.learn.dictionary import learn_entries, merged_lexicon_text
from unspun.learn.pairs import Pair, folds

NAME = "news"


def news_lexicon_text(written: str, observations: Sequence[PairObservations]) -> str:
    """The news lexicon: the written entries and the dictionary learned from these pairs."""
    names = sorted(o.name for o in observations)
    comment = f"learned entries: from {len(names)} aligned pairs ({', '.join(names)})" if names else "no learned entries"
    return merged_lexicon_text(
        written, learn_entries(observations), NAME,
        ("written entries first, then learned ones (scripts/build_news_lexicon.py)", comment), observations,
    )


def fold_lexicons(written: str, pairs: Sequence[Pair]) -> list[tuple[str, list[Pair], Lexicon]]:
    """For each group of pairs: the group, its pairs, and the news lexicon built without them."""
    observed = {p.name: align_pair(p.spun, p.original, p.name) for p in pairs}
    out = []
    for group, held, rest in folds(pairs):
        text = news_lexicon_text(written, [observed[p.name] for p in rest])
        lex, _ = parse_lexicon(text, f"<news without {group}>", NAME)
        out.append((group, held, lex))
    return out


def finding_rows(written: str, pairs: Sequence[Pair], others: Sequence[Lexicon], model=None) -> list:
    """One row per finding the estimates speak for, made leave-one-pair-out without estimates, with its truth:
    on an edit of the spinner, and restoring the original when applied alone (see `unspun.learn.fit`)."""
    from unspun.engine import Engine, Options
    from unspun.learn.fit import Row
    from unspun.learn.pairs import changed_spans, edit_effects, on_spans

    options = Options(min_confidence=0.0)
    rows = []
    for group, held, lex in fold_lexicons(written, pairs):
        eng = Engine([lex, *others], options, estimator=None, **({} if model is None else {"model": model}))
        for p in held:
            findings = [f for f in eng.analyze(p.spun).findings if f.features and _covered(f)]
            spans = changed_spans(p.spun, p.original)
            effects = edit_effects(
                p.spun, p.original, [(f.start, f.end, f.replacements[0] if f.replacements else f.text) for f in findings]
            )
            rows += [
                Row(f.features, on_spans(f.start, f.end, spans), effect < 0, group) for f, effect in zip(findings, effects)
            ]
    return rows



def _covered(f) -> bool:
    """Whether the estimates fitted here speak for finding `f` (`unspun.engine.estimate.covered`)."""
    from unspun.engine.estimate import FEATURES, covered

    x = dict(zip(FEATURES, f.features))
    lexicon = None if x["open_vocabulary"] else f.rule.partition("/")[2]
    return covered(lexicon, bool(x["learned"]), bool(x["fingerprint"]), {NAME})


def fold_engines(written: str, pairs: Sequence[Pair], others: Sequence[Lexicon], model=None, rows=None, covered=(NAME,)):
    """For each group of pairs: (group, its pairs, an engine whose news lexicon and calibrated estimates were
    both built without them). `rows`: the findings of `finding_rows` when already computed."""
    from unspun.engine import Engine
    from unspun.learn.fit import fit_estimator

    rows = finding_rows(written, pairs, others, model) if rows is None else rows
    for group, held, lex in fold_lexicons(written, pairs):
        estimator = fit_estimator([r for r in rows if r.group != group], covered)
        yield group, held, Engine([lex, *others], estimator=estimator, **({} if model is None else {"model": model}))
