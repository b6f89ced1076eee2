"""Benchmark inputs: clean and spun documents of a given size, built the way bench/engine_speed.py builds them.

* clean: the paragraphs of `../shared/eval/clean-dev/` (about 430,000 words of human prose) when present, then
  the project's examples; `engine_speed.build` takes them in order, so documents up to that size repeat nothing,
  and beyond it each further copy of a paragraph is numbered ("(2) ...") so that none repeats.
* spun: the clean paragraphs passed through `bench/spinner.py` (a word-substitution spinner), the sources whose
  spun form reads as spun first (the speeches; literary prose, whose vocabulary the shipped lexicons know
  least, last), then the real spun paragraphs of `../shared/eval/news-dev/` and the examples. Nothing repeats
  until all of it is used: the engine keeps the restorations of windows it has scored, so repeated text would
  be timed partly from that cache. Past the end, copies are numbered ("12. ").

`start` rotates the first paragraph (clean) or skips that many words (spun), so documents opened one after the
other differ; spun documents at starts that far apart share no text.
"""

from __future__ import annotations

from pathlib import Path

from engine_speed import EVAL, ROOT, build, source_paragraphs  # noqa: F401 - re-exported

SPUN = EVAL.parent / "news-dev"


def compile_bytecode() -> None:
    """Write the bytecode of the unspun package that the commands being timed import.

    An installed package has it (pip compiles it at install time), but a checkout installed in editable mode
    gets it only when Python may write it at import: with ``PYTHONDONTWRITEBYTECODE`` set, every start would
    compile the changed modules again (about 0.13 s of a short ``unspun check`` on the slower machine of
    docs/benchmarks.md), which is not what a user's start costs."""
    import compileall

    import unspun

    compileall.compile_dir(Path(unspun.__file__).parent, quiet=1)


_clean: list[str] | None = None
_spun: list[str] | None = None


def clean_paragraphs() -> list[str]:
    global _clean
    if _clean is None:
        _clean = source_paragraphs()
    return _clean


def spun_paragraphs() -> list[str]:
    """The spun source: see the module documentation."""
    global _spun
    if _spun is None:
        from spinner import Spinner

        spinner = Spinner()
        groups: list[tuple[float, list[str]]] = []
        seed = 0
        files = sorted(EVAL.glob("*.txt")) if EVAL.is_dir() else []
        for p in files:
            spun = []
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    spun.append(spinner.spin(line, seed))
                    seed += 1
            groups.append((_spin_score(spun), spun))
        groups.sort(key=lambda g: -g[0])
        paras = [para for _, spun in groups for para in spun]
        real: list[str] = []
        if SPUN.is_dir():
            for p in sorted(SPUN.glob("*.spun.txt")):
                real += [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        for p in sorted((ROOT / "examples").glob("*")):
            real += [b for b in p.read_text(encoding="utf-8").split("\n\n") if b.strip() and not b.startswith("#")]
        _spun = paras + real
    return _spun


def _spin_score(paras: list[str]) -> float:
    """The spin score of the first 10,000 words of `paras`."""
    from unspun.engine import default_engine

    return default_engine().analyze(build(paras, 10_000)).spin_score if paras else 0.0


def document(kind: str, words: int, start: int = 0) -> str:
    """A `kind` ("clean" or "spun") document of at least `words` words (split on whitespace)."""
    if kind == "clean":
        paras = clean_paragraphs()
        k = start % len(paras)
        paras = paras[k:] + paras[:k]
        total = sum(len(p.split()) for p in paras)
        if words <= total:
            return build(paras, words)
        # more than the source holds: later copies are numbered so that no paragraph repeats
        copies = -(-words // total)
        paras = paras + [f"({c}) {p}" for c in range(2, copies + 1) for p in paras]
        return build(paras, words)
    if kind == "spun":
        base = spun_paragraphs()
        total = sum(len(p.split()) for p in base)
        skip = start % total if total else 0
        k = 0
        while skip > 0 and k < len(base):
            skip -= len(base[k].split())
            k += 1
        out, n, i = [], 0, 0
        while n < words:
            j = k + i
            para = base[j % len(base)] if j < len(base) else f"{j // len(base) + 1}. " + base[j % len(base)]
            out.append(para)
            n += len(para.split())
            i += 1
        return "\n\n".join(out)
    raise ValueError(kind)


def have_eval() -> bool:
    return EVAL.is_dir()


def write_corpus(folder: Path, kind: str, words: int, file_words: int = 10_000) -> tuple[int, int]:
    """Write one `words`-word `kind` document into `folder`, cut into files of about `file_words` words (so no
    two files share text); return (files, words)."""
    folder.mkdir(parents=True, exist_ok=True)
    paras = document(kind, words).split("\n\n")
    files, total, chunk, n = 0, 0, [], 0
    for para in paras + [None]:
        if para is None or n >= file_words:
            if chunk:
                (folder / f"{kind}-{files:04d}.txt").write_text("\n\n".join(chunk) + "\n", encoding="utf-8")
                files += 1
                total += n
            chunk, n = [], 0
        if para is not None:
            chunk.append(para)
            n += len(para.split())
    return files, total
