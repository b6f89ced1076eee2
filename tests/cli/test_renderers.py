"""Output formats are a registry: a renderer and its registration make a format of `unspun check` (its choices,
its help, its output), fed structured results -- what a `-j` worker sends back is data, never rendered text."""

from __future__ import annotations

import pickle

import pytest

from unspun import cli, renderers
from unspun.results import FileResult

SPUN = "The delegates met at an information convention about counterfeit consciousness.\n"


def test_a_registered_renderer_is_a_format_of_check(tmp_path, capsys):
    @renderers.register("tally", "the number of findings of each file")
    class Tally(renderers.Renderer):
        def file(self, result: FileResult) -> None:
            self.out.write(f"{result.path} {len(result.findings)}\n")

    try:
        p = tmp_path / "a.md"
        p.write_text(SPUN)
        with pytest.raises(SystemExit):
            cli.main(["check", "--help"])
        assert "tally: the number of findings of each file" in " ".join(capsys.readouterr().out.split())
        code = cli.main(["check", "--no-config", "--format", "tally", str(p)])
        out = capsys.readouterr().out
        assert code == 1 and out.split()[0] == str(p) and int(out.split()[1]) >= 1
    finally:
        del renderers.REGISTRY["tally"]


def test_a_worker_result_is_structured_and_carries_lines_only_when_the_renderer_wants_them(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("# Title\n\n" + SPUN)
    args = cli.build_parser().parse_args(["check", "--no-config", str(p)])
    result = cli._check_one(cli._Run(args), str(p))
    assert isinstance(result, FileResult) and result.findings and not result.lines
    again = pickle.loads(pickle.dumps(result))  # what a worker process sends back
    assert again.findings == result.findings and all(isinstance(f, dict) for f in again.findings)
    args = cli.build_parser().parse_args(["check", "--no-config", "--show-source", str(p)])
    shown = cli._check_one(cli._Run(args), str(p))
    assert shown.findings == result.findings and shown.lines == {2: SPUN.rstrip("\n")}
