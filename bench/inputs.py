"""Benchmark inputs: clean and spun documents of a given size, built the way bench/engine_speed.py builds them.

* clean: the paragraphs of `../shared/eval/clean-dev/` (about 430,000 words of human prose) when present, then
  the project's examples; `engine_speed.build` takes them in order, so documents up to that size repeat nothing,
  and beyond it each further copy of a paragraph is numbered ("(2) ...") so that none repeats.
* spun: the spun paragraphs of `../shared/eval/news-dev/*.spun.txt` and the examples, repeated. Each copy gets
  a running number ("12. ") so that no two paragraphs are equal and the per-paragraph cache cannot skip work
  a real document would need.

`start` rotates the first paragraph, so documents of the same size opened one after the other differ.
"""

from __future__ import annotations

from pathlib import Path

from engine_speed import EVAL, ROOT, build, source_paragraphs  # noqa: F401 - re-exported

SPUN = EVAL.parent / "news-dev"

_clean: list[str] | None = None
_spun: list[str] | None = None


def clean_paragraphs() -> list[str]:
    global _clean
    if _clean is None:
        _clean = source_paragraphs()
    return _clean


def spun_paragraphs() -> list[str]:
    global _spun
    if _spun is None:
        paras: list[str] = []
        if SPUN.is_dir():
            for p in sorted(SPUN.glob("*.spun.txt")):
                paras += [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        for p in sorted((ROOT / "examples").glob("*")):
            paras += [b for b in p.read_text(encoding="utf-8").split("\n\n") if b.strip() and not b.startswith("#")]
        _spun = paras
    return _spun


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
        out, n, i = [], 0, 0
        while n < words:
            para = f"{i + 1}. " + base[(i + start) % len(base)]
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
