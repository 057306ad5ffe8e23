"""Excel both ways: the review workbook, and its edits brought back into the YAML with its comments and order."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import EXAMPLE, run
from extract import flat, libreoffice_pdf, pdf_text


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def example(tmp_path) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("build"))
    return folder


def export(folder: Path, out: Path) -> Path:
    result = run("export", "xlsx", str(folder), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Classeur écrit : {out} (4 blocs, ")
    return out


def row_of(ws, ident: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == ident)


def fiche_row(ws, key: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == key)


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_round_trip_without_edits_changes_nothing_byte_for_byte(example, tmp_path):
    before = snapshot(example)
    book = export(example, tmp_path / "relecture.xlsx")
    result = run("import", "xlsx", str(book), "--dans", str(example))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Aucun changement : {example}/ est déjà à jour.\n"
    assert snapshot(example) == before


def test_journey_edit_two_cells_and_keep_the_comments(example, tmp_path):
    """export xlsx → two cells edited with openpyxl → import xlsx --dans: the two changes, nothing else, comments kept."""
    bloc_before = (example / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
    cert_before = (example / "certification.yaml").read_text(encoding="utf-8")
    book = export(example, tmp_path / "relecture.xlsx")
    wb = openpyxl.load_workbook(book)
    new_text = "Décliner la stratégie commerciale sur son périmètre afin de fixer des objectifs de développement chiffrés."
    wb["BC01"].cell(row_of(wb["BC01"], "C1.2"), 3).value = new_text
    wb["Fiche"].cell(fiche_row(wb["Fiche"], "niveau"), 3).value = 7
    wb.save(book)

    result = run("import", "xlsx", str(book), "--dans", str(example))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2 changements lus dans relecture.xlsx :"
    assert lines[1] == "  Fiche!C4 : certification.yaml, niveau : « 6 » → « 7 »"
    assert lines[2].startswith(f"  BC01!C{row_of(wb['BC01'], 'C1.2')} : blocs/bc01.yaml, compétence C1.2, texte : « Décliner la stratégie")
    assert lines[-1] == (f"2 fichiers écrits dans {example}/ : certification.yaml, blocs/bc01.yaml ; "
                         "dossier check : 0 erreur, 0 avertissement, 56 infos.")

    bloc_after = (example / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
    cert_after = (example / "certification.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(bloc_after)
    assert [c["texte"] for c in data["competences"] if c["id"] == "C1.2"] == [new_text]
    assert yaml.safe_load(cert_after)["niveau"] == 7
    # the comments, the schema line, the order and every other line are as they were
    assert comments(bloc_after) == comments(bloc_before) and comments(cert_after) == comments(cert_before)
    assert bloc_after.splitlines()[0] == "# yaml-language-server: $schema=../../schema/bloc.schema.json"
    changed = [(a, b) for a, b in zip(bloc_before.splitlines(), bloc_after.splitlines()) if a != b]
    assert len(bloc_before.splitlines()) == len(bloc_after.splitlines()) and len(changed) == 1
    assert changed[0][1] == f"    texte: {new_text}"
    assert [(a, b) for a, b in zip(cert_before.splitlines(), cert_after.splitlines()) if a != b] == [("niveau: 6", "niveau: 7")]
    assert run("check", str(example), "--strict").exit_code == 0


def test_the_workbook_a_team_reviews(example, tmp_path):
    book = export(example, tmp_path / "relecture.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Mode d'emploi", "Fiche", "BC01", "BC02", "BC03", "BC04", "_origine"]
    assert wb["_origine"].sheet_state == "veryHidden"
    ws = wb["BC01"]
    assert ws.protection.sheet and not ws.protection.password and ws.protection.insertRows is False
    r = row_of(ws, "C1.1")
    assert [ws.cell(r, c).value for c in (1, 2, 4, 5)] == ["Compétence", "C1.1", "A1", "M1.1, M1.2"]
    assert ws.cell(r, 2).protection.locked and ws.cell(r, 5).protection.locked  # the identifier, the derived épreuves
    assert not ws.cell(r, 3).protection.locked and not ws.cell(r, 12).protection.locked  # the text, the comment
    assert ws.cell(r + 1, 1).value == "Critère" and ws.cell(r + 1, 2).value == "CR1.1"  # its criteria follow it
    assert ws.cell(row_of(ws, "A1") - 1, 12).value == "Commentaire"
    m = row_of(ws, "M1.2")
    assert [ws.cell(m, c).value for c in range(3, 12)] == [
        "Rapport d’activités", "Rapport d'activités", "30 mn", "C1.1, C1.3, C1.4", "En fin d’année, travail individuel",
        "Le/la candidat(e) présente en fin d’année une analyse de marché.\n\nRédaction d’un rapport écrit.\n\n"
        "Soutenance de 30 mn devant un jury de professionnels.", "Rapport écrit",
        "Rapport déposé sur la plateforme de l’organisme au plus tard quinze jours avant la soutenance", "Jury de professionnels"]
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    types = next(f for f in lists if "Étude de cas" in f)
    assert types.strip('"').split(",")[:3] == ["Étude de cas", "Rapport d'activités", "Soutenance orale"]
    assert lists[types] == f"D{row_of(ws, 'M1.1')} D{m}"
    assert '"Activité,Tâche,Compétence,Critère,Épreuve"' in lists
    fiche = wb["Fiche"]
    fiche_lists = {dv.formula1 for dv in fiche.data_validations.dataValidation}
    assert {'"oui,non"', '"Acquis / non acquis,Acquis / partiellement acquis / non acquis,Points pondérés"',
            '"3,4,5,6,7,8"'} <= fiche_lists
    assert fiche.cell(fiche_row(fiche, "voies_acces.candidature_libre.ouverte"), 3).value == "non"
    assert fiche.column_dimensions["B"].hidden and fiche.protection.sheet
    # the same sources give the same bytes
    assert export(example, tmp_path / "again.xlsx").read_bytes() == book.read_bytes()


def test_unreadable_cells_are_reported_by_sheet_and_cell_and_nothing_is_written(example, tmp_path):
    before = snapshot(example)
    book = export(example, tmp_path / "relecture.xlsx")
    wb = openpyxl.load_workbook(book)
    fiche, bc02 = wb["Fiche"], wb["BC02"]
    fiche.cell(fiche_row(fiche, "niveau"), 3).value = "six"
    fiche.cell(fiche_row(fiche, "date"), 3).value = "31/02/2027"
    bc02.cell(row_of(bc02, "M2.1"), 4).value = "Examen écrit"  # typed over the drop-down list
    bc02.cell(row_of(bc02, "CR2.1"), 4).value = "C2.1, C9.9"
    bc02.cell(row_of(bc02, "CR2.2"), 3).value = "Un critère reformulé, lisible, lui."
    wb.save(book)
    result = run("import", "xlsx", str(book), "--dans", str(example))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-4:] == [
        "  Fiche!C4 : Niveau (3 à 8) : « six » n'est pas un nombre entier",
        "  Fiche!C9 : Date de la version : « 31/02/2027 » n'est pas une date (JJ/MM/AAAA)",
        f"  BC02!D{row_of(bc02, 'CR2.1')} : critère CR2.1, compétences : « C9.9 » : pas de compétence de ce nom dans le bloc",
        f"  BC02!D{row_of(bc02, 'M2.1')} : épreuve M2.1, type : « Examen écrit » n'est pas dans la liste (Étude de cas, "
        "Rapport d'activités, Soutenance orale, Mise en situation professionnelle, Dossier professionnel, "
        "Entretien avec le jury, Questionnaire, Projet, Autre)",
    ]
    assert "Cellules non lues :" in result.stdout
    assert result.stderr == "Erreur : 4 cellules non lues : rien n'a été écrit\n"
    assert snapshot(example) == before


def test_rows_added_and_emptied_comments_listed_and_dry_run(example, tmp_path):
    book = export(example, tmp_path / "relecture.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["BC01"]
    under = row_of(ws, "CR1.8") + 1  # a new criterion under C1.4's own CR1.8
    ws.insert_rows(under)
    ws.cell(under, 1).value, ws.cell(under, 3).value = "Critère", "Les données sont rangées dans le CRM de l’entreprise."
    ws.cell(row_of(ws, "CR1.6"), 3).value = None  # emptied: removed
    ws.cell(row_of(ws, "M1.2"), 12).value = "Préciser la longueur du rapport."
    wb.save(book)
    before = snapshot(example)
    dry = run("import", "xlsx", str(book), "--dans", str(example), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert snapshot(example) == before
    assert f"  BC01!C{under} : blocs/bc01.yaml, critère CR1.9 ajouté : « Les données sont rangées dans le CRM de l’entreprise. »" in dry.stdout
    assert "  BC01!C{} : blocs/bc01.yaml, critère CR1.6 supprimé (« Les actions programmées utilisent le cross et multi canal. »)".format(
        row_of(ws, "CR1.6")) in dry.stdout
    assert f"  BC01!L{row_of(ws, 'M1.2')} (épreuve M1.2) : Préciser la longueur du rapport." in dry.stdout
    assert dry.stdout.splitlines()[-1].startswith("--dry-run : rien n'a été écrit (1 fichier à modifier : blocs/bc01.yaml ;")

    result = run("import", "xlsx", str(book), "--dans", str(example))
    assert result.exit_code == 0, result.output
    text = (example / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
    criteria = yaml.safe_load(text)["criteres"]
    # where it stands in the sheet: after the criterion row above it (CR1.5, CR1.6 being removed)
    ids = [c["id"] for c in criteria]
    assert "CR1.6" not in ids and ids.index("CR1.9") == ids.index("CR1.8") + 1
    assert criteria[ids.index("CR1.9")] == {"id": "CR1.9", "texte": "Les données sont rangées dans le CRM de l’entreprise.", "competences": ["C1.4"]}
    assert "    competences: [C1.4]\n" in text  # written like its neighbours, in flow style
    assert "Préciser la longueur" not in text  # a comment is for the reader of the report, not for the sources


def test_removing_a_competence_takes_it_out_of_references(example, tmp_path):
    book = export(example, tmp_path / "relecture.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["BC01"].cell(row_of(wb["BC01"], "C1.4"), 3).value = ""
    wb["BC01"].cell(row_of(wb["BC01"], "CR1.8"), 3).value = ""  # the criterion that evaluates C1.4 alone
    wb.save(book)
    fiche = example / "certification.yaml"  # the example counts C1.4 among its digital competences
    fiche.write_text(fiche.read_text(encoding="utf-8").replace("competences: [C1.4, C2.1", "competences: [C2.1"), encoding="utf-8")
    result = run("import", "xlsx", str(book), "--dans", str(example))
    assert result.exit_code == 0, result.output
    assert "  (conséquence) : blocs/bc01.yaml, épreuve M1.2, compétences : [C1.1, C1.3, C1.4] → [C1.1, C1.3]" in result.stdout
    assert "  (conséquence) : blocs/bc01.yaml, critère CR1.7, compétences : [C1.1, C1.3, C1.4] → [C1.1, C1.3]" in result.stdout
    data = yaml.safe_load((example / "blocs" / "bc01.yaml").read_text(encoding="utf-8"))
    assert [c["id"] for c in data["competences"]] == ["C1.1", "C1.2", "C1.3"]


def test_a_cell_edited_on_both_sides_is_a_conflict(example, tmp_path):
    book = export(example, tmp_path / "relecture.xlsx")
    bloc = example / "blocs" / "bc02.yaml"
    source = bloc.read_text(encoding="utf-8")
    old = "Définir une stratégie d’approche et de négociation adaptée et ciblée."
    assert old in source
    bloc.write_text(source.replace(old, "Définir une stratégie d’approche adaptée à chaque client."), encoding="utf-8")
    # untouched in the workbook: the change made in the YAML since the export stays
    untouched = run("import", "xlsx", str(book), "--dans", str(example))
    assert untouched.exit_code == 0 and untouched.stdout.startswith("Aucun changement")
    wb = openpyxl.load_workbook(book)
    ws = wb["BC02"]
    r = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == old)
    ws.cell(r, 3).value = "Définir une approche par client."
    wb.save(book)
    result = run("import", "xlsx", str(book), "--dans", str(example))
    assert result.exit_code == 1
    assert f"  BC02!C{r} : compétence {ws.cell(r, 2).value}, texte modifié dans le classeur et aussi dans les sources" in result.stdout
    assert "Définir une stratégie d’approche adaptée à chaque client." in bloc.read_text(encoding="utf-8")


def test_export_refuses_sources_with_errors(project, tmp_path):
    folder = project({"blocs/bc01.yaml": "code: BC01\n"})
    result = run("export", "xlsx", str(folder), "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "corrigez-les avant d'exporter" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("name,content", [("x.xlsx", b"pas un classeur"), ("candidats.csv", b"nom;blocs\n"),
                                          ("tronque.xlsx", None)])
def test_not_a_workbook(example, tmp_path, name, content):
    if content is None:  # a real workbook, cut in the middle
        content = export(example, tmp_path / "entier.xlsx").read_bytes()[:3000]
    (tmp_path / name).write_bytes(content)
    before = snapshot(example)
    result = run("import", "xlsx", str(tmp_path / name), "--dans", str(example))
    assert result.exit_code == 1
    assert result.stderr == f"Erreur : {tmp_path / name} n'est pas un classeur Excel (.xlsx) lisible\n"
    assert snapshot(example) == before


@pytest.mark.slow
def test_libreoffice_calc_opens_the_workbook(example, tmp_path):
    book = export(example, tmp_path / "relecture.xlsx")
    text = flat(pdf_text(libreoffice_pdf(book, tmp_path)))
    for expected in ("Relecture du référentiel « Responsable commercial et marketing »", "Institut Exemple de Commerce",
                     "Ordonner les données dans un système d'information.", "Étude de cas"):
        assert expected in text


def test_closed_vocabularies_are_read_and_reported_in_words(example, tmp_path):
    book = export(example, tmp_path / "relecture.xlsx")
    wb = openpyxl.load_workbook(book)
    bc02, fiche = wb["BC02"], wb["Fiche"]
    bc02.cell(row_of(bc02, "M2.1"), 4).value = "Projet"
    fiche.cell(fiche_row(fiche, "voies_acces.candidature_libre.ouverte"), 3).value = "oui"
    fiche.cell(fiche_row(fiche, "voies_acces.candidature_libre.jury"), 3).value = "Trois professionnels du secteur."
    wb.save(book)
    result = run("import", "xlsx", str(book), "--dans", str(example))
    assert result.exit_code == 0, result.output
    assert f"  BC02!D{row_of(bc02, 'M2.1')} : blocs/bc02.yaml, épreuve M2.1, type : « Étude de cas » → « Projet »" in result.stdout
    assert ("  Fiche!C{} : certification.yaml, voie d'accès Candidature individuelle (libre), ouverte : « non » → « oui »"
            .format(fiche_row(fiche, "voies_acces.candidature_libre.ouverte"))) in result.stdout
    cert = yaml.safe_load((example / "certification.yaml").read_text(encoding="utf-8"))
    assert {"voie": "candidature_libre", "ouverte": True, "jury": "Trois professionnels du secteur."} in cert["voies_acces"]
    assert yaml.safe_load((example / "blocs" / "bc02.yaml").read_text(encoding="utf-8"))["modalites"][0]["type"] == "projet"
