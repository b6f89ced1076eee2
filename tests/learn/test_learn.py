"""Learning a spinner's dictionary from aligned pairs (unspun.learn) and the `unspun learn` command."""

from __future__ import annotations

import subprocess
import sys

from unspun.engine.lexicon import parse_lexicon
from unspun.learn import align_pair, learn_entries, lexicon_text
from unspun.learn.dictionary import merged_lexicon_text
from unspun.learn.crossval import fold_lexicons
from unspun.learn.pairs import Pair, changed_spans, edit_effects, folds, group_pairs, on_spans

SOURCE = "The minister said on Tuesday that the countries would meet next year to discuss energy prices."
SPUN = "The minister mentioned on Tuesday that the international locations would meet subsequent 12 months to debate vitality costs."


def test_alignment_lists_the_spinners_word_and_phrase_swaps():
    obs = align_pair(SPUN, SOURCE, "a")
    swaps = {(" ".join(s.spun), " ".join(s.original)) for s in obs.substitutions}
    assert ("mentioned", "said") in swaps
    assert ("international locations", "countries") in swaps
    assert obs.words == len(SPUN.split())


def test_an_added_word_is_attached_to_the_word_before_it():
    obs = align_pair("They went to court docket on Monday.", "They went to court on Monday.")
    assert [(s.spun, s.original) for s in obs.substitutions] == [(("court", "docket"), ("court",))]


def test_honest_uses_lower_an_entrys_confidence_and_mostly_honest_forms_are_dropped():
    pairs = [
        align_pair("He mentioned the plan.", "He said the plan.", "1"),
        align_pair("She mentioned the cost.", "She said the cost.", "2"),
        align_pair("It was mentioned above. The power cut.", "It was mentioned above. The energy cut.", "3"),
        align_pair("Power lines. Power plants. Power use.", "Power lines. Power plants. Power use.", "4"),
    ]
    by_form = {e.tortured: e for e in learn_entries(pairs)}
    said = by_form["mentioned"]
    assert said.expected == ("said",) and said.changed == 2 and said.seen == 3 and said.pairs == 2
    assert said.confidence == round(2 / 4, 2)
    assert "power" not in by_form  # one spin against three honest uses


def test_the_learned_lexicon_loads_with_its_support():
    entries = learn_entries([align_pair(SPUN, SOURCE, "a")])
    lex, problems = parse_lexicon(lexicon_text(entries, "mine"), "mine.tsv")
    assert not problems
    entry = next(e for e in lex.entries if e.tortured == "international locations")
    assert entry.expected == ("countries",) and entry.support == (1, 1, 1, 1)
    assert entry.kind.value == "substitution"


WRITTEN = (
    "tortured\texpected\tkind\tconfidence\n"
    "occasion\tevent\tsubstitution\t0.6\n"
    "vitality\tenergy\tsubstitution\t0.7\n"
    "fresh fish\tnew fish\tfingerprint\t0.9\n"
    "assist\thelp | aid\tsubstitution\t0.6\n"
)


def test_a_written_substitution_gets_the_counts_the_pairs_show_and_stays_written():
    pairs = [
        align_pair("The occasion was fun. An occasion to talk.", "The event was fun. An opportunity to talk.", "1"),
        align_pair("Each occasion counts. The occasion ended.", "Each event counts. The occasion ended.", "2"),
        align_pair("Fresh fish.", "Fresh fish.", "3"),
        align_pair("They assist us. We assist them.", "They Support us. We support them.", "4"),
        align_pair("To assist.", "To help.", "5"),
    ]
    text = merged_lexicon_text(WRITTEN, [], "news", (), pairs)
    lex, problems = parse_lexicon(text, "news.tsv")
    assert not problems
    by_form = {e.tortured: e for e in lex.entries}
    # three spins (two for "event", one for "opportunity") in two pairs, one honest use
    assert by_form["occasion"].observed == (3, 4, 2, 2) and by_form["occasion"].support is None
    assert by_form["occasion"].confidence == 0.6  # its written confidence is kept
    assert by_form["vitality"].observed is None  # never written by the spinner in these pairs
    assert by_form["fresh fish"].observed is None  # fingerprints speak for themselves
    assert merged_lexicon_text(WRITTEN, [], "news").count("written") == 0  # without pairs nothing is added
    # the pairs show "support" for "assist" more often than the written "help": it comes first, in the sources'
    # usual spelling, and the counts speak of it
    assert by_form["assist"].expected == ("support", "help", "aid") and by_form["assist"].observed == (3, 3, 2, 2)
    assert by_form["occasion"].expected == ("event",)  # "event" stays first: seen twice against one


def test_the_support_column_of_a_written_entry_is_checked():
    header = "tortured\texpected\tkind\tconfidence\tinflect\trequire\texclude\tnote\tsupport\n"
    lex, problems = parse_lexicon(header + "occasion\tevent\tsubstitution\t0.6\t\t\t\t\twritten 3/4/2/2\n", "a.tsv")
    assert not problems and lex.entries[0].observed == (3, 4, 2, 2) and lex.entries[0].support is None
    _, problems = parse_lexicon(header + "occasion\tevent\tsubstitution\t0.6\t\t\t\t\tseen 3/4/2/2\n", "a.tsv")
    assert problems and "written CHANGED/SEEN/PAIRS/FIRST" in problems[0].message


def test_a_written_entrys_counts_are_what_the_estimates_read():
    from unspun.engine import Engine, Options
    from unspun.engine.estimate import FEATURES

    header = "tortured\texpected\tkind\tconfidence\tinflect\trequire\texclude\tnote\tsupport\n"
    text = "The minister mentioned the occasion. " * 6

    def features(support: str) -> dict:
        lex, _ = parse_lexicon(header + f"occasion\tevent\tsubstitution\t0.9\t\t\t\t\t{support}\n", "news.tsv", "news")
        eng = Engine([lex], Options(min_confidence=0.0, substitutions="always"), estimator=None)
        f = next(f for f in eng.analyze(text).findings if f.text == "occasion")
        return dict(zip(FEATURES, f.features))

    bare, counted = features(""), features("written 3/4/2/2")
    assert bare["log_changed"] == 0.0 and bare["consistency"] == 0.0 and bare["learned"] == 0.0
    assert counted["consistency"] == 2 / 3 and counted["honest_share"] == 1 / 4 and counted["learned"] == 0.0


def _pair(name: str, spun: str, orig: str) -> Pair:
    return Pair(name, spun, orig)


def test_two_spins_of_one_source_form_one_group_and_leave_together():
    source = " ".join(f"word{i} said" for i in range(40))
    pairs = group_pairs([
        _pair("a", source.replace("said", "mentioned"), source),
        _pair("b", source.replace("said", "stated"), source),
        _pair("c", "He mentioned it.", "He said it."),
    ])
    assert [p.group for p in pairs] == ["a", "a", "c"]
    assert [(g, [p.name for p in held]) for g, held, _rest in folds(pairs)] == [("a", ["a", "b"]), ("c", ["c"])]


def test_each_fold_lexicon_is_learned_without_its_group():
    written = "tortured\texpected\n"
    pairs = group_pairs([
        _pair("a", "He mentioned it. The vitality bill.", "He said it. The energy bill."),
        _pair("b", "She mentioned it.", "She said it."),
    ])
    forms = {g: {e.tortured for e in lex.entries} for g, _held, lex in fold_lexicons(written, pairs)}
    assert forms["a"] == {"mentioned"}  # learned from b only: "vitality" is a's alone
    assert "vitality" in forms["b"]


def test_edits_are_judged_against_the_original():
    spun, orig = "He mentioned the vitality bill.", "He said the energy bill."
    assert changed_spans(spun, orig) == [(3, 12), (17, 25)]
    assert on_spans(3, 12, changed_spans(spun, orig)) and not on_spans(0, 2, changed_spans(spun, orig))
    effects = edit_effects(spun, orig, [(3, 12, "said"), (17, 25, "power"), (0, 2, "She")])
    assert effects == [-1, 0, 1]


def _unspun(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unspun", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_learn_command_writes_a_lexicon_that_check_uses_and_merges(tmp_path):
    (tmp_path / "a.spun").write_text(SPUN)
    (tmp_path / "a.txt").write_text(SOURCE)
    (tmp_path / "b.spun").write_text("The board stated it will act.")
    (tmp_path / "b.txt").write_text("The board said it will act.")
    out = tmp_path / "spinner.tsv"
    r = _unspun("learn", str(tmp_path / "a.spun"), str(tmp_path / "a.txt"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    lex, problems = parse_lexicon(out.read_text(), str(out))
    assert not problems and "international locations" in {e.tortured for e in lex.entries}
    r = _unspun("learn", str(tmp_path / "b.spun"), str(tmp_path / "b.txt"), "-o", str(out), "--merge")
    assert r.returncode == 0, r.stderr
    merged = {e.tortured for e in parse_lexicon(out.read_text(), str(out))[0].entries}
    assert {"international locations", "stated"} <= merged
    r = _unspun("learn", str(tmp_path / "a.spun"), "-o", str(out))
    assert r.returncode == 2 and "pairs of files" in r.stderr
    r = _unspun("learn", str(tmp_path / "a.spun"), str(tmp_path / "a.txt"), "-o", str(tmp_path / "no" / "x.tsv"))
    assert r.returncode == 2 and "does not exist" in r.stderr
