"""« Prêt à déposer »: values marked to adapt, example text in the handbook, missing rules chapters."""

from __future__ import annotations

import shutil

import pytest

from conftest import EXAMPLE, MINIMAL, run
from dossier.checks import check

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")


def _marked(checked):
    return [(d.loc.file.split("proj/")[-1], d.loc.line, d.keypath, d.severity.label) for d in checked.report.sorted()
            if d.rule in ("a-adapter", "livret-regles")]


def test_the_minimal_project_is_ready_to_file(project):
    assert _marked(check(project())) == []


def test_a_marker_on_an_item_is_a_warning_at_its_line(project):
    bloc = BLOC.replace("    duree: 30 min\n", "    duree: 30 min\n    a_adapter: conditions à confirmer\n")
    checked = check(project({"blocs/bc01.yaml": bloc}))
    assert _marked(checked) == [("blocs/bc01.yaml", 19, "modalites[0].a_adapter", "avertissement")]
    [diag] = [d for d in checked.report.diagnostics if d.rule == "a-adapter"]
    assert diag.message.startswith("l'épreuve M1.1 reste à adapter : conditions à confirmer ; ")
    assert checked.failed(strict=True) and not checked.failed(strict=False)


def test_true_marks_an_item_and_false_does_not(project):
    bloc = BLOC.replace("  - id: C1.2\n", "  - id: C1.2\n    a_adapter: true\n").replace(
        "  - id: CR1.2\n", "  - id: CR1.2\n    a_adapter: false\n")
    assert [m[2] for m in _marked(check(project({"blocs/bc01.yaml": bloc})))] == ["competences[1].a_adapter"]


def test_a_marked_fiche_value_points_at_the_value(project):
    cert = CERT + "a_adapter:\n  niveau: supposé par l'import\n  inconnue: rien\n"
    checked = check(project({"certification.yaml": cert}))
    found = {d.keypath: d for d in checked.report.diagnostics if d.rule == "a-adapter"}
    assert set(found) == {"niveau", "a_adapter.inconnue"}
    assert found["niveau"].loc.line == next(i for i, line in enumerate(cert.splitlines(), 1) if line.startswith("niveau:"))
    assert "supposé par l'import" in found["niveau"].message
    assert "n'est pas une clé de certification.yaml" in found["a_adapter.inconnue"].message


@pytest.mark.parametrize("line", ["> Texte d'exemple, à adapter par le certificateur.", "Adresse du référent : (à compléter)",
                                  "TEXTE À ADAPTER"])
def test_example_text_in_the_handbook(project, line):
    checked = check(project({"livret/02-handicap.md": f"# Handicap\n\n{line}\n\nDes aménagements des épreuves.\n"}))
    assert _marked(checked) == [("livret/02-handicap.md", 3, "", "avertissement")]


def test_missing_rules_chapters_are_listed(project):
    checked = check(project({"livret/03-recours.md": "# Recours\n\nUn recours s'adresse au certificateur.\n"}))
    messages = [d.message for d in checked.report.diagnostics if d.rule == "livret-regles"]
    assert [m.split("« ")[1].split(" »")[0] for m in messages] == ["rattrapage", "fraude"]


def test_the_example_accepts_its_markers_and_the_same_sources_without_fail_strict(tmp_path):
    ok = run("check", str(EXAMPLE), "--strict")
    assert ok.exit_code == 0, ok.output
    assert "31 éléments à compléter avant dépôt, acceptés par le projet (regles: dans certification.yaml)" in ok.stdout
    copy = tmp_path / "src"
    shutil.copytree(EXAMPLE, copy)
    cert = copy / "certification.yaml"
    text = cert.read_text(encoding="utf-8")
    assert "\n  a-adapter: info\n" in text
    cert.write_text(text.replace("\n  a-adapter: info\n", "\n"), encoding="utf-8")
    refused = run("check", str(copy), "--strict")
    assert refused.exit_code == 1
    assert "31 éléments à compléter avant dépôt (dossier check --depot les liste)" in refused.stdout
    assert "31 avertissements" in refused.stderr
    depot = run("check", str(copy), "--depot")
    assert depot.exit_code == 1
    lines = depot.stdout.splitlines()
    assert f"{copy}/livret/05-handicap.md" in lines
    assert "Dépôt impossible : 31 éléments à compléter avant dépôt." in lines


def test_depot_lists_by_file_with_what_to_do(project):
    folder = project({"livret/03-recours.md": None,
                      "blocs/bc01.yaml": BLOC.replace("  - id: CR1.2\n", "  - id: CR1.2\n    a_adapter: critère supposé\n")})
    result = run("check", "--depot", cwd=folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:6] == [
        "blocs/bc01.yaml",
        "  - ligne 25 — criteres[1].a_adapter : le critère CR1.2 reste à adapter : critère supposé ; adaptez-le, puis retirez la ligne a_adapter:",
        "",
        "livret/",
        "  - le livret n'a pas de chapitre « recours » : ajoutez-le (livret/recours.md, commençant par « # Titre » ; ou une "
        "section « ## … » d'un chapitre ; dossier nouveau en donne un modèle)",
        "  - le livret n'a pas de chapitre « rattrapage » : ajoutez-le (livret/rattrapage.md, commençant par « # Titre » ; ou "
        "une section « ## … » d'un chapitre ; dossier nouveau en donne un modèle)",
    ]
    assert "Dépôt impossible : 4 éléments à compléter avant dépôt." in result.stdout


def test_sans_objet_for_a_written_epreuve_only(project):
    bloc = BLOC.replace("    type: mise_en_situation\n", "    type: rapport_activites\n").replace("duree: 30 min", "duree: Sans  objet")
    checked = check(project({"blocs/bc01.yaml": bloc}))
    assert checked.report.errors == checked.report.warnings == 0, [d.format() for d in checked.report.diagnostics]
    [mod] = checked.certification.modalites
    assert (mod.duree, mod.sans_duree, mod.minutes) == ("sans objet", True, None)
    timed = check(project({"blocs/bc01.yaml": BLOC.replace("duree: 30 min", "duree: sans objet")}))
    assert [(d.rule, d.keypath) for d in timed.report.diagnostics] == [("modalite-duree", "modalites[0].duree")]
