"""Alignments on ROME 4.0 and ESCO: each wrong shape reported at its line and column, all in one run."""

from __future__ import annotations

from conftest import MINIMAL, run
from dossier.checks import check

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
ANCHOR = "    texte: Accueillir le client afin de comprendre son besoin.\n    activites: [A1]\n"


def with_alignments(lines: str) -> str:
    assert ANCHOR in BLOC
    return BLOC.replace(ANCHOR, ANCHOR + "    alignements:\n" + lines)


def test_good_alignments_are_read(project):
    folder = project({"blocs/bc01.yaml": with_alignments(
        "      - rome: 101622\n        libelle: Accueillir un client\n        exacte: true\n"
        "      - esco: http://data.europa.eu/esco/skill/0da516ee-e70e-4384-be13-f5ff80be8127\n"
        "      - esco: http://data.europa.eu/esco/skill/S1.2\n"
    )})
    checked = check(folder)
    assert checked.ok and checked.report.warnings == 0
    comp = checked.certification.competences[0]
    assert [(a.referentiel, a.code, a.libelle, a.exacte) for a in comp.alignements] == [
        ("rome", "101622", "Accueillir un client", True),
        ("esco", "http://data.europa.eu/esco/skill/0da516ee-e70e-4384-be13-f5ff80be8127", "", False),
        ("esco", "http://data.europa.eu/esco/skill/S1.2", "", False),
    ]


def test_every_wrong_alignment_is_reported_at_its_place(project):
    folder = project({
        "blocs/bc01.yaml": with_alignments(
            "      - esco: https://data.europa.eu/esco/skill/0da516ee-e70e-4384-be13-f5ff80be8127\n"  # line 12
            "      - rome: M1805\n"                                                                    # line 13: a fiche, not a competence
            "      - libelle: rien\n"                                                                  # line 14
            "      - rome: 101622\n        esco: http://data.europa.eu/esco/skill/S1\n"                # lines 15-16
            "      - rome: 101622\n"                                                                   # line 17
            "      - rome: \"101622\"\n"                                                               # line 18: twice
        ),
        "certification.yaml": CERT + "adresse_site: www.exemple.fr\n",
    })
    result = run("check", str(folder), cwd=folder)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "[" in line and ("alignement" in line or "adresse-web" in line)]
    assert lines == [
        "blocs/bc01.yaml:12:15: competences[0].alignements[0].esco: « https://data.europa.eu/esco/skill/0da516ee-e70e-4384-be13-f5ff80be8127 » "
        "n'est pas une URI de compétence ESCO (http://data.europa.eu/esco/skill/ suivi de l'identifiant, en minuscules, telle que la donne "
        "le portail ESCO) [erreur alignement-esco]",
        "blocs/bc01.yaml:13:15: competences[0].alignements[1].rome: « M1805 » n'est pas un code de compétence ROME 4.0 "
        "(5 ou 6 chiffres, par exemple 101622) [erreur alignement-rome]",
        "blocs/bc01.yaml:14:9: competences[0].alignements[2]: alignement sans cible : indiquez « rome: » (code de compétence) "
        "ou « esco: » (URI) [erreur alignement-cible]",
        "blocs/bc01.yaml:16:15: competences[0].alignements[3].esco: un alignement nomme soit « rome », soit « esco » : "
        "écrivez-en deux, un par référentiel [erreur alignement-cible]",
        "blocs/bc01.yaml:18:15: competences[0].alignements[5].rome: « 101622 » déjà cité pour C1.1 (ligne 17) [avertissement alignement-double]",
        "certification.yaml:32:15: adresse_site: « www.exemple.fr » n'est pas une adresse web (https://…) [erreur adresse-web]",
    ]
