"""The tableau de correspondance, and the transition rules a candidate holding an old bloc reads.

From the sources' `correspondances:` only: for each other certification (the previous version first),
its blocs → this one's, total or partial, the competences in common and, for a partial one, what
remains to validate; then, bloc by bloc of the other certification, what a holder of its attestation
obtains here. The handbook and the site show the same transition rules, from the same functions.
The other certification's bloc titles are those `renouvellement.blocs_precedents` records (written by
`dossier diff --ecrire`); other certifications' blocs are shown by their codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..sources.champs import short_code
from ..sources.model import Certification, Correspondance
from ..text import anchor, plural
from .common import Header, header

REGLE = (
    "Un bloc obtenu par une correspondance totale est acquis dans cette version comme s'il avait été validé : "
    "il donne lieu à une attestation de validation et n'a pas à être repassé. Pour une correspondance partielle, "
    "les compétences en commun sont reconnues ; les compétences restant à valider le sont par les épreuves du "
    "bloc, selon les modalités que le certificateur précise au candidat."
)


@dataclass(frozen=True)
class BlocRef:
    code: str  # "" : the whole certification
    intitule: str = ""

    @property
    def label(self) -> str:
        if not self.code:
            return self.intitule or "la certification entière"
        return f"{self.code} — {self.intitule}" if self.intitule else self.code


@dataclass(frozen=True)
class Commune:
    id: str  # this certification's competence
    texte: str
    autres: tuple[str, ...] = ()  # the other certification's competences that justify it


@dataclass(frozen=True)
class Ligne:
    id: str  # anchor
    anciens: tuple[BlocRef, ...]  # the other certification's blocs
    nouveaux: tuple[BlocRef, ...]  # this one's
    type: str
    type_libelle: str
    communes: tuple[Commune, ...]
    a_valider: tuple[Commune, ...]  # a partial one: what remains to validate
    notes: str
    proposee: bool

    @property
    def type_court(self) -> str:
        """« Totale », « Partielle », « Aucune », or « Non précisée » (the open data never says)."""
        return self.type.capitalize() if self.type else "Non précisée"


@dataclass(frozen=True)
class Transition:
    ancien: BlocRef
    obtient: tuple[str, ...]  # what a holder of its attestation obtains, one sentence each


@dataclass(frozen=True)
class Groupe:
    id: str
    fiche: str
    titre: str
    precedente: bool  # the version this filing renews
    lignes: tuple[Ligne, ...]
    transitions: tuple[Transition, ...]


@dataclass(frozen=True)
class CorrespondancesView:
    header: Header
    groupes: tuple[Groupe, ...]
    regle: str
    resume: str
    titre: str = "Tableau de correspondance"


def _this_bloc(cert: Certification, code: str) -> BlocRef:
    bloc = next((b for b in cert.blocs if short_code(b.code) == short_code(code)), None)
    return BlocRef(short_code(code), bloc.intitule if bloc else "")


def ligne(cert: Certification, n: int, c: Correspondance, titles: dict[str, str]) -> Ligne:
    texts = {comp.id: comp.texte for comp in cert.competences}
    ours = [b for b in cert.blocs if short_code(b.code) in {short_code(x) for x in c.blocs}]
    communes = tuple(Commune(k, texts.get(k, ""), v) for k, v in c.competences.items())
    a_valider = ()
    if c.type == "partielle":
        a_valider = tuple(Commune(comp.id, comp.texte) for b in ours for comp in b.competences if comp.id not in c.competences)
    anciens = tuple(BlocRef(short_code(x), titles.get(short_code(x), "")) for x in c.blocs_fiche) or (BlocRef("", f"la certification {c.fiche} entière"),)
    nouveaux = tuple(_this_bloc(cert, x) for x in c.blocs)
    if not nouveaux:
        nouveaux = (BlocRef("", "aucun bloc de cette certification"),) if c.type == "aucune" else (BlocRef("", "la certification entière"),)
    return Ligne(f"correspondance-{n}", anciens, nouveaux, c.type, c.type_libelle, communes, a_valider, c.notes, c.proposee)


def _obtient(cert: Certification, c: Correspondance, code: str) -> str:
    if c.type == "aucune":
        return "aucun bloc de cette version : ses compétences n'y sont pas reprises"
    others = [short_code(x) for x in c.blocs_fiche if short_code(x) != code]
    head = f"avec {'les blocs' if len(others) > 1 else 'le bloc'} {', '.join(others)} de la même certification : " if others else ""
    parts = []
    for x in c.blocs or ("",):
        ref = _this_bloc(cert, x) if x else BlocRef("", "la certification entière")
        if c.type == "totale":
            parts.append(f"le bloc {ref.label}, en entier" if x else ref.label)
        elif c.type == "partielle":
            bloc = next((b for b in cert.blocs if short_code(b.code) == ref.code), None)
            rest = [comp.id for comp in bloc.competences if comp.id not in c.competences] if bloc else []
            got = [k for k in c.competences if bloc is None or k in {comp.id for comp in bloc.competences}]
            parts.append(f"le bloc {ref.label}, en partie : {plural(len(got), 'compétence reconnue', 'compétences reconnues')}"
                         + (f" ({', '.join(got)})" if got else "") + (f" ; restent à valider : {', '.join(rest)}" if rest else ""))
        else:
            parts.append(f"le bloc {ref.label} (correspondance totale ou partielle : non précisé)")
    return head + " ; ".join(parts)


def transitions(cert: Certification, fiche: str, entries: Sequence[Correspondance], titles: dict[str, str],
                precedente: bool = False) -> tuple[Transition, ...]:
    """For each bloc of the other certification (each bloc the previous version had, for it): what
    holding its attestation gives here."""
    codes = list(titles) if precedente else []
    for c in entries:
        codes += [short_code(x) for x in c.blocs_fiche if short_code(x) not in codes]
    out = []
    for code in codes:
        concerned = [c for c in entries if code in {short_code(x) for x in c.blocs_fiche}]
        said = tuple(_obtient(cert, c, code) for c in concerned) or ("aucune décision n'est encore déclarée pour ce bloc",)
        out.append(Transition(BlocRef(code, titles.get(code, "")), said))
    whole = [c for c in entries if not c.blocs_fiche]
    if whole:
        out.append(Transition(BlocRef("", f"la certification {fiche} entière"), tuple(_obtient(cert, c, "") for c in whole)))
    return tuple(out)


def groupes(cert: Certification, entries: Sequence[Correspondance] | None = None, titles: dict[str, str] | None = None,
            precedente: str | None = None) -> tuple[Groupe, ...]:
    """The correspondances by other certification, the previous version first (`precedente`: its
    code, the renewal's by default; `titles`: its blocs' titles, those the sources record by default)."""
    entries = cert.correspondances if entries is None else entries
    previous = cert.renouvellement.code if precedente is None else precedente
    fiches = list(dict.fromkeys(c.fiche for c in entries))
    fiches.sort(key=lambda f: f != previous)
    out, n = [], 0
    for fiche in fiches:
        own = [c for c in entries if c.fiche == fiche]
        is_previous = fiche == previous
        names = dict((titles if titles is not None else cert.renouvellement.blocs_precedents) if is_previous else {})
        lignes = []
        for c in own:
            n += 1
            lignes.append(ligne(cert, n, c, names))
        titre = ("Avec la version précédente" + (f" ({fiche})" if fiche else "")) if is_previous else f"Avec la certification {fiche}"
        out.append(Groupe(f"fiche-{anchor(fiche or 'precedente')}", fiche, titre, is_previous, tuple(lignes),
                          transitions(cert, fiche, own, names, is_previous)))
    return tuple(out)


def correspondances(cert: Certification, brouillon: bool = False) -> CorrespondancesView:
    found = groupes(cert)
    totales = sum(1 for c in cert.correspondances if c.type == "totale")
    partielles = sum(1 for c in cert.correspondances if c.type == "partielle")
    resume = (f"{plural(len(cert.correspondances), 'correspondance déclarée', 'correspondances déclarées')} avec "
              f"{plural(len(found), 'autre certification', 'autres certifications')} : {totales} totale{'s' if totales > 1 else ''}, "
              f"{partielles} partielle{'s' if partielles > 1 else ''}.")
    return CorrespondancesView(header(cert, brouillon), found, REGLE, resume)


def of_bloc(cert: Certification) -> dict[str, tuple[tuple[str, str], ...]]:
    """For each bloc of this certification (short code): (anchor, sentence) of each correspondance that names it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for g in groupes(cert):
        for lg in g.lignes:
            for ref in lg.nouveaux:
                if ref.code:
                    anciens = ", ".join(a.code or a.label for a in lg.anciens)
                    out.setdefault(ref.code, []).append((lg.id, f"{lg.type_libelle} avec {anciens} ({g.fiche})"))
    return {k: tuple(v) for k, v in out.items()}
