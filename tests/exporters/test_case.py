"""CASE 1.1: the example as a CFPackage valid against the official schema, with stable UUIDs and every link."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections import Counter

import jsonschema
import pytest

from conftest import EXAMPLE, FIXTURES, run
from dossier.checks import check
from dossier.exporters.case import Correspondence, case_package, dumps

SCHEMA = FIXTURES / "standards" / "case-1.1-cfpackage.schema.json"  # the official 1EdTech file (draft 2019-09)


def validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/draft/2019-09/")
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def errors_of(package: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(package)]


@pytest.fixture(scope="module")
def package(example_cert):
    return case_package(example_cert)


def by_code(package: dict) -> dict[str, dict]:
    return {i["humanCodingScheme"]: i for i in package["CFItems"]}


def links(package: dict, kind: str) -> set[tuple[str, str]]:
    return {(a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"]) for a in package["CFAssociations"] if a["associationType"] == kind}


def test_the_schema_checks_formats_so_a_bad_package_fails():
    """The validator is not toothless: a date without time zone, a non-UUID and an unknown key each fail."""
    good = json.loads(dumps(case_package(check(EXAMPLE).certification)))
    assert errors_of(good) == []
    bad = json.loads(json.dumps(good))
    bad["CFItems"][0]["lastChangeDateTime"] = "2026-09-01T00:00:00"  # no time zone
    bad["CFItems"][1]["identifier"] = "C1.1"
    bad["CFItems"][2]["CFDocumentURI"] = "https://x"  # what real exports write, not the official schema
    found = errors_of(bad)
    assert len(found) == 3, found


def test_the_example_is_a_valid_cfpackage(package, example_cert):
    assert errors_of(package) == []
    doc = package["CFDocument"]
    assert doc["title"] == example_cert.intitule and doc["caseVersion"] == "1.1" and doc["language"] == "fr"
    assert doc["creator"] == "Institut Exemple de Commerce et de Management"
    assert doc["lastChangeDateTime"] == "2026-09-01T00:00:00Z"  # the version's date, never the clock
    kinds = Counter(i["CFItemType"] for i in package["CFItems"])
    assert kinds == {"Bloc de compétences": 4, "Compétence": 19, "Critère d'évaluation": 32}
    items = by_code(package)
    assert items["BC01"]["fullStatement"] == "Analyser son marché et participer à la stratégie commerciale"
    assert items["C1.2"]["fullStatement"].startswith("Décliner la stratégie commerciale")
    assert items["CR1.3"]["fullStatement"].startswith("Les objectifs sont formulés de manière spécifique")
    types = {t["identifier"]: t["title"] for t in package["CFDefinitions"]["CFItemTypes"]}
    assert all(types[i["CFItemTypeURI"]["identifier"]] == i["CFItemType"] for i in package["CFItems"])


def test_identifiers_are_lower_case_uuid5_and_unique(package):
    ids = [package["CFDocument"]["identifier"]] + [i["identifier"] for i in package["CFItems"]]
    ids += [a["identifier"] for a in package["CFAssociations"]]
    ids += [r["identifier"] for r in package["CFRubrics"]] + [c["identifier"] for r in package["CFRubrics"] for c in r["CFRubricCriteria"]]
    pattern = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")  # CASE's own rule
    assert all(pattern.fullmatch(i) and uuid.UUID(i).version == 5 for i in ids)
    assert len(ids) == len(set(ids))


def test_uuids_are_the_same_across_builds_and_edits(tmp_path, example_cert):
    """Two exports give the same bytes; editing a text keeps every identifier (a registry updates, not duplicates)."""
    first = run("export", "case", str(EXAMPLE), "--out", str(tmp_path / "a.json"))
    second = run("export", "case", str(EXAMPLE), "--out", str(tmp_path / "b.json"))
    assert first.exit_code == second.exit_code == 0, first.output
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    copy = tmp_path / "edited"
    shutil.copytree(EXAMPLE, copy)
    bloc = copy / "blocs" / "bc01.yaml"
    bloc.write_text(bloc.read_text(encoding="utf-8").replace("Ordonner les données", "Classer les données"), encoding="utf-8")
    edited = case_package(check(copy).certification)
    original = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert by_code(edited)["C1.4"]["fullStatement"].startswith("Classer")
    assert {c: i["identifier"] for c, i in by_code(edited).items()} == {c: i["identifier"] for c, i in by_code(original).items()}


def test_hierarchy_and_criteria_links(package, example_cert):
    items = by_code(package)
    doc = package["CFDocument"]["identifier"]
    children = links(package, "isChildOf")
    assert (items["BC03"]["identifier"], doc) in children
    assert (items["C3.2"]["identifier"], items["BC03"]["identifier"]) in children
    # a criterion is a child of the first competence it evaluates, related to the others
    cr11 = next(c for c in example_cert.criteres if c.id == "CR1.1")
    assert cr11.competences == ("C1.1", "C1.3")
    assert (items["CR1.1"]["identifier"], items["C1.1"]["identifier"]) in children
    assert (items["CR1.1"]["identifier"], items["C1.3"]["identifier"]) in links(package, "isRelatedTo")
    # every item has exactly one parent: the package is a tree, as CASE tools display it
    parents = Counter(origin for origin, _ in children)
    assert set(parents.values()) == {1} and len(parents) == len(package["CFItems"])
    # every criterion-competence pair of the sources is there, and no other
    pairs = {(items[cr.id]["identifier"], items[c]["identifier"]) for cr in example_cert.criteres for c in cr.competences}
    criteria = {items[cr.id]["identifier"] for cr in example_cert.criteres}
    exported = {p for p in children | links(package, "isRelatedTo") if p[0] in criteria}
    assert exported == pairs


def test_alignments_become_associations_to_esco(package):
    items = by_code(package)
    esco = [a for a in package["CFAssociations"] if a["destinationNodeURI"].get("targetType") == "ext:ESCO"]
    assert {(a["originNodeURI"]["identifier"], a["associationType"], a["destinationNodeURI"]["uri"]) for a in esco} == {
        (items["C2.2"]["identifier"], "isRelatedTo", "http://data.europa.eu/esco/skill/11c56452-fcec-4b00-9695-cca4728e5048"),
        (items["C3.3"]["identifier"], "isRelatedTo", "http://data.europa.eu/esco/skill/1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb"),
    }
    assert {a["destinationNodeURI"]["title"] for a in esco} == {"marketing analytics", "lead a team"}


def test_exact_alignment_rome_code_and_site_address(project):
    cert_text = (FIXTURES / "minimal" / "certification.yaml").read_text(encoding="utf-8")
    folder = project({"certification.yaml": cert_text + "adresse_site: https://certif.example.fr/referentiel\n"})
    bloc = folder / "blocs" / "bc01.yaml"
    bloc.write_text(bloc.read_text(encoding="utf-8").replace(
        "    texte: Accueillir le client afin de comprendre son besoin.\n",
        "    texte: Accueillir le client afin de comprendre son besoin.\n"
        "    alignements:\n      - rome: 101622\n        exacte: true\n"
        "      - esco: http://data.europa.eu/esco/skill/0da516ee-e70e-4384-be13-f5ff80be8127\n        libelle: communicate with customers\n",
    ), encoding="utf-8")
    checked = check(folder)
    assert checked.ok, [d.format() for d in checked.report.sorted()]
    package = case_package(checked.certification)
    assert errors_of(package) == []
    items = by_code(package)
    assert items["C1.1"]["uri"] == "https://certif.example.fr/referentiel/blocs/bc01.html#C1.1"
    assert package["CFDocument"]["uri"] == "https://certif.example.fr/referentiel/"
    outside = {a["destinationNodeURI"]["identifier"]: a for a in package["CFAssociations"] if a["destinationNodeURI"].get("targetType") in ("ext:ROME", "ext:ESCO")}
    assert outside["101622"]["associationType"] == "exactMatchOf"
    assert outside["101622"]["destinationNodeURI"]["uri"].endswith("/competences/competence/101622")
    assert outside["http://data.europa.eu/esco/skill/0da516ee-e70e-4384-be13-f5ff80be8127"]["associationType"] == "isRelatedTo"


def test_correspondences_and_former_versions(example_cert):
    package = case_package(example_cert, replaces=("RNCP11111",), correspondences=[
        Correspondence("RNCP22222", ("BC01",), ("RNCP22222BC03",)),  # one to one: an exact match
        Correspondence("RNCP33333", ("BC02", "BC03"), ("BC01",)),  # two to one: related only
        Correspondence("RNCP11111", ("BC04",), ("BC04",)),  # with the version this one replaces
    ])
    assert errors_of(package) == []
    items = by_code(package)
    found = {(a["associationType"], a["originNodeURI"]["title"], a["destinationNodeURI"]["title"]) for a in package["CFAssociations"]
             if "RNCP" in a["originNodeURI"]["title"] + a["destinationNodeURI"]["title"]}
    assert ("exactMatchOf", items["BC01"]["humanCodingScheme"] + " — " + items["BC01"]["fullStatement"], "Bloc RNCP22222BC03") in found
    assert {t for t in found if t[2] == "Bloc RNCP33333BC01"} == {
        ("isRelatedTo", f"BC02 — {items['BC02']['fullStatement']}", "Bloc RNCP33333BC01"),
        ("isRelatedTo", f"BC03 — {items['BC03']['fullStatement']}", "Bloc RNCP33333BC01"),
    }
    # the old one is replaced by the new one: the certification, and its bloc
    assert ("replacedBy", "Certification RNCP11111", example_cert.intitule) in found
    assert ("replacedBy", "Bloc RNCP11111BC04", f"BC04 — {items['BC04']['fullStatement']}") in found


def test_the_grids_are_rubrics_with_the_scale(package, example_cert):
    rubrics = {r["title"].split(" — ")[0]: r for r in package["CFRubrics"]}
    assert len(rubrics) == len(example_cert.modalites) == 8
    m11 = rubrics["Grille d'évaluation BC01 M1.1"]
    items = {i["identifier"]: i["humanCodingScheme"] for i in package["CFItems"]}
    # the printed grid's rows: CR1.7 belongs to M1.2 only (modalites: [M1.2])
    assert [items[c["CFItemURI"]["identifier"]] for c in m11["CFRubricCriteria"]] == ["CR1.1", "CR1.2", "CR1.3", "CR1.4", "CR1.5", "CR1.6"]
    assert [c["category"] for c in m11["CFRubricCriteria"]][:2] == ["Compétence C1.1", "Compétence C1.2"]
    levels = m11["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    assert [(lv["quality"], lv["score"]) for lv in levels] == [("Acquis", 1), ("Non acquis", 0)]
    assert "Le bloc est validé lorsque toutes ses compétences sont acquises" in m11["description"]


@pytest.mark.parametrize(("scale", "expected"), [
    ("type: trois_niveaux", [("Acquis", 2), ("Partiellement acquis", 1), ("Non acquis", 0)]),
    ("type: points\n  bareme: 20\n  seuil: 10", [("Note maximale", 20), ("Note minimale", 0)]),
])
def test_other_scales(project, scale, expected):
    cert_text = (FIXTURES / "minimal" / "certification.yaml").read_text(encoding="utf-8")
    folder = project({"certification.yaml": re.sub(r"echelle:\n  type: \w+", f"echelle:\n  {scale}", cert_text)})
    checked = check(folder)
    assert checked.ok, [d.format() for d in checked.report.sorted()]
    package = case_package(checked.certification)
    assert errors_of(package) == []
    levels = package["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    assert [(lv["quality"], lv["score"]) for lv in levels] == expected


def test_cli_refuses_sources_with_errors_and_writes_nothing(project, tmp_path):
    folder = project({"blocs/bc01.yaml": (FIXTURES / "minimal" / "blocs" / "bc01.yaml").read_text(encoding="utf-8").replace("code: BC01", "code: XX")})
    out = tmp_path / "case.json"
    result = run("export", "case", str(folder), "--out", str(out))
    assert result.exit_code == 1
    assert "[erreur code-bloc]" in result.output and "rien n'a été exporté" in result.output
    assert not out.exists()


def test_cli_bad_former_code_is_a_usage_error(tmp_path):
    result = run("export", "case", str(EXAMPLE), "--out", str(tmp_path / "x.json"), "--remplace", "12345")
    assert result.exit_code == 2
    assert "« 12345 » n'est pas un code RNCP" in result.output


def test_cli_says_what_it_wrote(tmp_path):
    result = run("export", "case", str(EXAMPLE), "--out", str(tmp_path / "x.json"), "--remplace", "RNCP11111")
    assert result.exit_code == 0
    assert result.output == (f"CASE 1.1 écrit dans {tmp_path / 'x.json'} : 55 éléments (4 blocs, 19 compétences, 32 critères), "
                             "80 associations, 8 grilles.\n")


def test_the_sources_correspondences_and_an_explicit_none(example_cert):
    """The sources' own `correspondances:` are used; an old bloc with no equivalent (« aucune ») links nothing."""
    import dataclasses

    from dossier.sources.model import Correspondance

    cert = dataclasses.replace(example_cert, correspondances=(
        Correspondance("RNCP22222", ("BC01",), ("BC03",), "totale"),
        Correspondance("RNCP22222", (), ("BC04",), "aucune"),
    ))
    package = case_package(cert)
    assert errors_of(package) == []
    titles = [(a["associationType"], a["destinationNodeURI"]["title"]) for a in package["CFAssociations"]
              if "RNCP22222" in a["destinationNodeURI"]["title"]]
    assert titles == [("exactMatchOf", "Bloc RNCP22222BC03")]
