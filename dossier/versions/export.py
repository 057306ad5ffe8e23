"""A comparison as JSON, for tools: the same content as the changelog « Évolutions du référentiel ».

Keys are French like the sources'; the order of everything is the comparison's (new version's blocs
in order, then the removed ones), so the same two versions give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from ..sources.model import Correspondance
from .compare import Comparison

FORMAT = "dossier-evolutions"
FORMAT_VERSION = 1


def correspondance_data(c: Correspondance) -> dict:
    return {
        "fiche": c.fiche, "blocs": list(c.blocs), "blocs_fiche": list(c.blocs_fiche), "type": c.type,
        "competences": {k: list(v) for k, v in c.competences.items()}, "notes": c.notes,
    }


def comparison_data(c: Comparison) -> dict:
    counts = c.counts()
    return {
        "format": FORMAT,
        "version_format": FORMAT_VERSION,
        "ancienne": asdict(c.old),
        "nouvelle": asdict(c.new),
        "fiche_ancienne": c.fiche,
        "seuil": c.seuil,
        "resume": dict(sorted(counts.items())),
        "competences": [
            {"ancienne": lk.old, "nouvelle": lk.new, "score": lk.score, "par": lk.via, "justifie": lk.score >= c.seuil}
            for lk in c.competences.links
        ],
        "competences_supprimees": list(c.competences.removed),
        "competences_ajoutees": list(c.competences.added),
        "blocs": [
            {
                "ancien": b.old, "nouveau": b.new, "intitule": b.intitule, "statut": b.status,
                "changements": [
                    {
                        "type": ch.kind, "aspects": list(ch.aspects), "message": ch.message,
                        "anciens": list(ch.old), "nouveaux": list(ch.new), "score": ch.score,
                        "differences": [{"champ": d.champ, "segments": [[s.op, s.text] for s in d.segments]} for d in ch.diffs],
                    }
                    for ch in b.changes
                ],
            }
            for b in c.blocs
        ],
        "correspondances_proposees": [correspondance_data(p) for p in c.proposals],
    }


def comparison_json(c: Comparison) -> bytes:
    return (json.dumps(comparison_data(c), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
