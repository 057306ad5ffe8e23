"""Import from CASE: the example's own export comes back whole; a real-world export is read leniently and what
has no bloc is reported, not placed."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXAMPLE, FIXTURES, run
from dossier.checks import check

OPENSALT_LIKE = FIXTURES / "standards" / "opensalt-like-package.json"


def shape(cert) -> list:
    """What a CASE round trip must keep: blocs, competences (with their alignments), criteria and their links."""
    return [
        (b.code, b.intitule,
         [(c.id, c.texte, c.transversale, [(a.referentiel, a.code, a.libelle, a.exacte) for a in c.alignements]) for c in b.competences],
         [(r.id, r.texte, r.competences) for r in b.criteres])
        for b in cert.blocs
    ]


def test_the_example_exports_and_imports_back_with_the_same_blocs_competences_criteria_and_links(tmp_path):
    package = tmp_path / "case.json"
    assert run("export", "case", str(EXAMPLE), "--out", str(package)).exit_code == 0
    out = tmp_path / "reimport"
    result = run("import", "case", str(package), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Sources écrites dans" in result.output and "4 blocs, 19 compétences" in result.output
    original, imported = check(EXAMPLE).certification, check(out).certification
    assert shape(imported) == shape(original)
    assert any(a.referentiel == "esco" for c in imported.competences for a in c.alignements)
    assert (imported.intitule, imported.niveau, imported.version, imported.date) == (original.intitule, 6, "1.0", original.date)
    assert imported.echelle.type == "acquis_non_acquis"
    notes = (out / "IMPORT.md").read_text(encoding="utf-8")
    assert "activités visées, emplois accessibles, voies d'accès et jurys" in notes
    assert "ni les activités ni les épreuves" in notes
    # exported again, the same identifiers: the round trip does not fork the framework
    again = tmp_path / "again.json"
    assert run("export", "case", str(out), "--out", str(again)).exit_code == 1  # the fiche is to complete first
    cert_yaml = out / "certification.yaml"
    fiche = yaml.safe_load((EXAMPLE / "certification.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load(cert_yaml.read_text(encoding="utf-8"))
    data.update({k: fiche[k] for k in ("objectifs_contexte", "activites_visees", "emplois_accessibles", "voies_acces")})
    cert_yaml.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    from dossier.exporters.case import case_package

    first = json.loads(package.read_text(encoding="utf-8"))
    second = case_package(check(out).certification)
    assert {i["humanCodingScheme"]: i["identifier"] for i in second["CFItems"]} == {i["humanCodingScheme"]: i["identifier"] for i in first["CFItems"]}


def test_a_real_world_export_is_read_leniently_and_reports_what_has_no_bloc(tmp_path):
    out = tmp_path / "salt"
    result = run("import", "case", str(OPENSALT_LIKE), "--out", str(out))
    assert result.exit_code == 0, result.output
    cert = yaml.safe_load((out / "certification.yaml").read_text(encoding="utf-8"))
    assert cert["intitule"] == "Technicien de maintenance exemple"
    assert cert["code_rncp"] == "RNCP12345"  # from officialSourceURL
    assert cert["date"] == "2017-05-25"  # a date-time without time zone
    assert cert["version"] == "2.1" and cert["certificateurs"] == [{"nom": "Branche professionnelle exemple"}]
    assert "niveau" not in cert  # unknown: not guessed, dossier check asks for it
    bloc = yaml.safe_load((out / "blocs" / "bc01.yaml").read_text(encoding="utf-8"))
    assert bloc["code"] == "BC01" and bloc["intitule"] == "Assurer la maintenance préventive"
    assert [c["id"] for c in bloc["competences"]] == ["A.1", "A.2"]  # by sequenceNumber, not file order
    assert bloc["competences"][0]["alignements"] == [
        {"esco": "http://data.europa.eu/esco/skill/0a0532c2-ee60-4410-8e07-70e4d69370ec", "libelle": "plan maintenance", "exacte": True}
    ]
    assert bloc["criteres"] == [{"id": "A.1.a", "texte": "Le planning tient compte des contraintes de production.", "competences": ["A.1"]}]
    assert sorted(p.name for p in (out / "blocs").iterdir()) == ["bc01.yaml"]
    notes = (out / "IMPORT.md").read_text(encoding="utf-8")
    assert "« B.1 Rédiger un rapport d'intervention. » est directement sous le document, sans bloc : non importé" in notes
    assert "« X Un élément sans parent. » n'est rattaché à aucun bloc" in notes
    assert "« A.1.a.i Un sous-indicateur trop profond. » est sous le critère A.1.a (un quatrième niveau) : non importé" in notes
    assert "Code de bloc « A » : n'est pas un code de bloc (BC01, RNCP12345BC01), écrit BC01." in notes
    assert "vers « Autre référentiel » (https://other.example.org/framework/1) : ni ESCO ni ROME 4.0, non repris" in notes
    checked = check(out)
    texts = [d.format() for d in checked.report.sorted()]
    assert any("clé obligatoire « niveau » absente" in t for t in texts)


@pytest.mark.parametrize(("content", "message"), [
    ("pas du JSON", "ce n'est pas un fichier JSON"),
    ('{"CFItems": []}', "n'est pas un paquet CASE (CFPackage) : clé « CFDocument » absente"),
    ("[1, 2]", "n'est pas un paquet CASE"),
])
def test_bad_input_writes_nothing(tmp_path, content, message):
    source = tmp_path / "in.json"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = run("import", "case", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_wrapped_package_with_upper_case_identifiers(tmp_path):
    data = json.loads(OPENSALT_LIKE.read_text(encoding="utf-8"))
    source = tmp_path / "wrapped.json"
    source.write_text(json.dumps({"CFPackage": data}), encoding="utf-8")
    out = tmp_path / "out"
    assert run("import", "case", str(source), "--out", str(out)).exit_code == 0
    assert (out / "blocs" / "bc01.yaml").exists()
