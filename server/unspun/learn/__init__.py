"""Learning a spinner's dictionary from spun copies aligned with their sources (`unspun learn`).

`align` lines a spun copy up with its source word by word and lists the spinner's edits; `dictionary` counts them
over many pairs and keeps the spun forms that are spins more often than honest words; `pairs` finds the pairs in
a folder and groups two spins of one source, so that leave-one-pair-out evaluation leaves them out together.
"""

from unspun.learn.align import PairObservations, Substitution, align_pair
from unspun.learn.dictionary import LearnedEntry, learn_entries, lexicon_text

__all__ = ["LearnedEntry", "PairObservations", "Substitution", "align_pair", "learn_entries", "lexicon_text"]
