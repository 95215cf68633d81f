"""What the groups keep coming back to: recurring words, two-word phrases and similar answers.

Computed locally, with no outside service, for Danish, Swedish (and English):

* words are split on letters (æøå, åäö kept), lower-cased, and stop words removed (the lists
  of the ``stop-words`` package plus a few conversational words of our own);
* recurring words and phrases are counted by the words as written: a word's inflected forms
  join it (*barn*, *barnet*, *barnets*; *skola*, *skolan*) only by an inflection ending, never
  by a stemmer, which folds different words into one stem (Danish Snowball makes *tid*,
  *tidlig* and *tidligere* one stem, Swedish *tid*, *tidig*, *tidigare*). A term shows every
  form it counts, so its number of groups is the number of groups whose text holds one of the
  words shown;
* a word or phrase counts once per group however often that group wrote it: "recurring" means
  several groups said it;
* answers to one prompt that say much the same are grouped with ``rapidfuzz``
  (``token_set_ratio`` of the stemmed content words; a stem there only compares answers,
  it never makes a count).

Every function takes plain ``(group, text)`` pairs and returns plain data, so the board, the
report and the tests share it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkkit.contracts.board import ClusterData, TermData, ThemesData

__all__ = [
    "Cluster",
    "Term",
    "Themes",
    "analyse",
    "content_words",
    "recurring",
    "similar_answers",
    "stem",
    "stop_words",
]

#: How alike two answers must be (0-100, ``rapidfuzz.fuzz.token_set_ratio``) to be grouped.
SIMILARITY = 72
#: Fewest content words an answer needs to be compared at all (one word says too little).
MIN_WORDS = 2

_LANGS = {"da": "danish", "sv": "swedish", "en": "english"}
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: Sentence and clause breaks: a two-word phrase never spans one.
_BREAK = re.compile(r"[.!?;:,()\[\]{}<>=/\\|*#&+\"“”«»\n\r\t•–—]+")

# Words the package lists miss that carry no theme in group answers.
_EXTRA = {
    "da": """også kan kunne skal skulle vil ville får fik gøre gør gjort godt god mere meget
        mange nogle noget nok lige bare måske altid aldrig rigtig helt især fx f.eks hvad hvor
        hvordan hvorfor hvornår hvilke hvilken tror synes siger sagde ting sådan andre anden
        dag derfor fordi både eller mens være været blevet havde har haft vores jeres deres behøver
        os vi jer man sig selv igen først ny nye lidt tit ofte""",
    "sv": """också kan kunde ska skulle vill ville får fick göra gör gjort bra mer mycket många
        några något nog bara kanske alltid aldrig verkligen särskilt typ t.ex vad var hur varför
        när vilka vilken tror tycker säger sa sak saker sådan andra annan dag därför eftersom både behöver
        eller medan vara varit blivit hade har haft vår våra er era deras oss vi ni man sig själv
        igen först ny nya lite ofta""",
    "en": """also can could will would get got make made good more much many some something
        just maybe always never really especially what where how why when which think say said
        thing things such other another day because both either while been being have has had
        our your their us we you one ourselves again first new little often""",
}


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words of ``da``, ``sv`` or ``en`` (anything else: Danish)."""
    from stop_words import get_stop_words

    name = _LANGS.get(language, "danish")
    words = {w.lower() for w in get_stop_words(name)}
    words |= set(_EXTRA.get(language, _EXTRA["da"]).split())
    return frozenset(words)


@functools.cache
def _stemmer(language: str) -> Any:  # snowballstemmer ships no types
    import snowballstemmer

    return snowballstemmer.stemmer(_LANGS.get(language, "danish"))


@functools.lru_cache(maxsize=20_000)
def stem(word: str, language: str = "da") -> str:
    """The Snowball stem of a lower-case word."""
    return str(_stemmer(language).stemWord(word))


def _clauses(text: str) -> list[list[str]]:
    """The lower-cased words of each clause of ``text``."""
    return [
        [w.lower().replace("’", "'") for w in _WORD.findall(part)] for part in _BREAK.split(text)
    ]


def content_words(text: str, language: str = "da") -> list[str]:
    """The stems of ``text``'s words that are not stop words (in order, repeats kept)."""
    stops = stop_words(language)
    return [
        stem(w, language)
        for clause in _clauses(text)
        for w in clause
        if w not in stops and len(w) > 1
    ]


@dataclass(frozen=True)
class Term:
    """A word or two-word phrase, in the form the groups wrote most, the forms it counts
    (``forms``, most written first, ``text`` among them), and how many groups (``groups``) and
    times (``count``) one of those forms was written."""

    text: str
    groups: int
    count: int
    forms: tuple[str, ...] = ()
    #: the groups that wrote it (as given to :func:`recurring`): the trend report counts the
    #: events a term recurs in; never sent to the board (:meth:`Themes.as_dict`)
    writers: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def label(self) -> str:
        """What a facilitator reads: "barnet (barnets, barn)"."""
        others = [f for f in self.forms if f != self.text]
        return f"{self.text} ({', '.join(others)})" if others else self.text


@dataclass(frozen=True)
class Cluster:
    """Answers to one prompt that say much the same: ``label`` (the words they share) and
    the ``(group, text)`` pairs."""

    label: str
    members: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Themes:
    words: list[Term] = field(default_factory=list)
    phrases: list[Term] = field(default_factory=list)
    clusters: dict[str, list[Cluster]] = field(default_factory=dict)

    def as_dict(self) -> ThemesData:
        """The overview as the board receives it (:class:`talkkit.contracts.board.ThemesData`)."""
        return ThemesData(
            words=[_term_data(t) for t in self.words],
            phrases=[_term_data(t) for t in self.phrases],
            clusters={
                key: [ClusterData(label=c.label, members=[list(m) for m in c.members]) for c in cs]
                for key, cs in self.clusters.items()
            },
        )


def _term_data(term: Term) -> TermData:
    return TermData(
        text=term.text,
        groups=term.groups,
        count=term.count,
        forms=list(term.forms),
        label=term.label,
    )


def _rank(
    groups: dict[tuple[str, ...], set[str]],
    counts: Counter[tuple[str, ...]],
    forms: dict[tuple[str, ...], Counter[str]],
    limit: int,
    min_groups: int,
) -> list[Term]:
    keys = [k for k in counts if len(groups[k]) >= min_groups and counts[k] >= 2]
    keys.sort(key=lambda k: (-len(groups[k]), -counts[k], min(forms[k])))
    result = []
    for k in keys[:limit]:
        # the most used form first; among equals the shortest, then the first alphabetically
        ordered = sorted(forms[k].items(), key=lambda item: (-item[1], len(item[0]), item[0]))
        names = tuple(form for form, _n in ordered)
        result.append(Term(names[0], len(groups[k]), counts[k], names, frozenset(groups[k])))
    return result


#: Inflection endings by which a written form joins a shorter one as the same word (nouns:
#: definite, plural, genitive; adjectives: -e, -t, -a). Comparatives (-ere, -are) and
#: derivations (-lig, -ig) are other words, as a reader takes them.
_ENDINGS = {
    "da": ("e", "n", "r", "s", "t", "en", "et", "er", "es", "ne", "ns", "rs", "ts", "ene",
           "ens", "ers", "ets", "rne", "erne", "ernes", "enes", "rnes"),
    "sv": ("a", "e", "n", "s", "t", "en", "et", "er", "ar", "or", "na", "ns", "ts", "an",
           "ens", "ets", "ers", "ars", "ors", "ern", "arna", "erna", "orna", "arnas", "ernas",
           "ornas", "nas"),
    "en": ("s", "es", "'s"),
}  # fmt: skip


def _word_families(forms: Iterable[str], language: str) -> dict[str, str]:
    """Each written form -> the name of its word: forms join when one is another plus an
    inflection ending, or both are one base plus an ending (*tidiga*, *tidigt*: *tidig*)."""
    endings = _ENDINGS.get(language, _ENDINGS["da"])
    vocabulary = sorted(set(forms), key=lambda f: (len(f), f))
    parent = {f: f for f in vocabulary}

    def find(f: str) -> str:
        while parent[f] != f:
            parent[f] = parent[parent[f]]
            f = parent[f]
        return f

    by_base: dict[str, str] = {}
    for form in vocabulary:
        bases = {form}
        for ending in endings:
            base = form[: -len(ending)]
            if form.endswith(ending) and len(base) >= (4 if len(ending) == 1 else 3):
                bases.add(base)
        for base in bases:
            other = by_base.setdefault(base, form)
            a, b = find(other), find(form)
            if a != b:  # the shorter form names the word (vocabulary is sorted so)
                parent[max(a, b, key=lambda x: (len(x), x))] = min(a, b, key=lambda x: (len(x), x))
    return {f: find(f) for f in vocabulary}


def recurring(
    docs: Iterable[tuple[str, str]], language: str = "da", limit: int = 20
) -> tuple[list[Term], list[Term]]:
    """The words and two-word phrases written by the most groups, most first.

    ``docs`` are ``(group, text)`` pairs. A term must be written at least twice; when more
    than one group wrote anything, by at least two groups.
    """
    stops = stop_words(language)
    written: list[tuple[str, list[list[str]]]] = []
    for group, text in docs:
        if not isinstance(text, str) or not text.strip():
            continue
        written.append((group, _clauses(text)))
    family = _word_families(
        (w for _g, clauses in written for c in clauses for w in c if w not in stops), language
    )
    w_groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
    w_counts: Counter[tuple[str, ...]] = Counter()
    w_forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    p_groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
    p_counts: Counter[tuple[str, ...]] = Counter()
    p_forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    writers: set[str] = set()
    for group, clauses in written:
        writers.add(group)
        for clause in clauses:
            previous: tuple[str, str] | None = None
            for word in clause:
                if word in stops or len(word) < 2:
                    previous = None  # a stop word breaks a phrase
                    continue
                key = (family[word],)
                w_groups[key].add(group)
                w_counts[key] += 1
                w_forms[key][word] += 1
                if previous is not None and previous[1] != key[0]:
                    pkey = (previous[1], key[0])
                    p_groups[pkey].add(group)
                    p_counts[pkey] += 1
                    p_forms[pkey][f"{previous[0]} {word}"] += 1
                previous = (word, key[0])
    min_groups = 2 if len(writers) > 1 else 1
    return (
        _rank(w_groups, w_counts, w_forms, limit, min_groups),
        _rank(p_groups, p_counts, p_forms, limit, min_groups),
    )


def similar_answers(
    docs: Sequence[tuple[str, str]], language: str = "da", threshold: int = SIMILARITY
) -> list[Cluster]:
    """Answers that say much the same, grouped (only groups of two or more, largest first)."""
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    items = []
    for group, text in docs:
        if isinstance(text, str):
            words = content_words(text, language)
            if len(set(words)) >= MIN_WORDS:
                items.append((group, text, words))
    if len(items) < 2:
        return []
    norm = [" ".join(sorted(set(words))) for _g, _t, words in items]
    scores = cdist(norm, norm, scorer=fuzz.token_set_ratio, score_cutoff=threshold, workers=1)
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sets = [set(words) for _g, _t, words in items]
    for i, j in zip(*scores.nonzero(), strict=True):  # only the pairs above the threshold
        # token_set_ratio is 100 when one answer's words are all in the other: ask for two
        # shared words too, so a one-line answer does not join everything
        if i < j and len(sets[i] & sets[j]) >= MIN_WORDS:
            parent[find(int(j))] = find(int(i))
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        members[find(i)].append(i)
    clusters = []
    for idx in members.values():
        if len(idx) < 2:
            continue
        shared = Counter(w for i in idx for w in sets[i])
        common = [w for w, n in shared.most_common() if n >= 2][:3]
        forms = _surface_forms([items[i][1] for i in idx], language)
        label = ", ".join(forms.get(w, w) for w in common)
        clusters.append(Cluster(label, tuple((items[i][0], items[i][1]) for i in idx)))
    clusters.sort(key=lambda c: (-len(c.members), c.label))
    return clusters


def _surface_forms(texts: Iterable[str], language: str) -> dict[str, str]:
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for clause in _clauses(text):
            for word in clause:
                forms[stem(word, language)][word] += 1
    return {s: c.most_common(1)[0][0] for s, c in forms.items()}


def analyse(
    by_prompt: Mapping[str, Sequence[tuple[str, str]]], language: str = "da", limit: int = 20
) -> Themes:
    """The theme overview of an event: recurring words and phrases across every answer, and
    similar answers per prompt (``by_prompt`` maps a prompt's key to ``(group, text)``)."""
    everything = [pair for pairs in by_prompt.values() for pair in pairs]
    words, phrases = recurring(everything, language, limit)
    clusters = {}
    for key, pairs in by_prompt.items():
        found = similar_answers(pairs, language)
        if found:
            clusters[key] = found
    return Themes(words, phrases, clusters)
