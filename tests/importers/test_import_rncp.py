"""Import from France compétences' open data: every fiche of the real sample, old escaped HTML, bad input."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import FIXTURES, run

SAMPLE = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_sample.xml"  # France compétences open data, Licence Ouverte 2.0
OLD = FIXTURES / "rncp" / "ancien-export.xml"
STRUCTURAL = re.compile(r"\[erreur (schema-|yaml-|code-|identifiant-|fichier-|encodage|siret|reference-|competence-un-bloc)")


def fiches() -> list[str]:
    if not SAMPLE.exists():
        return []
    return [f.findtext("NUMERO_FICHE") for f in ET.parse(SAMPLE).getroot().findall("FICHE")]


def test_the_sample_holds_twelve_fiches():
    assert len(fiches()) == 12


@pytest.mark.parametrize("number", fiches())
def test_every_fiche_imports_checks_and_builds_a_draft(number, tmp_path):
    out = tmp_path / number.lower()
    result = run("import", "rncp", str(SAMPLE), "--fiche", number, "--out", str(out))
    assert result.exit_code == 0, result.output
    check = run("check", str(out))
    structural = [line for line in check.stdout.splitlines() if STRUCTURAL.search(line)]
    assert structural == []
    # no criteria in the open data: the check says which competences still need some
    cert = yaml.safe_load((out / "certification.yaml").read_text(encoding="utf-8"))
    assert cert["code_rncp"] == number
    missing = [line for line in check.stdout.splitlines() if "[erreur fc-competence-sans-critere]" in line]
    blocs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((out / "blocs").glob("*.yaml"))]
    assert len(missing) == sum(len(b["competences"]) for b in blocs) > 0
    assert "ne publie pas de critères" in (out / "IMPORT.md").read_text(encoding="utf-8")
    built = run("build", str(out), "--brouillon", "--only", "referentiel", "--format", "html", "--out", str(tmp_path / "build"))
    assert built.exit_code == 0, built.output
    page = next((tmp_path / "build" / "referentiel").glob("*.html")).read_text(encoding="utf-8")
    assert "BROUILLON" in page and blocs[0]["competences"][0]["texte"].split()[0] in page


def test_fiche_fields_are_read(tmp_path):
    out = tmp_path / "cyber"
    assert run("import", "rncp", str(SAMPLE), "--fiche", "rncp37488", "--out", str(out)).exit_code == 0
    cert = yaml.safe_load((out / "certification.yaml").read_text(encoding="utf-8"))
    assert cert["intitule"] == "Cybersécurité" and cert["niveau"] == 4
    bloc = yaml.safe_load((out / "blocs" / "bc01.yaml").read_text(encoding="utf-8"))
    assert bloc["code"] == "RNCP37488BC01"
    assert [c["texte"] for c in bloc["competences"]] == [
        "Valider le fonctionnement d’un réseau", "Coder", "Installer une infrastructure réseau",
        "Exploiter une installation réseau", "Maintenir un réseau",
    ]
    assert {v["voie"] for v in cert["voies_acces"]} == {
        "formation_initiale", "apprentissage", "formation_continue", "contrat_professionnalisation", "candidature_libre", "vae"}


def test_old_export_with_escaped_double_encoded_html(tmp_path):
    out = tmp_path / "paie"
    result = run("import", "rncp", str(OLD), "--fiche", "RNCP12345", "--out", str(out))
    assert result.exit_code == 0, result.output
    cert = yaml.safe_load((out / "certification.yaml").read_text(encoding="utf-8"))
    assert cert["intitule"] == "Gestionnaire de paie & administration"
    assert cert["certificateurs"][0]["nom"] == "Organisme d’exemple"
    assert cert["activites_visees"] == "Le gestionnaire de paie établit les bulletins."
    assert cert["emplois_accessibles"] == ["Gestionnaire de paie", "Assistant RH"]
    bloc = yaml.safe_load((out / "blocs" / "bc01.yaml").read_text(encoding="utf-8"))
    assert bloc["code"] == "RNCP12345BC01"  # a bare « 01 » in the export
    assert [c["texte"] for c in bloc["competences"]] == [
        "Collecter les éléments variables afin d’établir la paie", "Contrôler les bulletins pour garantir leur exactitude"]
    assert "Bloc « 01 » : code écrit RNCP12345BC01." in (out / "IMPORT.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("content,message", [
    (b"", "fichier vide"),
    (b"<?xml version='1.0'?><catalogue><livre/></catalogue>", "n'est pas un export des fiches RNCP (racine <catalogue>, <FICHES> attendue)"),
    (b"<?xml version='1.0'?><FICHES><FICHE><NUMERO_FICHE>RNCP1", "XML illisible ou tronqué"),
    (b"PK\x03\x04 pas du XML", "XML illisible ou tronqué"),
    (b"<?xml version='1.0'?><FICHES><FICHE><NUMERO_FICHE>RNCP999</NUMERO_FICHE></FICHE></FICHES>", "la fiche RNCP12345 n'est pas dans cet export"),
])
def test_bad_input_writes_nothing(tmp_path, content, message):
    source = tmp_path / "export.xml"
    source.write_bytes(content)
    result = run("import", "rncp", str(source), "--fiche", "RNCP12345", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["export.xml"]


def test_existing_folder_needs_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mien.txt").write_text("à garder")
    result = run("import", "rncp", str(OLD), "--fiche", "RNCP12345", "--out", str(out))
    assert result.exit_code == 1 and "existe déjà" in result.stderr
    assert (out / "mien.txt").read_text() == "à garder"
    assert run("import", "rncp", str(OLD), "--fiche", "RNCP12345", "--out", str(out), "--force").exit_code == 0
    assert (out / "certification.yaml").exists() and (out / "mien.txt").read_text() == "à garder"  # never deleted: not the import's


@pytest.mark.slow
def test_a_large_export_is_streamed_in_bounded_memory(tmp_path):
    """60 MB of fiches: a parser holding the tree would need several hundred MB."""
    import subprocess
    import sys

    sample = SAMPLE.read_text(encoding="utf-8")
    head, rest = sample.split("<FICHE>", 1)
    body = "<FICHE>" + rest.rsplit("</FICHES>", 1)[0]
    big = tmp_path / "export.xml"
    with big.open("w", encoding="utf-8") as f:
        f.write(head)
        for _ in range(84):
            f.write(body.replace("<NUMERO_FICHE>RNCP37488</NUMERO_FICHE>", "<NUMERO_FICHE>RNCP99999</NUMERO_FICHE>"))
        f.write(body)  # the one asked for, at the very end
        f.write("</FICHES>\n")
    assert big.stat().st_size > 55_000_000
    # VmHWM, the peak of this process's own memory: ru_maxrss would also count the memory of the
    # (large) test process this child was started from.
    code = (
        "import re, sys\n"
        "from dossier.cli import cli\n"
        "cli.main(sys.argv[1:], prog_name='dossier', standalone_mode=False)\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, "import", "rncp", str(big), "--fiche", "RNCP37488", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    assert peak_kib < 100_000  # KiB; parsing the whole tree takes about 280 MB here
    assert yaml.safe_load((tmp_path / "out" / "certification.yaml").read_text(encoding="utf-8"))["intitule"] == "Cybersécurité"
