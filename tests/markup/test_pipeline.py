"""The one checking pipeline: the command line's one-shot check and the server's incremental one find the same,
read the format the same way, and leave alone what the text's own directives ignore."""

from __future__ import annotations

from unspun import pipeline

DOC = (
    "# Notes\n\nThe delegates met at an information convention.\n\n```\ncounterfeit consciousness\n```\n\n"
    "<!-- unspun: ignore \"counterfeit consciousness\" -->\nA counterfeit consciousness model.\n"
)


def test_format_of_prefers_what_is_named_then_the_language_then_the_file_name():
    assert pipeline.format_of("/x/notes.md") == "markdown"
    assert pipeline.format_of("/x/notes.md", "text") == "markdown"  # a generic languageId says less
    assert pipeline.format_of("/x/notes.txt", "latex") == "latex"
    assert pipeline.format_of("/x/notes.md", forced="plain") == "plain"
    assert pipeline.format_of(None) == pipeline.format_of("-") == "plain"


def test_one_shot_and_incremental_checks_agree(mini_engine):
    one = pipeline.check(DOC, "markdown", mini_engine)
    state = pipeline.State()
    first = pipeline.check(DOC, "markdown", mini_engine, state=state)
    assert one.analysis.findings == first.analysis.findings
    assert [f.text for f in one.analysis.findings] == ["an information convention"]
    assert one.prose.ignored == {"counterfeit consciousness"} and "counterfeit consciousness" in one.options.allow
    unignored = pipeline.check(DOC.replace("unspun: ignore", "unspun note"), "markdown", mini_engine)
    assert [f.text for f in unignored.analysis.findings] == ["an information convention", "A counterfeit consciousness"]
    # an edit: the state's reading is reused, the findings are those of a fresh check of the new text
    edited = DOC.replace("delegates", "members")
    start = DOC.index("delegates")
    again = pipeline.check(
        edited, "markdown", mini_engine, state=state, edit=(DOC, start, start + len("delegates"), start + len("members")),
    )
    assert again.scanned < len(again.analysis.paragraphs)
    assert again.analysis.findings == pipeline.check(edited, "markdown", mini_engine).analysis.findings


def test_only_the_first_max_chars_are_read(mini_engine):
    text = "An information convention.\n\n" * 50
    cut = pipeline.check(text, "plain", mini_engine, max_chars=100, state=pipeline.State())
    assert cut.analysis.findings and max(f.end for f in cut.analysis.findings) <= 100


def test_hooks_stop_the_work(mini_engine):
    import pytest

    with pytest.raises(pipeline.Cancelled):
        pipeline.check(DOC, "markdown", mini_engine, state=pipeline.State(), hooks=pipeline.Hooks(stop=lambda: True))
