"""The grids as CASE CFRubrics: one per épreuve, a CFRubricCriterion per criterion, the scale's levels.

The criteria come in the order of the printed grid (grouped by competence),
each pointing at its CFItem, with its weight; the levels are the project's
scale: acquis / non acquis, the three levels, or the points' range (0 to the
barème), since CASE has no continuous scale.
"""

from __future__ import annotations

from collections.abc import Callable

from ..documents.common import regle_decision
from ..documents.grilles import grille
from ..sources.model import Bloc, Certification, Critere, Echelle
from .addresses import absolute, bloc_page, cert_key, stable_uuid


def levels(echelle: Echelle) -> tuple[tuple[str, str, float], ...]:
    """(quality, description, score) of each level, best first."""
    if echelle.type == "points":
        top = f"{echelle.bareme:g}"
        return (
            ("Note maximale", f"{top} points sur {top} (la note va de 0 à {top})", echelle.bareme),
            ("Note minimale", f"0 point sur {top}", 0),
        )
    if echelle.type == "trois_niveaux":
        return (
            ("Acquis", "Le critère est satisfait.", 2),
            ("Partiellement acquis", "Le critère est en partie satisfait.", 1),
            ("Non acquis", "Le critère n'est pas satisfait.", 0),
        )
    return (("Acquis", "Le critère est satisfait.", 1), ("Non acquis", "Le critère n'est pas satisfait.", 0))


def rubrics(cert: Certification, item_link: Callable[[Bloc, Critere], dict], when: str) -> list[dict]:
    key = cert_key(cert)
    scale = levels(cert.echelle)
    out = []
    for bloc in cert.blocs:
        for m in bloc.modalites:
            view = grille(cert, bloc, m)
            rubric_id = stable_uuid(key, "grille", m.id)
            criteria = []
            for position, ligne in enumerate((ligne for g in view.groupes for ligne in g.lignes), start=1):
                crit = ligne.critere
                crit_id = stable_uuid(key, "grille-critere", f"{m.id}/{crit.id}")
                criteria.append({
                    "identifier": crit_id,
                    "uri": f"urn:uuid:{crit_id}",
                    "category": _category(bloc, crit, m.competences),
                    "description": crit.texte,
                    "CFItemURI": item_link(bloc, crit),
                    "weight": crit.poids,
                    "position": position,
                    "rubricId": rubric_id,
                    "lastChangeDateTime": when,
                    "CFRubricCriterionLevels": [
                        _level(key, m.id, crit.id, i, quality, description, score, crit_id, when)
                        for i, (quality, description, score) in enumerate(scale, start=1)
                    ],
                })
            out.append({
                "identifier": rubric_id,
                "uri": absolute(cert, f"{bloc_page(bloc)}#{m.id}", "grille", m.id),
                "title": f"Grille d'évaluation {bloc.code} {m.id} — {m.titre}",
                "description": f"{cert.echelle.libelle}. {regle_decision(cert.echelle)}",
                "lastChangeDateTime": when,
                "CFRubricCriteria": criteria,
            })
    return out


def _category(bloc: Bloc, crit: Critere, evaluated) -> str:
    """The competence the criterion sits under in the grid."""
    row = bloc.competence_de(crit, parmi=evaluated)
    return f"Compétence {row}" if row else "Compétence"


def _level(key, modalite, critere, i, quality, description, score, crit_id, when) -> dict:
    ident = stable_uuid(key, "grille-niveau", f"{modalite}/{critere}/{i}")
    return {
        "identifier": ident,
        "uri": f"urn:uuid:{ident}",
        "description": description,
        "quality": quality,
        "score": score,
        "position": i,
        "rubricCriterionId": crit_id,
        "lastChangeDateTime": when,
    }
