"""`dossier check SOURCES --session DOSSIER`: every problem of a session's files, with file and line, all at once."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT, run

SESSION = ROOT / "exemples" / "session"


def copy(tmp_path: Path, **append: str) -> Path:
    dest = tmp_path / "session"
    shutil.copytree(SESSION, dest)
    for name, text in append.items():
        with open(dest / f"{name}.csv", "a", encoding="utf-8") as f:
            f.write(text)
    return dest


def test_the_example_session_is_valid_and_says_what_is_incomplete():
    result = run("check", "sources", "--session", "exemples/session", cwd=ROOT)
    assert result.exit_code == 0, result.output
    assert (
        "exemples/session/resultats.csv: candidat n° 1003, bloc BC03 : 9 résultat(s) manquant(s) (M3.2 CR3.1, M3.2 CR3.2, "
        "M3.2 CR3.3, M3.2 CR3.4 et 5 autre(s)) ; le bloc sera « incomplet » [avertissement session-incomplet]"
    ) in result.output


def test_every_problem_reported_with_its_line(tmp_path):
    folder = copy(
        tmp_path,
        resultats="1001;M1.1;C1.1;CR1.1;acquis;\n9999;M1.1;;CR1.1;acquis;\n1002;M3.1;;CR3.1;acquis;\n"
        "1002;M1.1;;CR9.9;acquis;\n1004;M4.1;;CR4.1;peut-être;\n1004;M9.9;;CR4.1;acquis;\n",
        deliberations="1002;BC02;validé;\n1003;BC04;validé;raison\n",
    )
    result = run("check", str(ROOT / "sources"), "--session", str(folder), cwd=tmp_path)
    assert result.exit_code == 1
    out = result.output
    expected = [
        "session/resultats.csv:90: candidat n° 1001, M1.1 CR1.1 : déjà noté à la ligne 2 [erreur session-doublon]",
        "session/resultats.csv:91: numero: candidat n° « 9999 » absent de candidats.csv [erreur session-candidat]",
        "session/resultats.csv:92: epreuve: candidat n° 1002 : épreuve M3.1 du bloc BC03, auquel il n'est pas inscrit [erreur session-epreuve]",
        "session/resultats.csv:93: critere: critère « CR9.9 » inconnu (critères de M1.1 : CR1.1, CR1.2, CR1.3, CR1.4, CR1.5, CR1.6) [erreur session-critere]",
        "session/resultats.csv:94: valeur: valeur « peut-être » hors de l'échelle : « acquis » / « non acquis » attendu [erreur session-valeur]",
        "session/resultats.csv:95: epreuve: épreuve « M9.9 » inconnue",
        "session/deliberations.csv:3: motif: motif obligatoire : le jury dit pourquoi il s'écarte de la décision calculée [erreur session-derogation]",
        "session/deliberations.csv:4: bloc: candidat n° 1003 : bloc BC04 non présenté à cette session [erreur session-derogation]",
    ]
    for line in expected:
        assert line in out, line
    # candidates are named by number, never by name or birth data
    assert "Durand" not in out and "1998" not in out


def test_jury_short_of_external_members_is_a_warning(tmp_path):
    folder = copy(tmp_path)
    text = (folder / "session.yaml").read_text(encoding="utf-8").replace("externe: true", "externe: false", 1)
    (folder / "session.yaml").write_text(text, encoding="utf-8")
    result = run("check", str(ROOT / "sources"), "--session", str(folder), cwd=tmp_path)
    assert "1 membre(s) extérieur(s) sur 4 (25 %) : moins que les 50 % fixés (externes_min) [avertissement session-jury]" in result.output


def test_bad_identity_cells_are_reported(tmp_path):
    folder = copy(tmp_path, candidats="Zed;Zoé;1005;BC01;;;Zed;;Zoé;31/02/2001;Paris;7505;75001;X;vae\n")
    result = run("check", str(ROOT / "sources"), "--session", str(folder), cwd=tmp_path)
    assert result.exit_code == 1
    assert "session/candidats.csv:6:10: date_naissance: date de naissance illisible : JJ/MM/AAAA attendu" in result.output
    assert "session/candidats.csv:6:12: code_commune_naissance: un code à 5 caractères est attendu" in result.output
    assert "session/candidats.csv:6:14: sexe: M ou F attendu" in result.output
    assert "31/02/2001" not in result.output and "7505" not in result.output  # birth data never repeated


def test_dossier_jury_refuses_a_session_with_errors_and_writes_nothing(tmp_path):
    folder = copy(tmp_path, resultats="1002;M1.1;;CR1.2;peut-être;\n")
    result = run("jury", str(ROOT / "sources"), str(folder), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert "session/resultats.csv:90: valeur: valeur « peut-être » hors de l'échelle" in result.output
    assert "session non conforme : 2 erreurs ; rien n'a été produit" in result.output  # the value, and the line twice
    assert not (tmp_path / "out").exists()


def test_a_conclusion_contradicting_its_criteria_is_a_warning_at_its_line(tmp_path):
    # 1002's M2.1: CR2.3 « non acquis ». C2.1 concluded « acquis » (contradicts the rule), C2.4 « acquis » (agrees);
    # 1001's M1.1: CR1.2..CR1.6 all « acquis », C1.2 concluded « non acquise »; C1.1 concluded with CR1.1 acquired
    folder = copy(tmp_path)
    text = (folder / "resultats.csv").read_text(encoding="utf-8").replace("1002;M2.1;C2.1;;non acquis;", "1002;M2.1;C2.1;;acquis;")
    (folder / "resultats.csv").write_text(text + "1001;M1.1;C1.2;;non acquise;\n1001;M1.1;C1.1;;acquis;\n", encoding="utf-8")
    result = run("check", str(ROOT / "sources"), "--session", str(folder), cwd=tmp_path)
    assert result.exit_code == 0, result.output  # a warning: the conclusion is the épreuve's verdict
    out = result.output
    assert (
        "session/resultats.csv:59: valeur: candidat n° 1002, M2.1 C2.1 : conclusion « acquise », mais ses critères donnent "
        "« non acquise » par la règle (CR2.3 non acquis) ; la conclusion de l'épreuve l'emporte [avertissement session-conclusion]"
    ) in out
    assert (
        "session/resultats.csv:90: valeur: candidat n° 1001, M1.1 C1.2 : conclusion « non acquise », mais ses critères donnent "
        "« acquise » par la règle ; la conclusion de l'épreuve l'emporte [avertissement session-conclusion]"
    ) in out
    assert out.count("session-conclusion") == 2  # agreeing conclusions say nothing


def test_a_conclusion_alone_leaves_no_result_missing(tmp_path):
    folder = copy(tmp_path)
    lines = (folder / "resultats.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(("1001;M1.1;C1.2;CR", "1001;M1.2;C1.4;CR1.8"))]
    (folder / "resultats.csv").write_text("".join(kept) + "1001;M1.1;C1.2;;acquis;\n", encoding="utf-8")
    result = run("check", str(ROOT / "sources"), "--session", str(folder), cwd=tmp_path)
    assert "candidat n° 1001, bloc BC01 : 1 résultat(s) manquant(s) (M1.2 CR1.8) ; le bloc sera « incomplet »" in result.output


def test_an_override_of_an_incomplete_bloc_is_refused(tmp_path):
    folder = copy(tmp_path, deliberations="1003;BC03;validé;Le dossier suffit\n")
    result = run("check", str(ROOT / "sources"), "--session", str(folder), cwd=tmp_path)
    assert result.exit_code == 1
    assert (
        "session/deliberations.csv:3: decision: candidat n° 1003, bloc BC03 : résultats manquants ; le jury ne décide pas "
        "d'un bloc incomplet (complétez resultats.csv) [erreur session-derogation]"
    ) in result.output


def test_blocs_acquired_before_are_checked(tmp_path):
    folder = copy(
        tmp_path,
        acquis="9999;BC01;01/01/2026;VAE\n1002;BC09;01/01/2026;VAE\n1002;BC03;25/06/2027;Session de juin 2027\n"
        "1002;BC04;32/01/2026;VAE\n1002;BC04;01/02/2026;\n1003;BC04;2026-03-01;Équivalence\n1003;4;01/03/2026;VAE\n"
        "1003;BC01;01/03/2026;Session de mars 2026\n",
    )
    result = run("check", str(ROOT / "sources"), "--session", str(folder), cwd=tmp_path)
    assert result.exit_code == 1
    out = result.output
    expected = [
        "session/acquis.csv:5: numero: candidat n° « 9999 » absent de candidats.csv [erreur session-candidat]",
        "session/acquis.csv:6: bloc: bloc « BC09 » inconnu (blocs : BC01, BC02, BC03, BC04) [erreur session-acquis]",
        "session/acquis.csv:7: date: candidat n° 1002, bloc BC03 : acquis le 25 juin 2027, après la délibération du 24 juin 2027 [erreur session-acquis]",
        "session/acquis.csv:8: date: date « 32/01/2026 » illisible : JJ/MM/AAAA attendu (date de validation du bloc) [erreur session-acquis]",
        "session/acquis.csv:9: origine: origine obligatoire : la session, « VAE » ou l'équivalence qui a validé le bloc [erreur session-acquis]",
        "session/acquis.csv:11: candidat n° 1003, bloc BC04 : déjà acquis à la ligne 10 [erreur session-doublon]",  # « 4 » is BC04
        "session/acquis.csv:12: bloc: candidat n° 1003 : bloc BC01 acquis le 1er mars 2026 et présenté à cette session ; "
        "il reste acquis, quelle que soit la décision de cette session [avertissement session-acquis-represente]",
    ]
    for line in expected:
        assert line in out, line
    assert "Nguyen" not in out


def test_the_example_holds_blocs_acquired_before_without_a_word():
    result = run("check", "sources", "--session", "exemples/session", cwd=ROOT)
    assert result.exit_code == 0 and "acquis.csv" not in result.output and "session-conclusion" not in result.output
