"""Open-vocabulary restoration: spins that no lexicon lists.

A spinner replaces a word with one of its thesaurus synonyms. Reading the thesaurus backwards gives, for each
written word, the words it may have replaced; the trigram model then says whether one of them fits the
context much better than the word as written. Only words whose written form fits its context poorly are
considered, and only restorations that gain a lot; the analyzer shows these findings only in texts whose spin
score says they are spun.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspun.engine.inflect import article_for, is_plural, pluralize, singularize
from unspun.engine.lmcheck import context_of, sentence_ids
from unspun.engine.npzfile import StoredNpz
from unspun.engine.tokenize import Token

log = logging.getLogger("unspun.engine")

#: a word this frequent (log10 unigram probability) is a function word: never a spin candidate
FUNCTION_WORD_LOGPROB = -2.4
#: candidates rarer than this are not proposed as restorations
RARE_CANDIDATE_LOGPROB = -6.0
#: at most this many restorations are scored per word (the most frequent ones)
MAX_CANDIDATES = 60
#: a written word whose log10 probability in context is above this fits well enough to leave alone
WELL_FITTED_LOGPROB = -2.0
#: minimum log10 gain of a restoration over the written word
MIN_GAIN = 2.5
#: how much a candidate's rank in the thesaurus matters: the written word near the top of the candidate's
#: synonym list (where a spinner picks) scores up to this much more than one at the bottom
RANK_WEIGHT = 1.0
#: bonus for a candidate that fits an indefinite article the written word does not ("a agency" -> "a firm")
ARTICLE_BONUS = 1.0
#: bonus when the thesaurus lists the pair both ways (close synonyms)
MUTUAL_BONUS = 0.5


@dataclass(frozen=True)
class Restoration:
    token: int  # index of the written token
    start: int
    end: int
    candidates: tuple[str, ...]  # best first
    gains: tuple[float, ...]

    @property
    def confidence(self) -> float:
        g = self.gains[0]
        return round(1.0 / (1.0 + math.exp(-(g - MIN_GAIN) * 1.2)) * 0.9, 3)


class _Candidates:
    """The restorations considered for one written word, most frequent first: their names (`words`), their
    language-model ids (`ids`, int64), the thesaurus evidence for each (`priors`, see
    `OpenVocabulary._priors_many`, float64) and whether each takes "an" (`an`, bool). Taken from the
    precomputed table (`CandidateTable`), the names are looked up only when asked for (most windows restore
    nothing and never need them)."""

    __slots__ = ("_words", "_forms", "_names", "ids", "priors", "an")

    def __init__(self, words, ids, priors, an, forms=None, names=None):
        self._words: tuple[str, ...] | None = words
        self._forms = forms  # numbers in `names`, when `words` is None
        self._names = names
        self.ids, self.priors, self.an = ids, priors, an

    @property
    def words(self) -> tuple[str, ...]:
        if self._words is None:
            self._words = tuple(map(self._names.__getitem__, self._forms.tolist()))
        return self._words

    def __len__(self) -> int:
        return len(self.ids)


#: bump when the layout of the candidate table changes
TABLE_FORMAT = 1
#: the precomputed candidate table, beside the synonym index it was built from (scripts/build_indexes.py)
SHIPPED_TABLE = "open-candidates.npz"


class CandidateTable:
    """Every language-model word's restoration candidates, precomputed by `build_candidate_table` (at packaging
    time, scripts/build_indexes.py) and read as stored, so that a word's candidates and their inflected forms
    are a look-up: rows by the written word's language-model id (`ptr`), per candidate the number of its name
    in `names`, its language-model id, the numbers its prior is made of (rank in the list, list length, whether
    listed both ways: the prior is computed from them exactly as `_priors_many` does) and whether it takes
    "an". It holds the candidates `_make_candidates_many` makes for every alphabetic vocabulary word, for one
    synonym index and one model (`signature`); a table made for others is not used."""

    def __init__(self, z) -> None:
        self.ptr = z["ptr"]
        self.forms = z["forms"]
        self.lm = z["lm"]
        self.rank = z["rank"]
        self.length = z["length"]
        self.mutual = z["mutual"]
        self.an = z["an"]
        self._blob = z["names"]
        self._names: list[str] | None = None

    @property
    def names(self) -> list[str]:
        if self._names is None:
            self._names = self._blob.tobytes().decode("utf-8").split("\n")
        return self._names

    @staticmethod
    def signature(model, thesaurus) -> str | None:
        """What the table must have been built for, or None when the synonym index has no digest (not loaded
        from a file: no table applies)."""
        digest = getattr(thesaurus, "digest", None)
        if digest is None or model is None:
            return None
        return json.dumps(
            {
                "format": TABLE_FORMAT, "thesaurus": digest, "model": list(model.counts),
                "vocab": len(model.vocab), "rare": RARE_CANDIDATE_LOGPROB, "max": MAX_CANDIDATES,
                "rank_weight": RANK_WEIGHT, "mutual_bonus": MUTUAL_BONUS,
            },
            sort_keys=True,
        )

    @classmethod
    def load(cls, path: Path, signature: str | None) -> CandidateTable | None:
        """The table at `path` when it was built for `signature`, else None."""
        if signature is None or not path.is_file():
            return None
        try:
            # mapped, always: a document touches a small part of it, and forked workers share it
            with StoredNpz(path, mapped=True) as z:
                if str(z["signature"][()]) != signature:
                    log.info("the candidate table %s was built for other data; not used", path)
                    return None
                table = cls(z)
            if len(table.ptr) != json.loads(signature)["vocab"] + 1 or table.ptr[-1] != len(table.forms):
                raise ValueError("inconsistent arrays")
            return table
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring unreadable candidate table %s (%s)", path, exc)
            return None

    def take(self, rows: list[int]) -> list[_Candidates]:
        """The candidates of the words whose language-model ids are `rows`, in one vectorised pass."""
        ptr = self.ptr
        starts = ptr[rows]
        ends = ptr[np.asarray(rows, dtype=np.int64) + 1]
        counts = ends - starts
        total = int(counts.sum())
        if total:
            at = np.repeat(ends - np.cumsum(counts), counts) + np.arange(total)
            rank = self.rank[at]
            prior = -RANK_WEIGHT * rank / np.maximum(self.length[at], 1)
            prior = prior + np.where(self.mutual[at], MUTUAL_BONUS, 0.0)
            forms, lm, an = self.forms[at], self.lm[at].astype(np.int64), self.an[at]
        else:
            prior = np.zeros(0)
            forms = lm = np.zeros(0, dtype=np.int64)
            an = np.zeros(0, dtype=bool)
        ends_ = np.cumsum(counts).tolist()
        names = self.names
        # each word's stretch of the four arrays (views, as `np.split` makes them, without its per-piece cost)
        return [
            _Candidates(None, lm[a:b], prior[a:b], an[a:b], forms[a:b], names)
            for a, b in zip([0, *ends_[:-1]], ends_)
        ]


def build_candidate_table(ov: OpenVocabulary, out: Path, batch: int = 2000) -> dict:
    """Make the candidates of every alphabetic vocabulary word of `ov`'s model with `ov._make_candidates_many`
    and store them as `CandidateTable` reads them (an uncompressed ``.npz``, atomically). Returns counts."""
    model, th = ov.model, ov.thesaurus
    signature = CandidateTable.signature(model, th)
    if signature is None:
        raise ValueError("the synonym index has no digest (load it from a file)")
    vocab = model.vocab
    words = [w for w in vocab if w.isalpha()]
    rows = {w: i for i, w in enumerate(vocab)}
    names: dict[str, int] = {}
    per_row: dict[int, tuple] = {}
    for b in range(0, len(words), batch):
        chunk = words[b : b + batch]
        ranked, infos, ranks, lengths, mutual = ov._make_candidates_many(chunk, parts=True)
        for w, r, info, rk, ln, mu in zip(chunk, ranked, infos, ranks, lengths, mutual):
            if r:
                per_row[rows[w]] = (
                    [names.setdefault(c, len(names)) for c in r], [i[4] for i in info], [i[3] for i in info],
                    rk, ln, mu,
                )
    counts = np.zeros(len(vocab), dtype=np.int64)
    for i, row in per_row.items():
        counts[i] = len(row[0])
    ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    order = sorted(per_row)

    def flat(k: int, dtype) -> np.ndarray:
        return np.asarray([x for i in order for x in per_row[i][k]], dtype=dtype)

    arrays = {
        "ptr": ptr, "forms": flat(0, np.int32), "lm": flat(1, np.int32), "an": flat(2, bool),
        "rank": flat(3, np.int32), "length": flat(4, np.int32), "mutual": flat(5, bool),
        "names": np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
        "signature": np.array(signature),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp.npz")
    try:
        np.savez(tmp, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"words": len(per_row), "candidates": int(ptr[-1]), "names": len(names)}


#: restorations of a window (left context, word, right context, article) are remembered: after an edit, the
#: windows of the paragraph that the edit did not touch are not scored again. Two generations of this many
#: windows each (about 150 bytes a window) keep the memory bounded.
WINDOW_CACHE = 10_000
#: the candidates of a written word are remembered the same way (about 2 KB a word)
CANDIDATE_CACHE = 2_000
#: what the priors need of each candidate word is remembered for this many words, then forgotten at once
INFO_CACHE = 50_000


class OpenVocabulary:
    def __init__(self, model, thesaurus):
        self.model = model
        self.thesaurus = thesaurus
        self._cands: dict[str, _Candidates] = {}
        self._cands_old: dict[str, _Candidates] = {}
        #: the precomputed candidates (`CandidateTable`): None until first needed, False when there are none
        self._table: CandidateTable | None | bool = None
        self._plain: np.ndarray | None = None
        self._infos: dict[str, tuple[int, int, int, bool, int]] = {}
        #: per way of inflecting (`_AS_IS`, `_PLURAL`, `_ING`, `_ED`): the unigram log probability of each
        #: thesaurus word so inflected
        self._form_unigram: dict[int, np.ndarray] = {}
        self._verb_forms: dict[tuple[str, int], str] = {}
        # window key -> (candidates, gains) of a restoration, or None when the window has none
        self._windows: dict[str, tuple[tuple[str, ...], tuple[float, ...]] | None] = {}
        self._windows_old: dict[str, tuple[tuple[str, ...], tuple[float, ...]] | None] = {}
        self._words_shared = False

    def share_words(self) -> None:
        """Make the synonym index's words and the candidate table's names the language model's string objects
        where they are equal: one object per word instead of up to three (about 2 MB). Done once, for a long
        run (it takes some 15 ms); candidates already remembered keep the strings they were made with."""
        if self._words_shared:
            return
        self._words_shared = True
        vocab = self.model.vocab
        same = dict(zip(vocab, vocab))
        self.thesaurus.share_words(same)
        self._from_table([])  # (loads the candidate table)
        table = self._table
        if table:
            names = table.names
            names[:] = map(same.get, names, names)

    def _candidates_of(self, words: Sequence[str]) -> list[_Candidates]:
        """The candidates of each of `words`: remembered ones from memory, the others made in one batch."""
        out: list[_Candidates | None] = []
        todo: dict[str, None] = {}
        for word in words:
            hit = self._cands.get(word)
            if hit is None:
                hit = self._cands_old.get(word)
                if hit is None:
                    todo[word] = None
                else:
                    self._remember(word, hit)
            out.append(hit)
        if todo:
            made = self._from_table(todo)
            rest = [w for w in todo if w not in made]
            if rest:
                made.update(zip(rest, self._make_candidates_many(rest)))
            for word in todo:
                self._remember(word, made[word])
            out = [made[w] if c is None else c for w, c in zip(words, out)]
        return out  # type: ignore[return-value]

    def _from_table(self, words) -> dict[str, _Candidates]:
        """The candidates of those of `words` the precomputed table holds (see `CandidateTable`)."""
        table = self._table
        if table is False:
            return {}
        if table is None:
            table = self._table = self._load_table() or False
            if table is False:
                return {}
        model = self.model
        vocab = model.vocab
        hits, rows = [], []
        for w in words:
            i = model.word_id(w)
            if i >= 0 and vocab[i] == w and w.isalpha():
                hits.append(w)
                rows.append(i)
        return dict(zip(hits, table.take(rows))) if rows else {}

    def _load_table(self) -> CandidateTable | None:
        reverse_file = getattr(self.thesaurus, "_reverse_file", None)
        if reverse_file is None:
            return None
        return CandidateTable.load(
            Path(reverse_file).with_name(SHIPPED_TABLE), CandidateTable.signature(self.model, self.thesaurus)
        )

    def _remember(self, word: str, cands: _Candidates) -> None:
        self._cands[word] = cands
        if len(self._cands) > CANDIDATE_CACHE:
            self._cands_old, self._cands = self._cands, {}

    def _make_candidates(self, word: str) -> _Candidates:
        return self._make_candidates_many([word])[0]

    def _make_candidates_many(self, words: Sequence[str], parts: bool = False) -> list[_Candidates]:
        """The words each of `words` may have replaced: those whose synonym lists hold it; for a plural, also
        those holding its singular, pluralized; for a verb form in -ing or -ed, also those holding its stem,
        given the same ending ("studying": "read" lists "study", so "reading"). Not rarer than
        RARE_CANDIDATE_LOGPROB, the most frequent first.

        The lists of all the words are gathered, filtered and ranked as numbers together; only the names that
        make the cut are built."""
        th = self.thesaurus
        plain = self._plain_words()
        bases: list[str] = []
        sources: list[int] = []  # thesaurus numbers of the words (singulars, stems) whose reverse lists are read
        owner: list[int] = []  # which of `words` each source serves
        modes: list[int] = []  # how a source's candidates are inflected (`_AS_IS`, ...)
        skip: list[tuple[int, int]] = []  # per source: the numbers of the written word and its singular (stem)
        for n, word in enumerate(words):
            plural = is_plural(word)
            base = singularize(word) if plural else word
            ending = None
            if not plural:
                stem = self._stem(word)
                if stem is not None:
                    base, ending = stem
            bases.append(base)
            not_written = (th.exact_id(word), th.exact_id(base))
            pairs = [(word, _AS_IS)]
            if plural and base != word:
                pairs.append((base, _PLURAL))
            elif ending is not None:
                pairs.append((base, ending))
            for source, mode in pairs:
                i = th.word_id(source)
                if i >= 0:
                    sources.append(i)
                    owner.append(n)
                    modes.append(mode)
                    skip.append(not_written)
        ranked: list[list[str]] = [[] for _ in words]
        # per candidate: the word whose synonym list ranks it, when it is not the candidate's own (an inflection)
        ranked_by: list[list[int]] = [[] for _ in words]
        if sources:
            lengths, rev = th.reverse_lists(np.asarray(sources, dtype=np.int64))
            row = np.repeat(np.arange(len(sources)), lengths)
            skips = np.asarray(skip, dtype=np.int64).reshape(-1, 2)
            ok = plain[rev] & (rev != skips[row, 0]) & (rev != skips[row, 1])
            rev, row = rev[ok], row[ok]
            how = np.asarray(modes, dtype=np.int64)[row]
            lps = np.empty(len(rev), dtype=np.float64)
            # (np.unique would import numpy.ma, about 30 ms, on first use)
            for mode in np.flatnonzero(np.bincount(how, minlength=4)).tolist():
                at = how == mode
                lps[at] = self._form_unigram_of(rev[at], mode)
            keep = lps >= RARE_CANDIDATE_LOGPROB
            rev, row, how, lps = rev[keep], row[keep], how[keep], lps[keep]
            who = np.asarray(owner, dtype=np.int64)[row]
            # per word, most frequent first; equally frequent ones in list order (a stable sort: a word's own
            # list before its singular's), so that a name found twice is kept where it was first found
            order = np.lexsort((-lps, who))
            who, rev, how = who[order], rev[order].tolist(), how[order].tolist()
            bounds = np.searchsorted(who, np.arange(len(words) + 1)).tolist()
            names_of = th.words
            form = self._form
            for n, names in enumerate(ranked):
                seen: set[str] = {words[n]}
                by = ranked_by[n]
                for j in range(bounds[n], bounds[n + 1]):
                    k, mode = rev[j], how[j]
                    cand = names_of[k] if mode == _AS_IS else form(k, mode)
                    if cand not in seen:
                        seen.add(cand)
                        names.append(cand)
                        by.append(k if mode in _VERB_FORMS else -1)
                        if len(names) == MAX_CANDIDATES:
                            break
        infos = [[self._info(c, k) for c, k in zip(names, by)] for names, by in zip(ranked, ranked_by)]
        if parts:  # what `build_candidate_table` stores
            return (ranked, infos, *self._priors_many(words, bases, infos, parts=True))  # type: ignore[return-value]
        priors = self._priors_many(words, bases, infos)
        return [
            _Candidates(
                tuple(names),
                np.array([i[4] for i in info], dtype=np.int64),
                prior,
                np.array([i[3] for i in info], dtype=bool),
            )
            for names, info, prior in zip(ranked, infos, priors)
        ]

    def _stem(self, word: str) -> tuple[str, int] | None:
        """For a verb form in -ing or -ed, its stem as the thesaurus lists it (a word with synonyms of its own)
        and the ending: "studying" -> ("study", _ING), "stopped" -> ("stop", _ED); None for other words."""
        if len(word) < 6 or not word.isalpha():
            return None
        if word.endswith("ing"):
            root, mode = word[:-3], _ING
            tries = (root, root + "e", root[:-1] if len(root) > 2 and root[-1] == root[-2] else "")
        elif word.endswith("ed"):
            root, mode = word[:-2], _ED
            tries = (
                root, word[:-1], root[:-1] if len(root) > 2 and root[-1] == root[-2] else "",
                root[:-1] + "y" if root.endswith("i") else "",
            )
        else:
            return None
        th = self.thesaurus
        for stem in tries:
            if len(stem) >= 3:
                i = th.exact_id(stem)
                if i >= 0 and len(th.synonym_ids(i)):
                    return stem, mode
        return None

    def _form(self, k: int, mode: int) -> str:
        """Thesaurus word `k` given the ending of `mode`."""
        word = self.thesaurus.word(k)
        if mode == _AS_IS:
            return word
        if mode == _PLURAL:
            return pluralize(word)
        return self._verb_form(word, mode)

    def _verb_form(self, verb: str, mode: int) -> str:
        """`verb` with -ing or -ed: of the spellings English uses ("read" -> "reading", "make" -> "making",
        "stop" -> "stopping", "study" -> "studied"), the one the language model knows best."""
        hit = self._verb_forms.get((verb, mode))
        if hit is None:
            end = "ing" if mode == _ING else "ed"
            options = [verb + end]
            if verb.endswith("e"):
                options.append(verb[:-1] + end)
            if mode == _ED and verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
                options.append(verb[:-1] + "ied")
            if len(verb) > 2 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
                options.append(verb + verb[-1] + end)
            # (word by word: a numpy call for two or three words costs more than the look-ups)
            lps = [self.model.unigram_logprob(o) for o in options]
            hit = options[lps.index(max(lps))]  # the first of equals: the regular spelling
            self._verb_forms[(verb, mode)] = hit
            if len(self._verb_forms) > INFO_CACHE:
                self._verb_forms = {}
        return hit

    def _form_unigram_of(self, ids: np.ndarray, mode: int) -> np.ndarray:
        """The model's unigram log probability of thesaurus words by number, given the ending of `mode`
        (looked up once per word and ending)."""
        table = self._form_unigram.get(mode)
        if table is None:
            table = self._form_unigram[mode] = np.full(self.thesaurus.size, np.nan, dtype=np.float32)
        return self._fill(table, ids, lambda k: self._form(k, mode))

    def _info(self, cand: str, listed: int = -1) -> tuple[int, int, int, bool, int]:
        """What the priors need of a candidate, looked up once: (the word whose synonym list ranks it -- its
        singular's, or its own when the singular has none --, its number, its singular's number, whether it
        takes "an", its language-model id). A verb form made from a listed word (`listed`, its number) is
        ranked by that word's list and stands for it."""
        if listed >= 0:
            return (listed, listed, listed, article_for(cand) == "an", self.model.word_id(cand))
        hit = self._infos.get(cand)
        if hit is None:
            th = self.thesaurus
            single = singularize(cand)
            own, single_id = th.word_id(cand), th.word_id(single)
            owner = single_id if single_id >= 0 and len(th.synonym_ids(single_id)) else own
            hit = (owner, own, single_id, article_for(cand) == "an", self.model.word_id(cand))
            self._infos[cand] = hit
            if len(self._infos) > INFO_CACHE:
                self._infos = {}
        return hit

    def _priors_many(
        self, words: Sequence[str], bases: Sequence[str], infos: Sequence[Sequence[tuple[int, int, int, bool, int]]],
        parts: bool = False,
    ) -> list[np.ndarray]:
        """Thesaurus evidence that a spinner would turn each candidate into its word (log10 units, at most
        MUTUAL_BONUS): minus RANK_WEIGHT times how far down the candidate's synonym list the word (or its
        singular) stands, plus MUTUAL_BONUS when the pair is listed both ways. All words in one pass."""
        th = self.thesaurus
        counts = [len(info) for info in infos]
        if not sum(counts):
            if parts:
                return [[[] for _ in words]] * 3
            return [np.zeros(0, dtype=np.float64) for _ in words]
        owners = np.array([i[0] for info in infos for i in info], dtype=np.int64)
        targets = np.repeat(
            np.array([(th.word_id(w), th.word_id(b)) for w, b in zip(words, bases)], dtype=np.int64).reshape(-1, 2),
            counts, axis=0,
        )
        lengths, rank = th.find_in_lists(owners, targets)
        prior = -RANK_WEIGHT * rank / np.maximum(lengths, 1)
        mutual: list[bool] = []
        for word, base, info in zip(words, bases, infos):
            if info:
                own = self._own(word, base) - {-1}
                mutual.extend(i[1] in own or i[2] in own for i in info)
        if parts:  # the numbers the prior is made of, per word (see `CandidateTable`)
            cuts = np.cumsum(counts)[:-1]
            return [
                [a.tolist() for a in np.split(np.asarray(x), cuts)] for x in (rank, lengths, np.array(mutual, dtype=bool))
            ]
        prior = prior + np.where(np.array(mutual, dtype=bool), MUTUAL_BONUS, 0.0)
        return np.split(prior, np.cumsum(counts)[:-1])

    def _plain_words(self) -> np.ndarray:
        """Per thesaurus word number: a single word of letters (a possible restoration)."""
        if self._plain is None:
            th = self.thesaurus
            self._plain = np.fromiter(map(str.isalpha, th.words), dtype=bool, count=th.size)
        return self._plain

    def _fill(self, table: np.ndarray, ids: np.ndarray, name) -> np.ndarray:
        """`table[ids]` as float64, looking up (by `name`) and keeping the entries still NaN. The tables are
        float32: the model's log probabilities are float32 numbers, so nothing is lost."""
        values = table[ids].astype(np.float64)
        missing = np.isnan(values)
        if missing.any():
            todo = ids[missing]
            values[missing] = self.model.unigram_logprobs([name(k) for k in todo.tolist()])
            table[todo] = values[missing]
        return values

    def _list(self, word: str) -> np.ndarray:
        i = self.thesaurus.word_id(word)
        return self.thesaurus.synonym_ids(i) if i >= 0 else _NONE

    def _own(self, word: str, base: str) -> frozenset[int]:
        syns = self._list(base)
        if not len(syns):
            syns = self._list(word)
        return frozenset(syns.tolist())

    def restorations(self, text: str, tokens: Sequence[Token], skip: set[int]) -> list[Restoration]:
        """Restorations for the poorly fitting content words of one paragraph (tokens in `skip` excluded)."""
        return self.restorations_many([(text, tokens, skip)])[0]

    def restorations_many(
        self, paragraphs: Sequence[tuple[str, Sequence[Token], set[int]]]
    ) -> list[list[Restoration]]:
        """`restorations` for several paragraphs, all their windows scored by the model in one batched call.

        Each candidate is scored in the written word's window (up to two words of context each side, not
        across a sentence boundary): the gain is log P(window with the candidate) - log P(window as written),
        plus the candidate's thesaurus prior. Windows seen recently are not scored again."""
        model = self.model
        texts = [[t.norm for t in tokens] for _text, tokens, _skip in paragraphs]
        lengths = [len(words) for words in texts]
        ids = model.ids([w for words in texts for w in words])
        # how well each word fits its left context, log10 P(w_i | w_i-2, w_i-1), and its frequency
        fits = model.score_id_texts(ids, lengths).tolist()
        unigram = model.unigram_logprobs_of_ids(ids).tolist()
        ids = ids.tolist()
        found: list[list[tuple[int, tuple[tuple[str, ...], tuple[float, ...]] | None]]] = []
        # windows to score: the key and its five words (2 left, the written word, 2 right; "" for none)
        todo_keys: list[str] = []
        todo_rows: list[tuple[str, ...]] = []
        todo_ids: list[list[int]] = []
        todo_cands: list[_Candidates] = []
        todo_masks: list[np.ndarray | None] = []
        pending: list[tuple[int, int, str]] = []  # (paragraph, token, key) answered by this batch
        # (paragraph, token, key, article, words of the window, their ids)
        waiting: list[tuple[int, int, str, str | None, tuple[str, ...], list[int]]] = []
        new, old = self._windows, self._windows_old
        offset = 0
        for p, ((text, tokens, skip), words) in enumerate(zip(paragraphs, texts)):
            here: list[tuple[int, tuple[tuple[str, ...], tuple[float, ...]] | None]] = []
            found.append(here)
            at = offset
            offset += len(words)
            sid: list[int] | None = None
            lines: dict[int, bool] = {}
            for i, t in enumerate(tokens):
                if i in skip or not t.text.isalpha() or len(t.text) < 3:
                    continue
                if t.text[0].isupper() and i > 0 and not _sentence_start(text, tokens, i):
                    if not in_title(text, tokens, i, lines):
                        continue  # a name
                if unigram[at + i] > FUNCTION_WORD_LOGPROB:
                    continue
                w = words[i]
                # "a information": the article fits the word the spinner removed, so it says how that word began
                art = words[i - 1] if i > 0 and words[i - 1] in ("a", "an") else None
                slipped = art is not None and article_for(w) != art
                if fits[at + i] > WELL_FITTED_LOGPROB and not slipped:
                    continue
                if sid is None:
                    sid = sentence_ids(text, tokens)
                left, right = context_of(sid, i, i + 1)
                lwords = [words[k] for k in left]
                rwords = [words[k] for k in right]
                key = f"{' '.join(lwords)}|{w}|{' '.join(rwords)}|{art if slipped else ''}"
                hit = new.get(key, _MISSING)
                if hit is _MISSING:
                    hit = old.get(key, _MISSING)
                    if hit is not _MISSING:
                        new[key] = hit
                if hit is not _MISSING:
                    here.append((i, hit))
                    continue
                pad_l, pad_r = 2 - len(left), 2 - len(right)
                row = tuple([""] * pad_l + lwords + [w] + rwords + [""] * pad_r)
                row_ids = [-1] * pad_l + ids[at + left.start : at + right.stop] + [-1] * pad_r
                waiting.append((p, i, key, art if slipped else None, row, row_ids))
        # the candidates of all the words waiting, in one batch; then the windows that have some to score
        for (p, i, key, art, row, row_ids), cands in zip(waiting, self._candidates_of([x[4][2] for x in waiting])):
            mask = None
            if art is not None:
                mask = cands.an if art == "an" else ~cands.an
                if not mask.any():
                    new[key] = None
                    continue
            elif not len(cands):
                new[key] = None
                continue
            pending.append((p, i, key))
            todo_keys.append(key)
            todo_rows.append(row)
            todo_ids.append(row_ids)
            todo_cands.append(cands)
            todo_masks.append(mask)
        if todo_keys:
            for key, result in zip(todo_keys, self._score(todo_rows, todo_ids, todo_cands, todo_masks)):
                new[key] = result
            answers = {key: new[key] for key in todo_keys}
            for p, i, key in pending:
                found[p].append((i, answers[key]))
        if len(new) > WINDOW_CACHE:
            self._windows_old, self._windows = new, {}
        out: list[list[Restoration]] = []
        for (_text, tokens, _skip), here in zip(paragraphs, found):
            here.sort(key=lambda x: x[0])
            para: list[Restoration] = []
            for i, hit in here:
                if hit is not None:
                    tok = tokens[i]
                    para.append(Restoration(i, tok.start, tok.end, hit[0], hit[1]))
            out.append(para)
        return out

    def _score(
        self, rows: list[tuple[str, ...]], row_ids: list[list[int]], cands: list[_Candidates],
        masks: list[np.ndarray | None],
    ) -> list[tuple[tuple[str, ...], tuple[float, ...]] | None]:
        """Score windows: `rows` are (left2, left1, word, right1, right2) with "" for no word, `row_ids` their
        vocabulary ids; each window is scored as written and with each of its candidates in the middle. Returns
        the best three restorations that gain at least MIN_GAIN, or None."""
        model = self.model
        n = len(rows)
        ctx = np.array(row_ids, dtype=np.int64).reshape(n, 5)
        empty = np.array([w == "" for row in rows for w in row], dtype=bool).reshape(n, 5)
        ctx[empty] = -1
        chosen = [c.ids if m is None else c.ids[m] for c, m in zip(cands, masks)]
        counts = np.fromiter((len(c) for c in chosen), dtype=np.int64, count=n)
        # one written row per window followed by one row per candidate
        per = counts + 1
        which = np.repeat(np.arange(n), per)
        middle = np.empty(len(which), dtype=np.int64)
        firsts = np.cumsum(per) - per
        middle[firsts] = ctx[:, 2]
        is_cand = np.ones(len(which), dtype=bool)
        is_cand[firsts] = False
        middle[is_cand] = np.concatenate(chosen)
        # the middle word and the words after it are scored (their context holds it); the left context is only
        # context: it conditions every row of a window alike. Words past a sentence boundary are not scored
        scored = ~empty
        scored[:, :2] = False
        scored[:, 2] = True
        scores = model.score_variants(ctx, scored, which, 2, middle)
        base = np.repeat(scores[firsts], per)
        gains = np.round(scores - base, 3)
        # a candidate that fits the article the written word does not gets ARTICLE_BONUS
        priors = np.concatenate([c.priors if m is None else c.priors[m] + ARTICLE_BONUS for c, m in zip(cands, masks)])
        total = np.empty(len(which), dtype=np.float64)
        total[firsts] = -np.inf
        total[is_cand] = gains[is_cand] + priors
        best = np.maximum.reduceat(total, firsts)
        out: list[tuple[tuple[str, ...], tuple[float, ...]] | None] = [None] * n
        for q in np.flatnonzero(best >= MIN_GAIN).tolist():
            arr = total[firsts[q] + 1 : firsts[q] + per[q]]
            order = np.argsort(-arr, kind="stable")[:3]
            m = masks[q]
            names = cands[q].words if m is None else tuple(w for w, keep in zip(cands[q].words, m) if keep)
            out[q] = (
                tuple(names[k] for k in order if arr[k] > 0),
                tuple(float(arr[k]) for k in order if arr[k] > 0),
            )
        return out

#: how a source's candidates are inflected: as listed, pluralized, or given the -ing / -ed of the written word
_AS_IS, _PLURAL, _ING, _ED = range(4)
_VERB_FORMS = (_ING, _ED)

_MISSING = object()
_NONE = np.zeros(0, dtype=np.int32)


def in_title(text: str, tokens: Sequence[Token], i: int, lines: dict[int, bool]) -> bool:
    """Whether token `i` is on a line written in title case ("Is Raising Capital The Right Path?"), where a
    capital letter says nothing of a name. A line is in title case when it has at least HEADLINE_MIN_WORDS
    words of four letters or more (title case may leave shorter words, and a few longer prepositions, in lower
    case), every one of them begins with a capital, and it does not end with a full stop ("Yesterday John Smith
    Met Mary Jones." is a sentence of names); lines of more than HEADLINE_MAX_WORDS words are sentences.
    `lines` remembers the answer for each line start."""
    start = text.rfind("\n", 0, tokens[i].start) + 1
    known = lines.get(start)
    if known is not None:
        return known
    end = text.find("\n", tokens[i].end)
    end = len(text) if end < 0 else end
    k = i
    while k > 0 and tokens[k - 1].start >= start:
        k -= 1
    words = long = 0
    titled = True
    while k < len(tokens) and tokens[k].end <= end:
        t = tokens[k]
        k += 1
        if not t.text.isalpha():
            continue
        words += 1
        if len(t.text) >= 4 and t.norm not in _TITLE_LOWER:
            if not t.text[0].isupper() or words > HEADLINE_MAX_WORDS:
                titled = False
                break
            long += 1
    if titled:
        titled = long >= HEADLINE_MIN_WORDS and "." not in text[tokens[k - 1].end : end]
    lines[start] = titled
    return titled


#: the longer words title case may leave in lower case
_TITLE_LOWER = frozenset(("with", "from", "into", "onto", "over", "than", "that", "upon", "within", "without"))
#: a title-case line has at least this many capitalised words of four letters or more, and at most this many words
HEADLINE_MIN_WORDS = 3
HEADLINE_MAX_WORDS = 20


def _sentence_start(text: str, tokens: Sequence[Token], i: int) -> bool:
    return _SENTENCE_GAP.search(text, tokens[i - 1].end, tokens[i].start) is not None


#: what, between two words, says that the second one begins a sentence (or a line, or a quotation)
_SENTENCE_GAP = re.compile('[.!?:\n"“]')
