"""English noun number and the indefinite article: just enough morphology to inflect lexicon entries."""

from __future__ import annotations

_IRREGULAR_PLURALS = {
    "man": "men", "woman": "women", "child": "children", "person": "people", "foot": "feet",
    "tooth": "teeth", "mouse": "mice", "analysis": "analyses", "basis": "bases", "crisis": "crises",
    "thesis": "theses", "hypothesis": "hypotheses", "diagnosis": "diagnoses", "criterion": "criteria",
    "phenomenon": "phenomena", "datum": "data", "medium": "media", "index": "indices", "matrix": "matrices",
    "vertex": "vertices", "axis": "axes", "leaf": "leaves", "life": "lives", "knife": "knives",
    "wife": "wives", "half": "halves", "self": "selves", "shelf": "shelves", "wolf": "wolves",
    "calf": "calves", "loaf": "loaves", "thief": "thieves", "goose": "geese", "ox": "oxen",
    "nucleus": "nuclei", "stimulus": "stimuli", "fungus": "fungi", "radius": "radii",
    "bacterium": "bacteria", "curriculum": "curricula", "spectrum": "spectra", "appendix": "appendices",
}
_IRREGULAR_SINGULARS = {v: k for k, v in _IRREGULAR_PLURALS.items()}
_UNCOUNTABLE = {
    "information", "news", "data", "equipment", "research", "software", "hardware", "evidence", "advice",
    "knowledge", "intelligence", "learning", "health", "traffic", "weather", "furniture", "progress",
    "series", "species", "means", "physics", "mathematics", "economics", "statistics", "politics",
}


def is_plural(word: str) -> bool:
    w = word.lower()
    if w in _IRREGULAR_SINGULARS and w not in _UNCOUNTABLE:
        return True
    if w in _UNCOUNTABLE or w in _IRREGULAR_PLURALS:
        return False
    return w.endswith("s") and not w.endswith(("ss", "us", "is", "ous"))


def pluralize(word: str) -> str:
    w = word.lower()
    if w in _UNCOUNTABLE:
        return word
    if w in _IRREGULAR_PLURALS:
        return _match_case(word, _IRREGULAR_PLURALS[w])
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return word[:-1] + "ies"
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def singularize(word: str) -> str:
    w = word.lower()
    if w in _UNCOUNTABLE:
        return word
    if w in _IRREGULAR_SINGULARS:
        return _match_case(word, _IRREGULAR_SINGULARS[w])
    if w.endswith("ies") and len(w) > 4:
        return word[:-3] + "y"
    if w.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _match_case(template: str, word: str) -> str:
    return word.capitalize() if template[:1].isupper() else word


# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND_PREFIXES = ("uni", "use", "usu", "uti", "uto", "eu", "ewe", "one", "once", "ubiq", "ura", "ure", "uri", "uro", "ute")
_VOWEL_SOUND_PREFIXES = ("hour", "honest", "honor", "honour", "heir", "herb")
_VOWEL_SOUND_LETTERS = set("aefhilmnorsx")  # letters read as a name that start with a vowel sound


def wants_an(word: str) -> bool:
    """Whether `word` takes "an" rather than "a" (by its first sound)."""
    if not word:
        return False
    w = word.lower()
    if word.isupper() and len(word) > 1 and word.isalpha() and not _pronounceable(word):
        return w[0] in _VOWEL_SOUND_LETTERS  # an acronym read letter by letter: "an FBI agent"
    if w.startswith(_VOWEL_SOUND_PREFIXES):
        return True
    if w.startswith(_CONSONANT_SOUND_PREFIXES):
        return False
    return w[0] in "aeiou"


def _pronounceable(acronym: str) -> bool:
    """Acronyms read as words ("NASA", "UNESCO") have vowels in a word-like pattern."""
    a = acronym.lower()
    return len(a) >= 4 and any(c in "aeiou" for c in a[1:3])


def article_for(word: str) -> str:
    return "an" if wants_an(word) else "a"
