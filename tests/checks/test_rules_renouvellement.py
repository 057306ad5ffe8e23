"""The renewal's rules, each on a minimal case that fails and one that passes: correspondances, promotions,
recommendations — and against the previous version, when it can be read."""

from __future__ import annotations

import shutil

import pytest

import dossier
from conftest import MINIMAL, run
from dossier.checks import check

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
RENEWAL = "renouvellement:\n  code: RNCP12345\n  blocs_precedents: {BC01: Vendre, BC02: Gérer le stock}\n"
PROMOTIONS = "promotions:\n  - {annee: 2024, certifies: 10}\n  - {annee: 2025, certifies: 12, dont_vae: 1}\n"
TOTAL = "  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: totale\n    competences: {C1.1: [C1.1], C1.2: [C1.2]}\n"
NONE_FOR_BC02 = "  - fiche: RNCP12345\n    blocs_fiche: [BC02]\n    type: aucune\n"


def findings(project, extra: str) -> list[tuple[str, str, str]]:
    folder = project({"certification.yaml": CERT + extra})
    checked = check(folder)
    return [(d.rule, d.keypath, d.message) for d in checked.report.sorted() if d.rule != "dimension"]


def rules(project, extra: str) -> list[str]:
    return [r for r, _, _ in findings(project, extra)]


def test_a_complete_renewal_passes(project):
    assert rules(project, RENEWAL + PROMOTIONS + "correspondances:\n" + TOTAL + NONE_FOR_BC02) == []


@pytest.mark.parametrize("entry, rule, where, message", [
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC07]\n    type: partielle\n    competences: {C1.1: [C1.1]}\n",
     "correspondance", "correspondances[0].blocs[0]", "bloc « BC07 » inconnu"),
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC09]\n    blocs: [BC01]\n    type: partielle\n    competences: {C1.1: [C1.1]}\n",
     "correspondance", "correspondances[0].blocs_fiche[0]", "bloc « BC09 » inconnu de la version précédente (RNCP12345)"),
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: partielle\n    competences: {C9.9: [C1.1]}\n",
     "correspondance", "correspondances[0].competences.C9.9", "compétence « C9.9 » inconnue"),
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: aucune\n",
     "correspondance", "correspondances[0].type", "une correspondance « aucune » ne nomme ni bloc ni compétence"),
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: totale\n    competences: {C1.1: [C1.1]}\n",
     "correspondance-totale", "correspondances[0].type", "correspondance totale, mais C1.2 n'est justifiée par aucune compétence de BC01"),
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n",
     "correspondance-justifiee", "correspondances[0].fiche", "dites si la correspondance est totale, partielle ou aucune"),
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: totale\n",
     "correspondance-justifiee", "correspondances[0].type", "nommez les compétences qui justifient la correspondance"),
    ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: partielle\n    competences: {C1.1: [C1.1], C1.2: [C1.2]}\n",
     "correspondance-justifiee", "correspondances[0].type", "chaque compétence de ces blocs est justifiée : totale ?"),
    (TOTAL + "    proposee: true\n",
     "correspondance-a-relire", "correspondances[0].proposee", "proposée par dossier diff, à relire"),
])
def test_each_correspondence_rule(project, entry, rule, where, message):
    found = findings(project, RENEWAL + PROMOTIONS + "correspondances:\n" + entry + NONE_FOR_BC02)
    assert [f for f in found if f[0] == rule and f[1] == where and message in f[2]], found


def test_every_old_bloc_needs_a_decision(project):
    found = findings(project, RENEWAL + PROMOTIONS + "correspondances:\n" + TOTAL)
    assert found == [("correspondance-decision", "renouvellement.blocs_precedents.BC02",
                      "bloc BC02 de la version précédente (RNCP12345) sans décision : dites sous correspondances: s'il "
                      "correspond à un bloc de cette version (totale ou partielle), ou à aucun (type: aucune)")]


def test_a_renewal_reports_at_least_two_promotions(project):
    one = findings(project, RENEWAL.replace("  blocs_precedents: {BC01: Vendre, BC02: Gérer le stock}\n", "")
                   + "promotions:\n  - {annee: 2025, certifies: 12}\n")
    assert [(r, k) for r, k, _ in one] == [("renouvellement-promotions", "promotions[0].annee")]
    assert "ne peut être enregistrée que pour 3 ans" in one[0][2]
    none = findings(project, "renouvellement: RNCP12345\n")
    assert [(r, k) for r, k, _ in none] == [("renouvellement-promotions", "renouvellement.code")]
    assert rules(project, "promotions:\n  - {annee: 2025, certifies: 12}\n") == []  # a first filing: not asked


def test_promotions_are_coherent(project):
    found = findings(project, "promotions:\n  - {annee: 2025, certifies: 12, dont_vae: 13}\n  - {annee: 2025, certifies: 3}\n")
    assert [(r, k) for r, k, _ in found] == [("promotion", "promotions[0].dont_vae"), ("promotion", "promotions[1].annee")]
    bad = findings(project, "promotions:\n  - {annee: 2025, certifies: 12, insertion_6_mois: 130}\n")
    assert bad[0][0] == "schema-valeur" and "un nombre d'au plus 100 est attendu" in bad[0][2]


def test_each_recommendation_says_how_it_was_taken_into_account(project):
    extra = ("renouvellement:\n  code: RNCP12345\n  recommandations:\n    - recommandation: Ouvrir la VAE.\n"
             "      prise_en_compte: La VAE est ouverte.\n    - recommandation: Réduire les épreuves.\n" + PROMOTIONS)
    assert [(r, k) for r, k, _ in findings(project, extra)] == [("renouvellement-recommandation", "renouvellement.recommandations[1].recommandation")]


def test_against_the_previous_version(project, tmp_path):
    previous = tmp_path / "v1"
    shutil.copytree(MINIMAL, previous)
    entry = ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: totale\n"
             "    competences: {C1.1: [C1.1], C1.2: [C1.7]}\n")
    folder = project({"certification.yaml": CERT + "renouvellement:\n  code: RNCP12345\n  version_precedente: ../v1\n"
                      + PROMOTIONS + "correspondances:\n" + entry + NONE_FOR_BC02})
    checked = [(d.rule, d.keypath, d.message) for d in dossier.check(folder).report.sorted()]  # the API reads it too
    assert checked == [("correspondance-version", "correspondances[0].competences.C1.2", "compétence « C1.7 » absente de la version précédente"),
                       ("correspondance-version", "correspondances[1].blocs_fiche[0]", "bloc « BC02 » absent de la version précédente ; ses blocs : BC01")]
    result = run("check", str(folder))
    assert result.exit_code == 1 and "[erreur correspondance-version]" in result.stdout


def test_a_previous_version_that_cannot_be_read_is_said(project):
    folder = project({"certification.yaml": CERT + "renouvellement:\n  code: RNCP12345\n  version_precedente: git:v1.0\n" + PROMOTIONS})
    found = [(d.rule, d.keypath) for d in dossier.check(folder).report.sorted()]
    assert found == [("version-precedente", "renouvellement.version_precedente")]
    given = run("check", str(folder), "--precedente", str(folder.parent / "nulle-part"))
    assert given.exit_code == 1 and "pas de certification.yaml" in given.stderr


def test_against_a_previous_version_read_from_the_open_data(project, tmp_path):
    from dossier.documents.fiche_xml import fiche_xml

    previous = project({"certification.yaml": CERT.replace("intitule: Certification minimale\n", "intitule: Certification minimale\ncode_rncp: RNCP12345\n")})
    export = tmp_path / "export.xml"
    export.write_bytes(fiche_xml(check(previous).certification))
    entry = ("  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: totale\n"
             "    competences: {C1.1: [C1.1], C1.2: [C1.9]}\n")
    folder = project({"certification.yaml": CERT + f"renouvellement:\n  code: RNCP12345\n  version_precedente: rncp:{export}#RNCP12345\n"
                      + PROMOTIONS + "correspondances:\n" + entry})
    found = [(d.rule, d.keypath, d.message) for d in dossier.check(folder).report.sorted()]
    assert found == [("correspondance-version", "correspondances[0].competences.C1.2", "compétence « C1.9 » absente de la version précédente")]
