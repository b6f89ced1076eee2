import pytest

from unspun.engine import Engine, Incremental, Kind, Options, fix_edits, fix_text
from unspun.engine.lexicon import parse_lexicon
from unspun.engine.tokenize import paragraphs

HEADER = "tortured\texpected\tkind\tconfidence\tinflect\trequire\texclude\tnote\n"


def spans_ok(text, analysis):
    for f in analysis.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text


def test_fingerprint_found_with_exact_span(mini_engine):
    text = "😀 We use counterfeit consciousness here."
    a = mini_engine.analyze(text)
    (f,) = a.findings
    assert f.text == "counterfeit consciousness"
    assert f.start == text.index("counterfeit")
    assert f.replacements == ("artificial intelligence",)
    assert f.kind is Kind.FINGERPRINT and 0 < f.confidence <= 1
    assert f.rule == "fingerprint/mini"
    assert "artificial intelligence" in f.message
    assert f.evidence and f.evidence[0].source == "mini"
    spans_ok(text, a)


def test_case_is_preserved(mini_engine):
    a = mini_engine.analyze("Information convention at noon. INFORMATION CONVENTION!")
    assert [f.replacements[0] for f in a.findings] == ["News conference", "NEWS CONFERENCE"]


def test_hyphen_and_space_and_line_break_variants(mini_engine):
    for text in ("the Secretary-Common spoke", "the Secretary Common spoke", "the Secretary\nCommon spoke"):
        (f,) = mini_engine.analyze(text).findings
        assert f.replacements == ("Secretary-General",)
    assert mini_engine.analyze("the Secretary, Common spoke").findings == ()
    assert mini_engine.analyze("the Secretary\n\nCommon spoke").findings == ()


def test_inflection_both_ways(mini_engine):
    a = mini_engine.analyze("Irregular woodlands and an irregular woodland.")
    assert [f.replacements[0] for f in a.findings] == ["Random forests", "a random forest"]
    a = mini_engine.analyze("two information conventions")
    assert a.findings[0].replacements == ("news conferences",)


def test_possessive_and_typo(mini_engine):
    text = "counterfeit consciousness's promise and counterfeit consciosness"
    a = mini_engine.analyze(text)
    assert [f.text for f in a.findings] == ["counterfeit consciousness", "counterfeit consciosness"]
    assert a.findings[1].confidence < a.findings[0].confidence
    spans_ok(text, a)


def test_article_repaired_when_replacement_needs_another():
    lex, _ = parse_lexicon(HEADER + "preliminary assembly\tinitial meeting\tfingerprint\t0.9\n" + "vital gathering\tkey meeting | important meeting\tfingerprint\t0.9\n", name="t")
    eng = Engine([lex], model=None)  # lexicon order, no language-model reranking
    text = "It was a preliminary assembly. An vital gathering too."
    a = eng.analyze(text)
    assert [f.text for f in a.findings] == ["a preliminary assembly", "An vital gathering"]
    assert a.findings[0].replacements == ("an initial meeting",)
    assert a.findings[1].replacements == ("A key meeting", "An important meeting")
    assert fix_text(text, a.findings) == "It was an initial meeting. A key meeting too."


def test_article_that_fits_the_original_raises_confidence(mini_engine):
    plain = mini_engine.analyze("the information convention").findings[0]
    told = mini_engine.analyze("a information convention").findings[0]
    assert told.confidence > plain.confidence
    assert told.text == "information convention"  # "a news conference" needs no article change
    assert any(e.layer == "article" for e in told.evidence)


def test_require_and_exclude_conditions():
    lex, _ = parse_lexicon(HEADER + "collection a\tSeries A\tfingerprint\t0.9\t\tfunding;venture capital\n" + "bunch size\tbatch size\tfingerprint\t0.9\t\t\tbananas\n", name="t")
    eng = Engine([lex])
    assert eng.analyze("Collection A of stamps.").findings == ()
    assert eng.analyze("Collection A funding round.").findings[0].replacements == ("Series A",)
    assert eng.analyze("Our venture capital came with Collection A.").findings
    assert eng.analyze("A bunch size of 32.").findings
    assert eng.analyze("A bunch size of 32 bananas.").findings == ()


def test_substitutions_are_gated_by_the_spin_score(mini_engine):
    clean = "He mentioned the weather. " * 10
    assert mini_engine.analyze(clean).findings == ()
    assert not mini_engine.analyze(clean).spun
    spun = "He mentioned that counterfeit consciousness and Jap Europe and a information convention matter."
    a = mini_engine.analyze(spun)
    assert a.spun and a.spin_score > 2.5
    assert any(f.kind is Kind.SUBSTITUTION and f.text == "mentioned" for f in a.findings)
    always = mini_engine.with_options(Options(substitutions="always", min_confidence=0.0))
    assert always.analyze(clean).findings
    never = mini_engine.with_options(Options(substitutions="never"))
    assert all(f.kind is not Kind.SUBSTITUTION for f in never.analyze(spun).findings)


def test_substitutions_as_hints_outside_spun_texts(mini_engine):
    clean = "He mentioned the weather. " * 10
    spun = "He mentioned that counterfeit consciousness and Jap Europe and a information convention matter."
    hint = mini_engine.with_options(Options(substitutions="hint"))
    always = mini_engine.with_options(Options(substitutions="always", min_confidence=0.0))
    # a text that does not look spun: every substitution comes as a hint, as confident as in a spun text
    found = hint.analyze(clean).findings
    assert found and all(f.hint and f.kind is Kind.SUBSTITUTION and not f.safe_fix for f in found)
    assert all(f.message.startswith("Possible spinner substitution") and "a hint" in f.message for f in found)
    # (the same sentence in a spun text: the same context for the language model)
    spun_too = "He mentioned the weather. Counterfeit consciousness and Jap Europe and a information convention matter."
    assert mini_engine.analyze(spun_too).spun
    in_spun = next(f for f in mini_engine.analyze(spun_too).findings if f.text == "mentioned")
    assert {f.confidence for f in found} == {in_spun.confidence}
    assert in_spun.confidence > max(f.confidence for f in always.analyze(clean).findings)
    # "always" says the text does not look spun rather than that it does
    assert all("does not look spun" in f.message for f in always.analyze(clean).findings)
    # a spun text: the same findings as gated, none of them a hint
    assert list(hint.analyze(spun).findings) == list(mini_engine.analyze(spun).findings)
    assert not any(f.hint for f in hint.analyze(spun).findings)


def test_allow_list_and_min_confidence(mini_engine):
    text = "counterfeit consciousness and Jap Europe"
    eng = mini_engine.with_options(Options(allow=frozenset({"Counterfeit-Consciousness"})))
    assert [f.text for f in eng.analyze(text).findings] == ["Jap Europe"]
    eng = mini_engine.with_options(Options(min_confidence=0.999))
    assert eng.analyze(text).findings == ()


def test_kinds_filter(mini_engine):
    eng = mini_engine.with_options(Options(kinds=frozenset({Kind.SUBSTITUTION}), substitutions="always", min_confidence=0))
    kinds = {f.kind for f in eng.analyze("counterfeit consciousness mentioned").findings}
    assert kinds == {Kind.SUBSTITUTION}


def test_spin_score_per_paragraph(mini_engine):
    text = "Clean words only here.\n\nJap Europe and counterfeit consciousness."
    a = mini_engine.analyze(text)
    assert len(a.paragraphs) == 2
    assert a.paragraphs[0][2] == 0 and a.paragraphs[1][2] > 0


def test_substitutions_count_once_per_section_so_the_score_does_not_fall_with_length(mini_engine):
    from unspun.engine import spinscore

    filler = "The day was long and the town was quiet. " * 12
    # one section: three substitutions, then plain paragraphs up to the section length
    paras = ["He mentioned international locations and highly effective ideas."]
    while sum(len(p.split()) for p in paras) < spinscore.SECTION_WORDS:
        paras.append(filler)
    section = "\n\n".join(paras)
    one = mini_engine.analyze(section)
    assert one.spin_score > 0
    three = mini_engine.analyze("\n\n".join([section] * 3))
    # counted once per document, the three sections' substitutions would count once: a third of the score
    assert three.spin_score == pytest.approx(one.spin_score, rel=0.05)
    # within a section a repeated substitution still counts once
    twice = mini_engine.analyze(paras[0] + "\n\n" + paras[0] + "\n\n" + "\n\n".join(paras[1:]))
    assert twice.spin_score == pytest.approx(one.spin_score, rel=0.05)


def test_article_slips_count_as_evidence(mini_engine):
    base = "The plan was an good one and a actual threat to a old order. " * 2
    clean = "The plan was a good one and an actual threat to an old order. " * 2
    assert mini_engine.analyze(base).spin_score > mini_engine.analyze(clean).spin_score == 0


def test_paragraph_cache_gives_same_result(mini_engine):
    text = "Jap Europe.\n\nSome counterfeit consciousness.\n\nMore text."
    cache = {}
    first = mini_engine.analyze(text, incremental=Incremental(cache))
    assert len(cache) == 3
    again = mini_engine.analyze(text.replace("More", "Less"), incremental=Incremental(cache))
    assert len(cache) == 4
    assert [f.start for f in first.findings] == [f.start for f in again.findings]


def test_an_analysis_prepared_from_the_previous_version_equals_a_fresh_one(mini_engine):
    """A keystroke's text cut into paragraphs from the version before it (`Engine.prepare(..., previous)`)
    gives the analysis a fresh one gives, through edits that join, split, add and remove paragraphs."""
    import random

    rnd = random.Random(8)
    pieces = ["Jap Europe ", "counterfeit consciousness ", "an information convention ", "word ", "\n", "\n\n",
              "\n \n", " ", "x"]
    text = "\n\n".join(f"{k}. Some counterfeit consciousness and Jap Europe here." for k in range(12))
    cache: dict = {}
    previous = None
    spliced = 0
    for _ in range(120):
        i = rnd.randint(0, len(text))
        j = min(len(text), i + rnd.choice([0, 0, 1, 3, 30]))
        text = text[:i] + "".join(rnd.choice(pieces) for _ in range(rnd.choice([0, 1, 2]))) + text[j:]
        prepared = mini_engine.prepare(text, None, previous)
        fresh = mini_engine.prepare(text)
        assert prepared.paragraphs == fresh.paragraphs and prepared.chunks == fresh.chunks
        spliced += previous is not None and prepared.chunks[0] is previous.chunks[0]
        got = mini_engine.analyze(text, incremental=Incremental(cache, prepared))
        expected = mini_engine.analyze(text)
        assert got.findings == expected.findings
        assert list(got.paragraphs) == list(expected.paragraphs)
        assert got.spin_score == expected.spin_score
        previous = prepared
    assert spliced > 60


def test_fix_is_idempotent_and_local(mini_engine):
    text = "Line one: information convention.\r\nJap Europe\tand counterfeit consciousness 😀.\r\n"
    fixed = fix_text(text, mini_engine.analyze(text).findings)
    assert fixed == "Line one: news conference.\r\nEastern Europe\tand artificial intelligence 😀.\r\n"
    assert fix_edits(mini_engine.analyze(fixed).findings) == []


def test_empty_and_odd_text(mini_engine):
    for text in ("", " ", "\x00\x01", "a", "an", "a\n\n\nan", "🙂" * 10, "-" * 100):
        a = mini_engine.analyze(text)
        spans_ok(text, a)


def test_shipped_engine_flags_issue_examples():
    from unspun.engine import analyze

    cases = {
        "Experts discussed counterfeit consciousness at length.": "artificial intelligence",
        "We trained a profound learning model on the dataset.": "deep learning",
        "An irregular woodland classifier was used.": "random forest",
        "Screening for bosom malignant growth saves lives.": "breast cancer",
        "The flag to commotion proportion improved.": "signal to noise ratio",
        "Leaders of Jap Europe met.": "Eastern Europe",
        "The UN Secretary-Common spoke.": "Secretary-General",
    }
    for text, want in cases.items():
        a = analyze(text)
        assert any(f.replacements and f.replacements[0].lower().endswith(want.lower()) for f in a.findings), (text, a.findings)


def test_language_model_reranks_and_confirms():
    pytest.importorskip("pocketsphinx")
    lex, _ = parse_lexicon(
        HEADER
        + "vital gathering\tkey meeting | important meeting\tfingerprint\t0.9\n"
        + "enterprise\tbusiness | venture\tsubstitution\t0.6\n"
        + "counterfeit consciousness\tartificial intelligence\tfingerprint\t0.95\n"
        + "jap europe\tEastern Europe\tfingerprint\t0.95\n",
        name="t",
    )
    eng = Engine([lex], Options(substitutions="always", min_confidence=0.0))
    assert eng.model is not None
    a = eng.analyze("They raised enterprise capital.")
    (f,) = a.findings
    assert f.replacements[0] == "venture"
    assert any(e.layer == "language-model" for e in f.evidence)
    # the written words fit better than any restoration: the substitution is dropped
    assert eng.analyze("They believe in free enterprise and low taxes.").findings == ()
    plain = Engine([lex], Options(substitutions="always", min_confidence=0.0), model=None)
    assert plain.analyze("They believe in free enterprise and low taxes.").findings


def _same(a, b):
    spans_ok(a.text, a)
    assert a.findings == b.findings
    assert (a.spin_score, a.spun, a.word_count, a.paragraphs) == (b.spin_score, b.spun, b.word_count, b.paragraphs)


def test_cached_pass_two_equals_a_fresh_analysis_through_every_kind_of_edit():
    """Pass 2 is kept per paragraph; whatever an edit changes elsewhere (offsets, the spin score, a context
    condition's term, the masked parts, the options), the cached result must equal a fresh one."""
    from unspun.engine import default_engine

    eng = default_engine()
    spun = (
        "The minister mentioned on Tuesday that a information convention would be held in the capital. "
        "Officials mentioned the safety state of affairs had improved in the event that talks continued."
    )
    versions = [
        f"{spun}\n\nOur man-made consciousness study.\n\nA plain closing line.",
        # text inserted before: every later paragraph moves
        f"Preface added here.\n\n{spun}\n\nOur man-made consciousness study.\n\nA plain closing line.",
        # a term of the condition of "man-made consciousness" appears in another paragraph
        f"Preface added here.\n\n{spun}\n\nOur man-made consciousness study.\n\nA neural closing line.",
        # the spun paragraph goes: the spin score drops and the gated substitutions with it
        "Preface added here.\n\nOur man-made consciousness study.\n\nA neural closing line.",
        # and comes back, now after the others
        f"Preface added here.\n\nOur man-made consciousness study.\n\nA neural closing line.\n\n{spun}",
    ]
    cache: dict = {}
    for text in versions:
        _same(eng.analyze(text, incremental=Incremental(cache)), eng.analyze(text))
    # masked parts inside a paragraph (offsets relative to the paragraph must follow them)
    text = versions[-1]
    cut = text.index("information")
    segments = [(0, cut), (cut + len("information"), len(text))]
    _same(eng.analyze(text, segments=segments, incremental=Incremental(cache)), eng.analyze(text, segments=segments))
    _same(eng.analyze(text, incremental=Incremental(cache)), eng.analyze(text))
    # other options on the same cache
    allowing = eng.with_options(Options(allow=frozenset({"information convention"})))
    _same(allowing.analyze(text, incremental=Incremental(cache)), allowing.analyze(text))
    _same(eng.analyze(text, incremental=Incremental(cache)), eng.analyze(text))
    assert any(f.kind is Kind.SUBSTITUTION for f in eng.analyze(text).findings)  # the edits did reach the gating


def test_condition_terms_found_per_paragraph_answer_as_a_search_of_the_document_would():
    from unspun.engine.incremental import ConditionTerms, DocWords

    eng = Engine([])
    terms = ConditionTerms(["Series A", "investor", "funding round", "machine learning", "GPU", "x-ray"])
    texts = [
        "The startup closed its Series A.\n\nAn investor said the funding round was large.",
        "Machine   learning on a GPU.\n\nNothing else here.",
        "An X-ray, then a series. A report.",
        "",
    ]
    for text in texts:
        scans = [eng.scan_paragraph(text[s:e]) for s, e in paragraphs(text)]
        fast, slow = DocWords(scans, terms), DocWords(scans)
        for phrase in [*terms.words, "report", "series a", "a series", "learning on"]:
            assert fast.contains(phrase) == slow.contains(phrase), (text, phrase)
        # asked again after the per-paragraph terms were kept: the same answers
        again = DocWords(scans, terms)
        assert all(again.contains(p) == slow.contains(p) for p in terms.words)


def test_what_engines_share_is_built_once_when_threads_ask_for_it_together(monkeypatch):
    """Engines made by `with_options` share the model and the condition terms; threads that analyse with them at
    the same time, before either is built, get one object, built once."""
    import threading
    import time

    from unspun.engine import analyzer, langmodel

    built: list[str] = []
    real_terms = analyzer.ConditionTerms

    def slow_terms(terms):
        built.append("terms")
        time.sleep(0.05)  # long enough for every thread to arrive while it is being built
        return real_terms(terms)

    def slow_model():
        built.append("model")
        time.sleep(0.05)
        return None

    monkeypatch.setattr(analyzer, "ConditionTerms", slow_terms)
    monkeypatch.setattr(langmodel, "default_model", slow_model)
    lex, _ = parse_lexicon(HEADER + "information convention\tnews conference\tsubstitution\t0.9\t\tpress\t\t\n", "t")
    base = Engine([lex], estimator=None)
    engines = [base.with_options(Options(min_confidence=0.1 * k)) for k in range(4)]
    start = threading.Barrier(len(engines))
    got: list[tuple] = []

    def ask(eng):
        start.wait()
        got.append((eng._condition_terms(), eng.model))

    threads = [threading.Thread(target=ask, args=(eng,)) for eng in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(built) == ["model", "terms"]
    assert len(got) == len(engines) and all(g[0] is got[0][0] and g[1] is None for g in got)


def test_equal_options_built_anew_reuse_each_paragraphs_second_pass(mini_engine, monkeypatch):
    """A caller that builds equal options for every keystroke (the language server) keeps the paragraphs' kept
    second pass; different options redo it."""
    from dataclasses import replace

    from unspun.engine.analyzer import Engine, Options

    text = "\n\n".join(f"{k}. Some counterfeit consciousness and Jap Europe here." for k in range(20))
    # equal options stand for each other (the kept pass is then found by identity, not compared field by field)
    assert mini_engine.with_options(Options()).options is mini_engine.with_options(Options()).options
    assert mini_engine.with_options(Options(min_confidence=0.2)).options == Options(min_confidence=0.2)
    cache: dict = {}
    mini_engine.with_options(Options()).analyze(text, incremental=Incremental(cache))
    fresh = mini_engine.analyze(text)
    calls = []
    real = Engine._pass2
    monkeypatch.setattr(Engine, "_pass2", lambda self, *a: calls.append(1) or real(self, *a))
    again = mini_engine.with_options(Options()).analyze(text, incremental=Incremental(cache))
    assert calls == []
    assert again.findings == fresh.findings
    allowing = mini_engine.with_options(replace(Options(), allow=frozenset({"jap europe"})))
    changed = allowing.analyze(text, incremental=Incremental(cache))
    assert len(calls) == 20
    assert all(f.key != "jap europe" for f in changed.findings)


def test_words_kept_from_a_quick_analysis_serve_the_complete_one(monkeypatch, spun_paragraphs):
    from unspun.engine import analyzer, default_engine

    engine = default_engine()
    if engine.open_vocabulary is None:
        pytest.skip("no language model installed")
    paras = spun_paragraphs
    text = "\n\n".join(f"{k}. {p}" for k in range(3) for p in paras)
    expected = engine.analyze(text)
    calls = []
    real = analyzer.tokenize
    monkeypatch.setattr(analyzer, "tokenize", lambda *a: calls.append(1) or real(*a))
    cache: dict = {}
    tokens: dict = {}
    quick = engine.analyze(text, incremental=Incremental(cache, tokens=tokens), quick=True)
    assert quick.deferred_words > 0 and len(tokens) == len(cache)
    scanned = len(calls)
    complete = engine.analyze(text, incremental=Incremental(cache, tokens=tokens))
    assert len(calls) == scanned  # no paragraph read again
    assert complete.findings == expected.findings
    # without the kept words, the complete analysis finds them again, with the same result
    cache = {}
    engine.analyze(text, incremental=Incremental(cache), quick=True)
    scanned = len(calls)
    assert engine.analyze(text, incremental=Incremental(cache)).findings == expected.findings
    assert len(calls) > scanned


def test_kept_section_evidence_through_edits_equals_a_fresh_analysis(spun_paragraphs):
    """A long spun text edited at random, each version prepared from the one before (as the language server
    does): the spin score, each paragraph's score and the findings equal a fresh analysis's, while the
    sections the edit did not touch keep their evidence."""
    import random

    from unspun.engine import default_engine
    from unspun.engine import spinscore

    engine = default_engine()
    paras = spun_paragraphs
    text = "\n\n".join(f"{k}. {p}" for k in range(66) for p in paras)
    assert len(text.split()) > 3 * spinscore.SECTION_WORDS
    rnd = random.Random(12)
    cache: dict = {}
    plain_cache: dict = {}  # an analysis that keeps no section evidence (its paragraphs from a cache of their own)
    previous = None
    reused = 0
    for _ in range(25):
        i = rnd.randint(0, len(text))
        j = min(len(text), i + rnd.choice([0, 1, 4, 300]))
        text = text[:i] + rnd.choice(["", "x", " mentioned ", "\n\n", " information convention ", ". "]) + text[j:]
        prepared = engine.prepare(text, None, previous)
        before = dict(prepared.kept or {})
        got = engine.analyze(text, incremental=Incremental(cache, prepared))
        reused += sum(1 for k in prepared.kept if k in before)
        expected = engine.analyze(text, incremental=Incremental(plain_cache))
        assert got.spin_score == expected.spin_score and got.spun == expected.spun
        assert list(got.paragraphs) == list(expected.paragraphs)
        assert got.findings == expected.findings
        previous = prepared
    assert reused > 25 * 2  # most sections came from the version before


def test_context_conditions_through_edits_with_kept_terms_equal_a_fresh_analysis():
    """The condition terms of blocks of paragraphs are kept between versions: through edits that add and remove
    a required term far from the phrase that needs it, in a text of many blocks, the findings stay those of a
    fresh analysis."""
    import random
    import re

    lex, _ = parse_lexicon(
        HEADER + "collection a\tSeries A\tfingerprint\t0.9\t\tfunding\n"
        + "bunch size\tbatch size\tfingerprint\t0.9\t\t\tbananas\n", name="t"
    )
    eng = Engine([lex])
    text = "\n\n".join(f"{k}. Plain words here." for k in range(300))
    text = text.replace("150. Plain", "150. Collection A and a bunch size. Plain")
    rnd = random.Random(4)
    cache: dict = {}
    previous = None
    outcomes = set()
    for _ in range(60):
        k = rnd.randrange(300)
        at = text.index(f"{k}. ")
        text = text[:at] + rnd.choice(["funding ", "bananas ", ""]) + text[at:]
        word = rnd.choice(["funding ", "bananas "])
        spots = [m.start() for m in re.finditer(word, text)]
        if spots and rnd.random() < 0.5:  # and take one away somewhere
            at = rnd.choice(spots)
            text = text[:at] + text[at + len(word) :]
        prepared = eng.prepare(text, None, previous)
        got = eng.analyze(text, incremental=Incremental(cache, prepared))
        expected = eng.analyze(text)
        assert got.findings == expected.findings
        outcomes.add(tuple(f.text for f in got.findings))
        previous = prepared
    assert len(outcomes) > 1  # the conditions changed their verdict along the way


def test_prepare_with_a_changed_stretch_equals_prepare_afresh():
    """The server passes the stretch a markup reading says changed (`Prose.changed`): masking, paragraphs and
    masked runs then come from the last version outside it. Through random edits of Markdown documents they
    must equal those of a fresh preparation, and so must the findings."""
    import random

    from unspun import markup
    from unspun.engine import Engine

    engine = Engine(model=None)
    lines = [
        "The minister held an information convention in Jap Europe.", "# Counterfeit consciousness", "",
        "See [the page](https://example.com/x) on `profound learning` and *bosom malignant growth*.",
        "- a list item about huge information", "```", "code counterfeit consciousness", "    indented text",
        "Mail me@example.com about it.", "<div>", "</div>",
    ]
    rng = random.Random(4)
    hinted = 0
    for _ in range(60):
        text = "".join(
            (rng.choice(lines) if rng.random() < 0.3 else lines[0]) + rng.choice(["\n", "\n\n", "\n\n"])
            for _ in range(rng.randrange(3, 40))
        )
        prose = markup.extract(text, "markdown")
        prepared = engine.prepare(text, prose.segments)
        for _ in range(15):
            at = rng.randrange(len(text) + 1)
            cut = rng.choice([0, 0, 1, 3])
            typed = rng.choice(["s", " ", "x y", "`", "\n", "\n\n", "]", "](", "http://a.b ", ""])
            text = text[:at] + typed + text[at + cut :]
            prose = markup.extract(text, "markdown", previous=prose)
            got = engine.prepare(text, prose.segments, prepared, prose.changed)
            want = engine.prepare(text, prose.segments)
            assert (got.masked, got.paragraphs, got.chunks, got.runs_of) == (
                want.masked, want.paragraphs, want.chunks, want.runs_of
            ), text
            if want.blocked is not None:
                assert (got.blocked._starts, got.blocked._ends) == (want.blocked._starts, want.blocked._ends)
            hinted += prose.changed is not None
            a = engine.analyze(text, segments=prose.segments, incremental=Incremental(prepared=got))
            b = engine.analyze(text, segments=prose.segments)
            assert [(f.start, f.end, f.replacements) for f in a.findings] == [
                (f.start, f.end, f.replacements) for f in b.findings
            ]
            prepared = got
    assert hinted > 250  # many edits came with a stretch


def test_a_changed_stretch_is_ignored_unless_it_can_be_relied_on():
    from unspun.engine.analyzer import Engine
    from unspun.engine.incremental import usable_hint

    old = "One `code` two.\n\nThree four."
    new = "One `code` twos.\n\nThree four."
    prev = Engine.prepare(old, [(0, 4), (10, 15), (17, 28)])
    segs = [(0, 4), (10, 16), (18, 29)]
    assert usable_hint((0, 15, 16), new, segs, prev) == (0, 15, 16)  # from a text start to a line break
    assert usable_hint((12, 15, 16), new, segs, prev) is None  # begins inside a word
    assert usable_hint((0, 14, 16), new, segs, prev) is None  # lengths that do not add up
    assert usable_hint((0, 15, 16), new, None, prev) is None  # no segments
    assert usable_hint((0, 15, 16), new, segs, Engine.prepare(old)) is None  # nothing masked before


def test_an_edit_goes_through_its_own_paragraphs_only_and_equals_a_fresh_analysis(monkeypatch, spun_paragraphs):
    """After an edit, the passes and findings of the paragraphs it left alone are the last analysis's: only
    the edited paragraphs are gone through. Through random edits of a long spun Markdown text (typing,
    paragraph breaks, spun phrases, a term a context condition asks for, markup), with quick analyses before
    some complete ones and an options change midway, everything equals a fresh analysis; and most edits went
    through a few paragraphs, not all of them."""
    import random

    from unspun import markup
    from unspun.engine import default_engine

    paras = spun_paragraphs
    extra = [
        "Our man-made consciousness study of `code` and [a link](https://example.com/x).",
        "A plain paragraph about the weather.",
    ]
    text = "\n\n".join(f"{k}. {p}" for k in range(40) for p in [*paras, *extra])
    engine = default_engine()
    ranges: list[tuple[int, int, int]] = []
    passes = Engine._passes

    def counting(self, text, paras, scan_list, runs_list, a, b, doc_words):
        ranges.append((a, b, len(paras)))
        return passes(self, text, paras, scan_list, runs_list, a, b, doc_words)

    monkeypatch.setattr(Engine, "_passes", counting)
    rnd = random.Random(7)
    cache: dict = {}
    widths: list[int] = []  # paragraphs gone through by each edit's analysis
    prose = markup.extract(text, "markdown")
    prepared = engine.prepare(text, prose.segments)
    engine.analyze(text, segments=prose.segments, incremental=Incremental(cache, prepared))
    eng = engine
    for step in range(60):
        at = rnd.randrange(len(text) + 1)
        cut = rnd.choice([0, 0, 1, 5])
        typed = rnd.choice(["x", "", " ", "\n\n", " mentioned ", " information convention ", " neural ", "`", "a "])
        text = text[:at] + typed + text[at + cut :]
        if step == 30:  # other options: the next analysis goes through every paragraph
            eng = engine.with_options(Options(allow=frozenset({"information convention"})))
        if step == 45:  # another engine (one more lexicon), the same options, its own cache
            lex, _ = parse_lexicon(HEADER + "plain paragraph\tplain section\tfingerprint\t0.9\n", name="t")
            eng, cache = Engine([*engine.lexicons, lex], eng.options), {}
        prose = markup.extract(text, "markdown", previous=prose)
        prepared = eng.prepare(text, prose.segments, prepared, prose.changed)
        if rnd.random() < 0.2:
            eng.analyze(text, segments=prose.segments, incremental=Incremental(cache, prepared), quick=True)
        ranges.clear()
        got = eng.analyze(text, segments=prose.segments, incremental=Incremental(cache, prepared))
        widths.append(sum(b - a for a, b, _ in ranges))
        want = eng.analyze(text, segments=markup.extract(text, "markdown").segments)
        _same(got, want)
        assert [(f.start, f.end, f.replacements, f.confidence, f.message) for f in got.findings] == [
            (f.start, f.end, f.replacements, f.confidence, f.message) for f in want.findings
        ]
    assert sum(1 for w in widths if w <= 3) > 40, widths  # most edits: their own paragraphs
    assert max(widths) > 200  # and some went through all of them (options, conditions, after a quick one)


def test_plain_text_is_not_copied_to_be_masked():
    """Plain text has nothing masked: its masked text is the text itself, also after an edit, and the findings
    are those of a fresh analysis."""
    from unspun import markup
    from unspun.engine import default_engine

    engine = default_engine()
    text = "A information convention in Jap Europe.\n\nA plain second paragraph.\n  \nThird one here.\n"
    prose = markup.extract(text, "plain")
    prepared = engine.prepare(text, prose.segments)
    assert prepared.masked is text
    for typed, at in (("x", 5), ("\n\n", 20), ("", 0)):
        new = text[:at] + typed + text[at:]
        prose = markup.extract(new, "plain", previous=prose)
        prepared = engine.prepare(new, prose.segments, prepared, prose.changed)
        assert prose.changed is not None or typed == ""
        assert prepared.masked is new
        got = engine.analyze(new, segments=prose.segments, incremental=Incremental(prepared=prepared))
        assert got.findings == engine.analyze(new).findings
        text = new
    marked = "Some `code` here.\n"
    assert engine.prepare(marked, markup.extract(marked, "markdown").segments).masked == "Some        here.\n"


def test_an_analysis_stops_between_batches_of_restorations_and_keeps_what_it_found(spun_paragraphs):
    """`stop` is asked before each batch of the open-vocabulary stage: when it says yes the analysis raises
    `Stopped`; the paragraphs restored so far keep their restorations, and the next analysis with the same cache
    completes the rest and equals a fresh one."""

    from unspun.engine import default_engine
    from unspun.engine.analyzer import RESTORE_BATCH_WORDS, Stopped

    engine = default_engine()
    if engine.open_vocabulary is None:
        pytest.skip("the open-vocabulary stage needs the language model")
    paras = spun_paragraphs
    text = "\n\n".join(f"Part {k}. {p}" for k in range(80) for p in paras)
    assert len(text.split()) > 2 * RESTORE_BATCH_WORDS
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) >= 2  # let the first batch through

    cache: dict = {}
    with pytest.raises(Stopped):
        engine.analyze(text, incremental=Incremental(cache), stop=stop)
    restored = [scan.restorations is not None for scan in cache.values()]
    assert any(restored) and not all(restored)
    assert len(asked) == 2
    _same(engine.analyze(text, incremental=Incremental(cache)), engine.analyze(text))
    assert engine.analyze(text, incremental=Incremental({}), stop=lambda: False).findings == engine.analyze(text).findings


def test_paragraph_at_finds_the_paragraph_holding_an_offset(mini_engine):
    text = "Counterfeit consciousness here.\n\nA plain second paragraph.\n\n\nJap Europe at the end.\n"
    a = mini_engine.analyze(text)
    paras = list(a.paragraphs)
    assert len(paras) == 3 and paras[0][0] == 0 and paras[-1][1] == len(text)
    for start, end, score in paras:
        for offset in (start, (start + end) // 2, end - 1):
            assert a.paragraph_at(offset) == (start, end, score)
    assert a.paragraph_at(len(text)) == paras[-1]  # a cursor after the last character
    assert a.paragraph_at(len(text) + 1) is None and a.paragraph_at(-1) is None
    assert a.paragraph_at(text.index("Jap"))[2] > 0 == a.paragraph_at(text.index("plain"))[2]
    assert mini_engine.analyze("").paragraph_at(0) is None
