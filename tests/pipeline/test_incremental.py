"""make dossier: the filing bundle, rebuilding only what changed, the same bytes, and failures without damage."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import EXAMPLE, MINIMAL, run
from dossier.pipeline import produce
from dossier.render.templates import PACKAGE_TEMPLATES
from dossier.typography import plain, typeset

EPOCH = "1790000000"


@pytest.fixture
def example(tmp_path) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(EXAMPLE, folder)
    return folder


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".dossier-state.json"}


def written(result) -> list[str]:
    return [line.split("écrit : ", 1)[1] for line in result.stdout.splitlines() if line.startswith("écrit : ")]


@pytest.fixture(scope="module")
def full(example_build):
    return example_build


def test_bundle_contents(full):
    bundle = full / "dossier"
    assert sorted(p.name for p in bundle.iterdir()) == [
        "MANIFEST.sha256", "blocs.csv", "fiche-rncp.xml",
        "responsable-commercial-et-marketing-organismes-habilites.docx",
        "responsable-commercial-et-marketing-organismes-habilites.pdf",
        "responsable-commercial-et-marketing-referentiel.docx",
        "responsable-commercial-et-marketing-referentiel.pdf", "teleprocedure.txt",
    ]
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=bundle, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == 7
    assert (bundle / "responsable-commercial-et-marketing-referentiel.pdf").read_bytes() == (
        full / "referentiel" / "responsable-commercial-et-marketing-referentiel.pdf").read_bytes()


def test_fiche_xml_uses_the_open_data_element_names(full):
    root = ET.parse(full / "dossier" / "fiche-rncp.xml").getroot()
    assert root.tag == "FICHES" and root.findtext("VERSION_FLUX") == "4.1"
    fiche = root.find("FICHE")
    assert fiche.findtext("INTITULE") == "Responsable commercial et marketing"
    assert fiche.findtext("NOMENCLATURE_EUROPE/NIVEAU") == "NIV6"
    assert [e.text for e in fiche.findall("CODES_ROME/ROME/CODE")] == ["D1406", "D1402", "M1705"]
    assert fiche.findtext("CERTIFICATEURS/CERTIFICATEUR/SIRET_CERTIFICATEUR") == "84215793500011"
    assert fiche.findtext("SI_JURY_CL/ACTIF") == "Non" and fiche.findtext("SI_JURY_VAE/ACTIF") == "Oui"
    blocs = fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES")
    assert [b.findtext("CODE") for b in blocs] == ["BC01", "BC02", "BC03", "BC04"]
    assert blocs[0].findtext("LISTE_COMPETENCES").splitlines()[3] == "* Ordonner les données dans un système d'information."
    # the same names as France compétences' export
    sample = Path(__file__).resolve().parent.parent / "fixtures" / "rncp" / "export_fiches_RNCP_V4_1_sample.xml"
    published = {e.tag for e in ET.parse(sample).getroot().iter()}
    assert {e.tag for e in root.iter()} <= published


def test_fiche_xml_has_paragraphs_whole_and_no_markdown(full):
    """The YAML's hard line breaks are gone; paragraphs and `*` items one per line, as the export's lists."""
    fiche = ET.parse(full / "dossier" / "fiche-rncp.xml").getroot().find("FICHE")
    objectifs = fiche.findtext("OBJECTIFS_CONTEXTE").splitlines()
    assert objectifs[0].startswith("La fonction commerciale connaît de profondes transformations : digitalisation des parcours")
    assert objectifs[0].endswith("et d'encadrer une équipe de vente.")
    assert objectifs[1] == "La certification Responsable commercial et marketing atteste la capacité à :"  # no **
    assert objectifs[2:] == [
        "* analyser un marché et contribuer à la définition de la stratégie commerciale de l'entreprise ;",
        "* développer et fidéliser un portefeuille de clients, y compris par les canaux numériques ;",
        "* piloter la performance commerciale à l'aide d'indicateurs et de tableaux de bord ;",
        "* manager une équipe commerciale dans une démarche de qualité de service au client.",
    ]
    prose = {"ACTIVITES_VISEES", "OBJECTIFS_CONTEXTE", "PREREQUIS_ENTREE_FORMATION", "SECTEURS_ACTIVITE", "COMPOSITION"}
    for el in fiche.iter():
        text = (el.text or "").strip()
        assert "**" not in text and "\n\n" not in text, el.tag
        if el.tag in prose:  # every line ends a sentence or a list item: none is cut mid-sentence
            assert all(line[-1] in ".;:!?" for line in text.splitlines()), (el.tag, text)
    modalites = fiche.find("BLOCS_COMPETENCES/BLOC_COMPETENCES").findtext("MODALITES_EVALUATION").splitlines()
    assert modalites[1].startswith("* Rapport d’activités (durée : 30 mn). En fin d’année")
    assert "Rapport d’activités : Rapport d’activités" not in modalites[1] and "Jury : Jury" not in modalites[1]


def test_fiche_xml_lists_the_partners(full):
    fiche = ET.parse(full / "dossier" / "fiche-rncp.xml").getroot().find("FICHE")
    assert fiche.findtext("EXISTENCE_PARTENAIRES") == "Oui"
    partners = [
        (p.findtext("NOM_PARTENAIRE"), p.findtext("SIRET_PARTENAIRE"), p.findtext("HABILITATION_PARTENAIRE"), p.findtext("ETAT_HABILITATION"))
        for p in fiche.findall("PARTENAIRES/PARTENAIRE")
    ]
    assert partners == [
        ("École Exemple de Commerce de Lyon", "99912345600009", "HABILITATION_ORGA_FORM", "Actif"),
        ("Centre Exemple de Formation Continue", "99976543200003", "HABILITATION_FORMER", "Actif"),
    ]


def field(sheet: str, label: str) -> tuple[str, str]:
    """(count line, text) of one field of the téléprocédure sheet."""
    label = typeset(label) if f"\n{typeset(label)} (" in sheet else label  # the sheet typeset, or read plain
    head, rest = sheet.split(f"\n{label} (", 1)
    count, text = re.split(r"\)[ \u00a0]:\n", rest, maxsplit=1)
    return count, text.split("\n\n", 1)[0]


def test_teleprocedure_sheet_has_every_field_with_counts_and_limits(full):
    sheet = (full / "dossier" / "teleprocedure.txt").read_text(encoding="utf-8")
    for label in (
        "Intitulé", "Niveau", "Codes NSF", "Codes ROME", "Formacodes", "Certificateur", "Objectifs et contexte de la certification",
        "Activités visées", "Capacités attestées", "Secteurs d'activités", "Types d'emplois accessibles",
        "Prérequis à l'entrée en formation", "Formation initiale", "Composition du jury — Formation initiale",
        "Candidature individuelle (libre)", "Code du bloc", "Intitulé du bloc", "Liste de compétences", "Modalités d'évaluation",
    ):
        count, text = field(sheet, label)
        assert count.startswith(f"{len(text)}\u00a0caractère"), (label, count, len(text))
    assert "\u00a0:" in sheet and " :" not in sheet.replace("=" * 72, "")  # typeset, as every document
    raw, sheet = sheet, plain(sheet)  # the format's own words, typography undone
    assert field(sheet, "Intitulé")[0] == "35 caractères ; limite : 800 caractères"
    count, text = field(raw, "Activités visées")  # counted as pasted: typeset
    assert plain(count) == f"{len(text)} caractères, {len(text.encode())} octets ; limite : 32 768 octets"
    assert field(sheet, "Capacités attestées")[0].endswith("limite : 65 536 octets")
    assert field(sheet, "Candidature individuelle (libre)")[1] == "non ouverte"
    block = sheet.split("Bloc BC01\n")[1]
    title = "Analyser son marché et participer à la stratégie commerciale"
    assert f"Intitulé du bloc ({len(title)} caractères) :\n{title}\n" in block
    assert field(block, "Liste de compétences")[1].startswith("* Analyser des données commerciales")
    assert "Rapport d’activités : Rapport d’activités" not in sheet and "Jury : Jury" not in sheet
    assert "* École Exemple de Commerce de Lyon — SIRET 99912345600009 — Former et organiser les épreuves" in sheet
    table = sheet.split("Dimensions des règles de 2025 (décret n° 2025-500)\n" + "=" * 72 + "\n\n")[1].splitlines()
    assert [line.split(" | ")[:2] for line in table[2:6]] == [
        ["Transition écologique       ", "sans objet     "], ["Numérique                   ", "déclarée       "],
        ["Santé et sécurité au travail", "sans objet     "], ["Handicap et accessibilité   ", "sans objet     "],
    ]
    assert "repérée dans C1.4" in table[3]


def test_blocs_csv_opens_in_a_french_spreadsheet(full):
    data = (full / "dossier" / "blocs.csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = [line.split(";") for line in data.decode("utf-8-sig").split("\r\n") if line]
    assert rows == [
        ["Code du bloc", "Intitulé du bloc"],
        ["BC01", "Analyser son marché et participer à la stratégie commerciale"],
        ["BC02", "Développer un portefeuille client"],
        ["BC03", "Piloter la performance commerciale"],
        ["BC04", "Assurer le management de l'équipe commerciale"],
    ]


@pytest.mark.slow
def test_same_sources_same_bytes(example, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for out in ("a", "b"):
        assert run("build", str(example), "--out", str(tmp_path / out), "--jobs", "2").exit_code == 0
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a.keys() == b.keys() and len(a) > 60
    assert [k for k in a if a[k] != b[k]] == []


def test_dates_come_from_source_date_epoch(example, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert run("build", str(example), "--out", str(tmp_path), "--only", "referentiel", "--format", "docx").exit_code == 0
    import zipfile

    core = zipfile.ZipFile(tmp_path / "referentiel" / "responsable-commercial-et-marketing-referentiel.docx").read("docProps/core.xml").decode()
    assert "2026-09-21T" in core  # 1790000000 seconds after 1970
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(tmp_path / "referentiel" / "responsable-commercial-et-marketing-referentiel.docx").infolist())


def test_nothing_changed_renders_nothing(example, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(example), "--out", str(out), "--format", "html,docx").exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != ".dossier-state.json"}
    again = run("-v", "build", str(example), "--out", str(out), "--format", "html,docx")
    assert again.exit_code == 0
    assert again.stdout.startswith("Rien à refaire : ")
    assert {p: p.stat().st_mtime_ns for p in before} == before


@pytest.mark.slow
def test_editing_one_bloc_renders_only_what_contains_it(example, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(example), "--out", str(out), "--format", "html,docx").exit_code == 0
    bloc = example / "blocs" / "bc03.yaml"
    bloc.write_text(bloc.read_text(encoding="utf-8").replace("Synthèse des résultats.", "Synthèse claire des résultats."), encoding="utf-8")
    result = run("-v", "build", str(example), "--out", str(out), "--format", "html,docx")
    assert result.exit_code == 0, result.output
    documents = sorted(w for w in written(result) if not w.startswith(str(out / "site")))
    assert documents == sorted(str(out / p) for p in (
        "referentiel/responsable-commercial-et-marketing-referentiel.html",
        "referentiel/responsable-commercial-et-marketing-referentiel.docx",
        "livret/responsable-commercial-et-marketing-livret.html",
        "livret/responsable-commercial-et-marketing-livret.docx",
        "grilles/bc03-m3-1.html", "grilles/bc03-m3-1.docx", "grilles/bc03-m3-2.html", "grilles/bc03-m3-2.docx",
    ))
    assert "Synthèse claire des résultats." in (out / "grilles" / "bc03-m3-1.html").read_text(encoding="utf-8")


def test_editing_a_template_renders_only_its_users(example, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(example), "--out", str(out), "--format", "html").exit_code == 0
    (example / "templates" / "html").mkdir(parents=True)
    css = (PACKAGE_TEMPLATES / "html" / "grille.css").read_text(encoding="utf-8")
    (example / "templates" / "html" / "grille.css").write_text(css + "\n/* maison */\n", encoding="utf-8")
    result = run("-v", "build", str(example), "--out", str(out), "--format", "html")
    assert result.exit_code == 0, result.output
    documents = sorted(w for w in written(result) if not w.startswith(str(out / "site")))
    assert documents == sorted(str(out / "grilles" / f"bc0{b}-m{b}-{m}.html") for b in range(1, 5) for m in (1, 2))


def test_corrupt_state_costs_a_full_rebuild(example, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(example), "--out", str(out), "--format", "html").exit_code == 0
    (out / ".dossier-state.json").write_text("{ pas du json", encoding="utf-8")
    result = run("-v", "build", str(example), "--out", str(out), "--format", "html")
    assert result.exit_code == 0
    assert len([w for w in written(result) if w.endswith(".html") and "/site/" not in w]) == 1 + 1 + 8 + 1  # with the organismes habilités
    json.loads((out / ".dossier-state.json").read_text())  # mended


def test_a_deleted_output_is_made_again(example, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(example), "--out", str(out), "--format", "html").exit_code == 0
    (out / "grilles" / "bc02-m2-1.html").unlink()
    result = run("-v", "build", str(example), "--out", str(out), "--format", "html")
    assert [w for w in written(result) if "/site/" not in w] == [str(out / "grilles" / "bc02-m2-1.html")]


@pytest.mark.slow
def test_a_renderer_failing_halfway_leaves_everything_as_it_was(example, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("build", str(example), "--out", str(out), "--format", "html,docx").exit_code == 0
    before = files(out)
    bloc = example / "blocs" / "bc01.yaml"
    bloc.write_text(bloc.read_text(encoding="utf-8").replace("Compte rendu", "Compte rendu écrit").replace(
        "Ordonner les données", "Classer les données"), encoding="utf-8")
    calls = []
    real = produce.file_bytes

    def flaky(spec, fmt, view, env, page):
        if fmt == "docx":
            calls.append(spec.name)
            if len(calls) == 2:
                raise RuntimeError("panne du rendu Word")
        return real(spec, fmt, view, env, page)

    monkeypatch.setattr(produce, "file_bytes", flaky)
    result = run("build", str(example), "--out", str(out), "--format", "html,docx", "--jobs", "1")
    assert result.exit_code == 3 and "panne du rendu Word" in result.stderr
    assert files(out) == before
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    monkeypatch.setattr(produce, "file_bytes", real)
    again = run("-v", "build", str(example), "--out", str(out), "--format", "html,docx")
    assert again.exit_code == 0 and "Classer les données" in (out / "grilles" / "bc01-m1-2.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_draft_makes_no_bundle(project, tmp_path):
    bloc = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8").replace("competences: [C1.2]", "competences: [C1.1]")
    folder = project({"blocs/bc01.yaml": bloc})
    result = run("build", str(folder), "--out", str(tmp_path), "--brouillon")
    assert result.exit_code == 0
    assert "le dossier de dépôt n'est pas construit" in result.stderr
    assert not (tmp_path / "dossier").exists() and (tmp_path / "referentiel").is_dir()


def test_every_entry_point_stops_early_when_nothing_changed(project, tmp_path, monkeypatch):
    """The shortcut lives in the pipeline: build, site, grilles and the Python API all get it."""
    import dossier
    from dossier.pipeline import build as build_module

    folder, out = project(), tmp_path / "out"
    assert run("build", str(folder), "--out", str(out), "--format", "html").exit_code == 0
    reads = []
    real = build_module.check
    monkeypatch.setattr(build_module, "check", lambda *a, **k: reads.append(a) or real(*a, **k))
    again = run("build", str(folder), "--out", str(out), "--format", "html")
    assert again.exit_code == 0 and again.stdout.startswith("Rien à refaire : ")
    assert dossier.build(folder, out, formats=("html",)).unchanged
    assert reads == []  # the sources were not read again
    assert run("site", str(folder), "--out", str(out)).exit_code == 0  # first time with these options
    assert dossier.build(folder, out, only=("site",)).unchanged
    first = run("grilles", str(folder), "--out", str(out), "--format", "html")
    assert first.exit_code == 0
    before = len(reads)
    second = run("grilles", str(folder), "--out", str(out), "--format", "html")
    assert second.exit_code == 0 and len(reads) == before  # blank grids: nothing read, nothing made
