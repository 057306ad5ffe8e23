"""Literal reproduction: which texts of the sources are found, word for word, in a published fiche.

Since décret n° 2025-500, France compétences may refuse a filing without
examining it when its référentiel reproduces all or part of an existing one.
Every competence, criterion, épreuve and bloc title of the sources is compared
with the blocs of the national register (`dossier check --rncp`): this module
says what is compared and how results read; pipeline/reproduction.py finds the
candidates through the export's index (pipeline/rncp_index.py).

A passage counts from `reproduction.mots_min` words (12 by default); phrases
every référentiel writes (« le/la candidat(e) », legal formulas) are allowed
and cut passages; the certification's own versions are never reported, and a
certification in declared correspondence is shown as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..sources.diagnostics import Loc, Severity
from ..sources.model import Certification
from ..text import word_list
from .passages import K, Tokens, allowed_mask, common, grams, tokens
from .registry import Rules

rule = Rules()
rule.declare(
    "reproduction", Severity.WARNING,
    "Aucun passage des sources ne reproduit mot pour mot un bloc d'une fiche publiée (dossier check --rncp).",
)
rule.declare(
    "reproduction-correspondance", Severity.INFO,
    "Un passage repris d'une certification en correspondance déclarée est montré comme tel (dossier check --rncp).",
)

# Phrases every référentiel writes: allowed, their words never count as copied.
ALLOWED = (
    "le candidat", "la candidate", "le la candidat e", "le ou la candidat e", "les candidats", "les candidat e s",
    "le candidat la candidate", "devant un jury de professionnels", "devant le jury", "en centre de formation",
    "mise en situation professionnelle", "mise en situation professionnelle reconstituée", "étude de cas",
    "rapport d'activités", "soutenance orale", "dans le respect de la réglementation en vigueur",
    "conformément à la réglementation en vigueur", "dans le respect des règles d'hygiène, de santé et de sécurité",
    "dans le respect des règles de santé et de sécurité au travail", "en situation de handicap",
    "en tenant compte des situations de handicap", "le cas échéant",
)

FICHE_URL = "https://www.francecompetences.fr/recherche/{kind}/{number}/"


def fiche_url(code: str) -> str:
    """The fiche's page on France compétences' site: RNCP34762 → …/recherche/rncp/34762/."""
    kind = "rs" if code.upper().startswith("RS") else "rncp"
    return FICHE_URL.format(kind=kind, number="".join(ch for ch in code if ch.isdigit()))


@dataclass(frozen=True)
class SourceText:
    """One text of the sources, compared on its own."""

    bloc: str  # the bloc's code
    label: str  # « compétence C1.1 », « épreuve M1.2 (description) »
    loc: Loc
    keypath: str
    tokens: Tokens

    blocked: tuple[bool, ...] = ()  # the words inside an allowed phrase

    @property
    def size(self) -> int:
        """Its words that count: those outside allowed phrases."""
        return len(self.blocked) - sum(self.blocked)


def source_texts(cert: Certification) -> list[SourceText]:
    """Every competence, criterion and épreuve text, and every bloc title, in the sources' order."""
    out = []
    allowed = allowed_phrases(cert)

    def add(bloc, label, owner, key, text):
        toks = tokens(text)
        blocked = tuple(allowed_mask(toks.words, allowed))
        if len(blocked) > sum(blocked):
            loc, path = owner.src.at(key)
            out.append(SourceText(bloc.code, label, loc, path, toks, blocked))

    for bloc in cert.blocs:
        add(bloc, "intitulé du bloc", bloc, "intitule", bloc.intitule)
        for c in bloc.competences:
            add(bloc, f"compétence {c.id}", c, "texte", c.texte)
        for c in bloc.criteres:
            add(bloc, f"critère {c.id}", c, "texte", c.texte)
        for m in bloc.modalites:
            add(bloc, f"épreuve {m.id} (intitulé)", m, "intitule", m.intitule)
            add(bloc, f"épreuve {m.id} (conditions)", m, "conditions", m.conditions)
            add(bloc, f"épreuve {m.id} (description)", m, "description", m.description)
    return out


def allowed_phrases(cert: Certification) -> list[tuple[str, ...]]:
    """The shipped phrases and the project's own (`reproduction.autorises`), as folded words."""
    phrases = {tuple(word_list(p)) for p in (*ALLOWED, *cert.reproduction.autorises)}
    return sorted((p for p in phrases if p), key=lambda p: (-len(p), p))


@dataclass(frozen=True)
class PublishedBloc:
    """A bloc of a published fiche, as the index keeps it."""

    fiche: str
    intitule: str
    code: str
    libelle: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Found:
    """One text of the sources found in one published bloc."""

    fiche: str
    intitule: str
    bloc: str
    libelle: str
    share: float  # 0..1 of the source text's words inside a common passage
    covered: int  # those words
    passage: str  # the longest common passage, as the sources write it
    passage_words: int
    correspondance: bool = False  # a certification in declared correspondence

    @property
    def url(self) -> str:
        return fiche_url(self.fiche)


@dataclass(frozen=True)
class TextResult:
    text: SourceText
    found: tuple[Found, ...]  # best first

    @property
    def worst(self) -> float:
        return max((f.share for f in self.found if not f.correspondance), default=0.0)


@dataclass(frozen=True)
class BlocResult:
    code: str
    intitule: str
    texts: tuple[TextResult, ...]  # the texts found somewhere, worst first
    words: int  # words of every text compared in this bloc
    covered: int  # of those, inside a common passage (the best fiche of each text)

    @property
    def share(self) -> float:
        return self.covered / self.words if self.words else 0.0

    @property
    def worst(self) -> float:
        return max((t.worst for t in self.texts), default=0.0)


@dataclass(frozen=True)
class Result:
    """The whole comparison, for the terminal, the HTML report and the diagnostics."""

    exports: tuple[str, ...]
    fiches: int  # fiches in the export(s)
    blocs_publies: int  # their blocs
    own: tuple[str, ...]  # the certification's own versions, never reported
    mots_min: int
    seuil: float
    blocs: tuple[BlocResult, ...]  # worst first

    @property
    def passages(self) -> int:
        return sum(len(t.found) for b in self.blocs for t in b.texts)

    @property
    def texts_found(self) -> int:
        return sum(1 for b in self.blocs for t in b.texts if t.worst > 0)


def compare(
    cert: Certification,
    texts: list[SourceText],
    candidates: list[set[int]],
    published: Callable[[int], PublishedBloc],
    own: set[str],
) -> list[BlocResult]:
    """Compare each text with its candidate published blocs, word for word."""
    minimum, seuil = cert.reproduction.mots_min, cert.reproduction.seuil / 100
    related = {c.fiche for c in cert.correspondances}
    kept: dict[int, tuple[PublishedBloc, set]] = {}
    results: dict[str, list[TextResult]] = {}
    totals: dict[str, list[int]] = {b.code: [0, 0] for b in cert.blocs}
    for text, ids in zip(texts, candidates):
        totals[text.bloc][0] += text.size
        found = []
        for bloc_id in sorted(ids):
            if bloc_id not in kept:
                bloc = published(bloc_id)
                kept[bloc_id] = (bloc, grams(bloc.words, K) if bloc.fiche not in own else set())
            bloc, other = kept[bloc_id]
            if bloc.fiche in own or not other:
                continue
            match = common(text.tokens.words, text.blocked, other, minimum, K)
            if match is None or match.covered / text.size < seuil:
                continue
            found.append(Found(
                bloc.fiche, bloc.intitule, bloc.code, bloc.libelle, match.covered / text.size, match.covered,
                text.tokens.quote(*match.longest), match.longest_words, bloc.fiche in related,
            ))
        if found:
            found.sort(key=lambda f: (f.correspondance, -f.share, -f.passage_words, f.fiche, f.bloc))
            totals[text.bloc][1] += max((f.covered for f in found if not f.correspondance), default=0)
            results.setdefault(text.bloc, []).append(TextResult(text, tuple(found)))
    out = [
        BlocResult(b.code, b.intitule, tuple(sorted(results.get(b.code, ()), key=lambda t: -t.worst)), *totals[b.code])
        for b in cert.blocs
    ]
    return sorted(out, key=lambda b: (-b.worst, -b.share, b.code))


def percent(share: float) -> str:
    """« 85 % », « < 1 % »: never « 0 % » for something found."""
    value = round(share * 100)
    return "< 1 %" if share and not value else f"{value} %"


def _quote(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def message(found: TextResult) -> str:
    """One text's diagnostic: where it is found, how much of it, and the longest passage."""
    best = found.found[0]
    others = {f.fiche for f in found.found} - {best.fiche}
    where = f"la fiche {best.fiche} « {best.intitule} », bloc {best.bloc or '(sans code)'}"
    more = f" (et dans {len(others)} autre{'s' if len(others) > 1 else ''} fiche{'s' if len(others) > 1 else ''})" if others else ""
    head = f"{found.text.label} : {percent(best.share)} du texte se trouve dans {where}{more}"
    if best.correspondance:
        head += " — certification en correspondance déclarée"
    return f"{head} ; passage commun de {best.passage_words} mots : « {_quote(best.passage)} »"


def findings(result: Result, severities: dict[str, Severity]) -> Iterator[tuple[Severity, str, Loc, str, str]]:
    """The diagnostics: one per text found (its best match), the declared correspondences apart."""
    for bloc in result.blocs:
        for found in bloc.texts:
            rule_id = "reproduction-correspondance" if found.found[0].correspondance else "reproduction"
            yield severities[rule_id], rule_id, found.text.loc, found.text.keypath, message(found)
