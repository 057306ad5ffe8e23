"""The téléprocédure sheet's sections that the example does not show: correspondences, a renewal, a field over its limit."""

from __future__ import annotations

from conftest import MINIMAL
from dossier.checks import check
from dossier.documents.fiche_xml import fiche_xml
from dossier.documents.teleprocedure import SECTIONS, teleprocedure
from dossier.typography import plain

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")


def test_correspondences_renewal_and_a_field_over_its_limit(project):
    extra = (
        "renouvellement: RNCP34762\ncorrespondances:\n  - fiche: RNCP34762\n    blocs: [BC01]\n"
        "    blocs_fiche: [RNCP34762BC02]\n    type: partielle\n    competences: {C1.1: [C2.1]}\n"
        "  - fiche: RNCP39568\n    type: totale\n"
        "promotions:\n  - {annee: 2024, certifies: 12, dont_vae: 2, insertion_6_mois: 75}\n"
        "  - {annee: 2025, certifies: 15}\n"
    )
    long_activities = "Activités " * 3500
    folder = project({"certification.yaml": CERT.replace("activites_visees: Activités.", f"activites_visees: {long_activities.strip()}") + extra})
    checked = check(folder)
    assert sorted(d.rule for d in checked.report.diagnostics) == ["champ-limite", "correspondance-justifiee"]
    sheet = plain(teleprocedure(checked.certification).decode("utf-8"))  # typography undone
    assert "Certification renouvelée (9 caractères) :\nRNCP34762\n" in sheet
    assert "* RNCP34762 RNCP34762BC02 → BC01 (correspondance partielle)\n  compétences en commun : C1.1 ← C2.1\n" in sheet
    assert "* RNCP39568 la certification entière → la certification (correspondance totale)\n" in sheet
    assert "2024  | 12        | 2        | 75 %" in sheet and "2025  | 15        | —" in sheet
    assert "octets ; limite : 32 768 octets — LIMITE DÉPASSÉE) :" in sheet
    xml = fiche_xml(checked.certification).decode("utf-8")
    assert "<ID_FICHE_ANCIENNE_CERTIFICATION>RNCP34762</ID_FICHE_ANCIENNE_CERTIFICATION>" in xml


def test_one_function_per_section_in_the_forms_order():
    assert [s.__name__ for s in SECTIONS] == [
        "identite", "presentation", "voies_acces", "blocs", "partenaires", "correspondances", "promotions", "renouvellement", "dimensions"]
