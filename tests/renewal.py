"""Test helper: a second version of the example, as a renewal would make it: every kind of change once.

- bloc BC01 is split in two: C1.3 and C1.4 leave it for a new bloc BC05 (as C5.1 and C5.2), with
  the criterion CR1.8 (now CR5.2), new criteria and a new épreuve;
- C2.1 and C2.2 are merged into C2.1;
- C3.2 is rewritten (a different text under the same identifier);
- C4.5 is removed (and its own criterion CR4.8);
- the criterion CR1.2 moves from C1.2 to C1.1.

The texts of everything else are the example's, word for word.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import EXAMPLE

MERGED_C21 = (
    "Construire un plan d’actions marketing afin de développer sa e-réputation et identifier la typologie de "
    "clientèle en exploitant la data issue du système d’information commercial afin de répondre aux besoins de la cible."
)
REWRITTEN_C32 = (
    "Concevoir et chiffrer un programme d'initiatives de vente hiérarchisées, assorti d'un calendrier de suivi "
    "et de jalons révisables."
)


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def _without(refs: list[str], gone: set[str], to: dict[str, str] | None = None) -> list[str]:
    out: list[str] = []
    for ref in refs:
        ref = (to or {}).get(ref, ref)
        if ref not in gone and ref not in out:
            out.append(ref)
    return out


def make_second_version(dest: Path, source: Path = EXAMPLE) -> Path:
    """Write the example's second version into dest (a sources folder)."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest)
    blocs = dest / "blocs"
    bc01, bc02, bc03, bc04 = (_read(blocs / f"bc0{n}.yaml") for n in (1, 2, 3, 4))
    # BC01 split: C1.3 and C1.4 go to BC05
    moved = {c["id"]: c for c in bc01["competences"] if c["id"] in ("C1.3", "C1.4")}
    bc01["competences"] = [c for c in bc01["competences"] if c["id"] not in moved]
    for m in bc01["modalites"]:
        m["competences"] = _without(m["competences"], set(moved))
    cr18 = next(c for c in bc01["criteres"] if c["id"] == "CR1.8")
    bc01["criteres"] = [c for c in bc01["criteres"] if c["id"] != "CR1.8"]
    for c in bc01["criteres"]:
        c["competences"] = _without(c["competences"], set(moved))
        if c["id"] == "CR1.2":  # the criterion moved within the bloc
            c["competences"] = ["C1.1"]
    bc05 = {
        "code": "BC05",
        "intitule": "Organiser la veille et les données de marché",
        "activites": [{"id": "A5", "intitule": "Organiser la veille commerciale", "taches": ["Recueil et classement des informations de marché"]}],
        "competences": [
            {"id": "C5.1", "texte": moved["C1.3"]["texte"], "activites": ["A5"]},
            {"id": "C5.2", "texte": moved["C1.4"]["texte"], "activites": ["A5"]},
        ],
        "modalites": [{
            "id": "M5.1", "type": "dossier_professionnel", "intitule": "Dossier de veille", "duree": "1 heure",
            "description": "Le candidat présente le dispositif de veille qu’il a mis en place et la base de données qui en résulte.",
            "competences": ["C5.1", "C5.2"],
        }],
        "criteres": [
            {"id": "CR5.1", "texte": "Les sources de veille retenues couvrent les acteurs et les tendances du marché.", "competences": ["C5.1"]},
            {"id": "CR5.2", "texte": cr18["texte"], "competences": ["C5.2"]},
            {"id": "CR5.3", "texte": "Chaque information de veille retenue est datée et rattachée à sa source.", "competences": ["C5.1"]},
            {"id": "CR5.4", "texte": "La base de données est à jour et chaque enregistrement est complet.", "competences": ["C5.2"]},
        ],
    }
    # BC02: C2.1 and C2.2 merged into C2.1
    bc02["competences"] = [c for c in bc02["competences"] if c["id"] != "C2.2"]
    bc02["competences"][0]["texte"] = MERGED_C21
    for item in (*bc02["modalites"], *bc02["criteres"]):
        item["competences"] = _without(item["competences"], set(), {"C2.2": "C2.1"})
    # BC03: C3.2 rewritten
    next(c for c in bc03["competences"] if c["id"] == "C3.2")["texte"] = REWRITTEN_C32
    # BC04: C4.5 removed, with its own criterion
    bc04["competences"] = [c for c in bc04["competences"] if c["id"] != "C4.5"]
    bc04["criteres"] = [c for c in bc04["criteres"] if c["competences"] != ["C4.5"]]
    for item in (*bc04["modalites"], *bc04["criteres"]):
        item["competences"] = _without(item["competences"], {"C4.5"})
    for n, data in enumerate((bc01, bc02, bc03, bc04, bc05), start=1):
        _write(blocs / f"bc0{n}.yaml", data)
    cert = (dest / "certification.yaml").read_text(encoding="utf-8")
    cert = cert.replace('version: "1.0"', 'version: "2.0"').replace("date: 2026-09-01", "date: 2031-03-01")
    cert = cert.replace("competences: [C1.4, C2.1, C2.2, C3.1]", "competences: [C5.2, C2.1, C3.1]")
    (dest / "certification.yaml").write_text(cert, encoding="utf-8")
    return dest


def with_code(folder: Path, code: str) -> Path:
    """Give a copy of the example its RNCP code (the first version, once registered)."""
    path = folder / "certification.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("intitule: Responsable commercial et marketing\n",
                                 f"intitule: Responsable commercial et marketing\ncode_rncp: {code}\n", 1), encoding="utf-8")
    return folder


def make_versions(tmp_path: Path) -> tuple[Path, Path]:
    """(old, new): the example with the code RNCP39999, and its second version (a renewal of it)."""
    old = with_code(Path(shutil.copytree(EXAMPLE, tmp_path / "v1")), "RNCP39999")
    new = make_second_version(tmp_path / "v2")
    return old, new
