"""Hostile and careless sources, class by class, each fed several ways through the CLI.

Every case ends as a diagnostic at its file (and line, where there is one),
exit 1, never « Erreur interne », never a hang, never a control character sent
to the terminal — and a draft build of the same sources (which goes on despite
errors) never carries the problem into a document.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import MINIMAL, run

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
PROSE = (MINIMAL / "livret" / "01-regles.md").read_text(encoding="utf-8")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def check(folder: Path, *extra: str):
    result = run("check", ".", *extra, cwd=folder)
    assert "Erreur interne" not in result.output
    assert not RAW_CONTROL.search(result.stdout + result.stderr), "a control character reached the terminal"
    return result


def lines(result) -> list[str]:
    return result.stdout.splitlines()


def variants(names, quick: str) -> list:
    """Every variant under `make test`; one of them in the quick loop (`-m "not slow"`)."""
    return [pytest.param(n, marks=() if n == quick else pytest.mark.slow) for n in sorted(names)]


# --- dates that do not exist --------------------------------------------------------------

DATES = {
    "jour": ("date: 2026-01-15", "date: 2026-02-30", "certification.yaml:11:7: date: « 2026-02-30 » : cette date n'existe pas (AAAA-MM-JJ : ce jour n'existe pas dans ce mois) [erreur schema-valeur]"),
    "mois": ("date: 2026-01-15", "date: 2026-13-01", "certification.yaml:11:7: date: « 2026-13-01 » : cette date n'existe pas (AAAA-MM-JJ : le mois va de 01 à 12) [erreur schema-valeur]"),
    "annee": ("date: 2026-01-15", "date: 0000-01-01", "certification.yaml:11:7: date: « 0000-01-01 » : cette date n'existe pas (AAAA-MM-JJ : l'année va de 0001 à 9999) [erreur schema-valeur]"),
    "heure": ("date: 2026-01-15", "date: 2026-01-15 25:00:00", "certification.yaml:11:7: date: « 2026-01-15 25:00:00 » : cette date n'existe pas (AAAA-MM-JJ : heure impossible) [erreur schema-valeur]"),
    "dans-un-texte": ('version: "1.0"', "version: 2026-04-31", "certification.yaml:10:10: version: « 2026-04-31 » : cette date n'existe pas (AAAA-MM-JJ : ce jour n'existe pas dans ce mois) [erreur schema-valeur]"),
}


@pytest.mark.parametrize("case", sorted(DATES))
def test_a_date_that_does_not_exist_is_a_diagnostic(project, case):
    old, new, expected = DATES[case]
    result = check(project({"certification.yaml": replace(CERT, old, new)}))
    assert result.exit_code == 1
    assert expected in lines(result)


def test_impossible_dates_in_a_bloc_are_all_reported(project):
    bloc = replace(BLOC, "intitule: Vendre", "intitule: 2026-02-29").replace("duree: 30 min", "duree: 2025-11-31")
    result = check(project({"blocs/bc01.yaml": bloc}))
    assert result.exit_code == 1
    assert [line.split(" [")[0] for line in lines(result) if "n'existe pas" in line] == [
        "blocs/bc01.yaml:2:11: intitule: « 2026-02-29 » : cette date n'existe pas (AAAA-MM-JJ : ce jour n'existe pas dans ce mois)",
        "blocs/bc01.yaml:18:12: modalites[0].duree: « 2025-11-31 » : cette date n'existe pas (AAAA-MM-JJ : ce jour n'existe pas dans ce mois)",
    ]


# --- control characters --------------------------------------------------------------------

ESCAPES = {  # written as YAML escapes in a double-quoted scalar: they pass the YAML reader
    "nul": ("\\0", "U+0000 (caractère nul)"),
    "x01": ("\\x01", "U+0001"),
    "saut-de-page": ("\\x0c", "U+000C (saut de page)"),
    "echappement": ("\\e[31m", "U+001B (échappement)"),
    "c1-csi": ("\\x9b", "U+009B"),
    "suppression": ("\\x7f", "U+007F (suppression)"),
    "retour-chariot": ("\\r", "U+000D (retour chariot)"),
    "non-caractere": ("\\uFFFE", "non-caractère U+FFFE"),
}


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_a_control_character_in_a_scalar_is_refused_at_its_place(project, case):
    escape, name = ESCAPES[case]
    cert = replace(CERT, "objectifs_contexte: Objectifs.", f'objectifs_contexte: "Objec{escape}tifs."')
    result = check(project({"certification.yaml": cert}), "--strict")
    assert result.exit_code == 1
    found = [line for line in lines(result) if "[erreur caractere-controle]" in line]
    assert len(found) == 1 and found[0].startswith("certification.yaml:12:21: objectifs_contexte: "), found
    assert name in found[0] and "interdit dans le texte, en position 6 : supprimez-le" in found[0], found


def test_a_lone_surrogate_escape_is_a_syntax_error_at_its_place(project):
    cert = replace(CERT, "objectifs_contexte: Objectifs.", 'objectifs_contexte: "Objec\\uD800tifs."')
    result = check(project({"certification.yaml": cert}))
    assert result.exit_code == 1
    assert "certification.yaml:12:29: code de caractère invalide après \\u ou \\U (demi-caractère UTF-16 ?) [erreur yaml-syntaxe]" in lines(result)


def test_control_characters_in_keys_lists_and_bloc_files_are_each_reported(project):
    bloc = replace(BLOC, "texte: La vente est conclue.", 'texte: "La vente\\e]0;titre\\x07 est conclue."')
    bloc = replace(bloc, "taches: [Accueil du client]", 'taches: ["Accueil\\x1b[2J du client"]')
    result = check(project({"blocs/bc01.yaml": bloc, "certification.yaml": CERT + '"cl\\x1bé": 1\n'}))
    assert result.exit_code == 1
    out = lines(result)
    assert any(line.startswith("blocs/bc01.yaml:6:14: activites[0].taches[0]: caractère de contrôle U+001B (échappement)") for line in out)
    assert any(line.startswith("blocs/bc01.yaml:25:12: criteres[1].texte: caractère de contrôle U+001B (échappement) interdit dans le texte (et 1 autre)") for line in out)
    assert any("clé inconnue « cl\\x1bé »" in line for line in out)  # echoed, made visible, never obeyed


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x9b"])
def test_a_raw_control_character_in_a_yaml_file_is_placed(project, char):
    bloc = replace(BLOC, "intitule: Vendre", f"intitule: Ven{char}dre")
    result = check(project({"blocs/bc01.yaml": bloc}))
    assert result.exit_code == 1
    assert any(line.startswith(f"blocs/bc01.yaml:2:14: caractère de contrôle U+{ord(char):04X}") for line in lines(result)), lines(result)


def test_control_characters_in_the_prose_are_placed_by_line_and_column(project):
    prose = PROSE + "\nUn \x1b[31mpiège\x1b[0m.\n\nEt un saut\x0cde page.\n"
    result = check(project({"livret/01-regles.md": prose}))
    assert result.exit_code == 1
    assert [line.split(" interdit")[0] for line in lines(result) if "caractere-controle" in line] == [
        "livret/01-regles.md:5:4: caractère de contrôle U+001B (échappement)",
        "livret/01-regles.md:7:11: caractère de contrôle U+000C (saut de page)",
    ]


def test_a_file_name_with_an_escape_sequence_is_shown_not_obeyed(project):
    folder = project({"blocs/\x1b[31mrouge.yaml": "code: [\n"})
    result = check(folder)
    assert result.exit_code == 1
    assert any(line.startswith("blocs/\\x1b[31mrouge.yaml:") for line in lines(result)), lines(result)


def test_json_output_escapes_every_control_character(project):
    import json

    bloc = replace(BLOC, "intitule: Vendre", 'intitule: Vendre\n"cl\\x9bé": 1')
    result = run("check", ".", "--format", "json", cwd=project({"blocs/bc01.yaml": bloc}))
    assert not RAW_CONTROL.search(result.stdout)
    assert "\\u009b" in result.stdout and json.loads(result.stdout)["ok"] is False


def test_a_draft_build_carries_no_control_character_into_any_document(project, tmp_path):
    """Errors do not stop a draft: the characters are removed on the way in, so the DOCX stays well-formed."""
    nasty = "Obj\\0ec\\x01ti\\x0cfs \\e[31m\\x9b\\uFFFE."
    cert = replace(CERT, "objectifs_contexte: Objectifs.", f'objectifs_contexte: "{nasty}"')
    cert = replace(cert, "intitule: Certification minimale", 'intitule: "Certification\\x1b minimale"')
    folder = project({"certification.yaml": cert})
    result = run("build", str(folder), "--out", str(tmp_path / "out"), "--brouillon", "--only", "livret,referentiel", "--format", "html,docx")
    assert result.exit_code == 0, result.output
    for path in sorted((tmp_path / "out").rglob("*")):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert not RAW_CONTROL.search(text.replace("\n", "").replace("\t", "")), path
            assert "Certification minimale" in text and ("Objectifs" in text or "referentiel" in path.name)
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    if name.endswith(".xml"):
                        etree.fromstring(z.read(name))  # well-formed: would raise on \x01


def test_the_bundle_xml_is_well_formed_whatever_the_sources_say(project, tmp_path):
    from xml.etree import ElementTree as ET

    cert = replace(CERT, "objectifs_contexte: Objectifs.", 'objectifs_contexte: "Objectifs \\x01 et \\x0c."')
    folder = project({"certification.yaml": cert})
    assert run("build", str(folder), "--out", str(tmp_path / "a")).exit_code == 1  # refused: no bundle with them
    assert not (tmp_path / "a" / "dossier").exists()
    folder = project({"certification.yaml": replace(CERT, "objectifs_contexte: Objectifs.", 'objectifs_contexte: "Objectifs « & » 1 < 2."')})
    assert run("build", str(folder), "--out", str(tmp_path / "b"), "--only", "dossier").exit_code == 0
    fiche = ET.parse(tmp_path / "b" / "dossier" / "fiche-rncp.xml").getroot()
    assert fiche.findtext("FICHE/OBJECTIFS_CONTEXTE") == "Objectifs « & » 1 < 2."


# --- deep nesting --------------------------------------------------------------------------

NESTING = {
    "liste": ("\n".join("    " * i + "- x" for i in range(300)), 25, "listes ou citations"),
    "liste-numerotee": ("\n".join("    " * i + "1. x" for i in range(60)), 25, "listes ou citations"),
    "citation": ("> " * 5000 + "x", 5, "listes ou citations"),
    "citation-et-liste": ("> - " * 40 + "x", 5, "listes ou citations"),
    "mise-en-relief": ("*a " * 500 + "x" + " a*" * 500, 5, "mises en relief"),
    "gras-italique": ("**_" * 300 + "x" + "_**" * 300, 5, "mises en relief"),
    "crochets": ("[" * 2000 + "x" + "](https://a.fr)" * 2000, 5, "crochets de liens"),
}


@pytest.mark.parametrize("case", variants(NESTING, quick="liste"))
def test_nesting_beyond_any_need_is_refused_by_check_and_a_draft_still_builds(project, tmp_path, case):
    text, line, what = NESTING[case]
    folder = project({"livret/01-regles.md": f"# Règles\n\nAvant.\n\n{text}\n"})
    result = check(folder)
    assert result.exit_code == 1
    found = [x for x in lines(result) if "[erreur prose-imbrication]" in x]
    assert len(found) == 1 and found[0].startswith(f"livret/01-regles.md:{line}:") and what in found[0], found
    built = run("build", str(folder), "--out", str(tmp_path / "out"), "--brouillon", "--only", "livret", "--format", "html,docx")
    assert built.exit_code == 0, built.output  # shown as plain text, never parsed: no RecursionError


def test_nesting_in_a_fiche_field_and_ordinary_markdown(project):
    deep = "\n".join("  " + "    " * i + "- x" for i in range(30))
    cert = replace(CERT, "objectifs_contexte: Objectifs.", "objectifs_contexte: |\n  Objectifs :\n\n" + deep)
    result = check(project({"certification.yaml": cert}))
    assert result.exit_code == 1
    assert any(x.startswith("certification.yaml:12:21: objectifs_contexte: ligne 23 du texte : listes ou citations imbriqué(e)s sur plus de 20 niveaux")
               for x in lines(result)), lines(result)
    ordinary = "# Règles\n\n- **a** _b_ [c](https://a.fr)\n    - d\n        - e\n\n> > cité *x*\n\n* * *\n\nsnake_case_name 2*3*4\n"
    assert check(project({"livret/01-regles.md": ordinary})).exit_code == 0


# --- the logo ------------------------------------------------------------------------------

def png(width: int = 1, height: int = 1) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_real_logo_is_accepted(project):
    assert check(project({"logo.png": png(), "livret/01-regles.md": PROSE}), "--strict").exit_code == 0


def _logo_cases(tmp_path: Path) -> dict:
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    import io
    import zlib

    def claiming(width: int, height: int) -> bytes:
        """A PNG whose header claims this size (and whose pixels would be far too few)."""
        data = bytearray(png())
        data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")  # IHDR width, height
        data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # and its checksum
        return bytes(data)

    from PIL import Image

    gif = io.BytesIO()
    Image.new("RGB", (1, 1)).save(gif, "GIF")
    return {
        "texte": (b"ceci n'est pas une image", "logo.png: le logo n'est pas une image lisible : enregistrez-le en PNG [erreur logo]"),
        "tronque": (png(40, 40)[:60], "logo.png: image PNG abîmée : enregistrez le logo de nouveau [erreur logo]"),
        "gif": (gif.getvalue(), "logo.png: le logo n'est pas une image PNG (c'est une image GIF) : enregistrez-le en PNG [erreur logo]"),
        "dimensions": (claiming(7000, 10), "logo.png: logo trop grand (7000 × 10 pixels ; 6000 au plus de côté) : réduisez-le [erreur logo]"),
        "bombe": (claiming(100_000, 100_000), "logo.png: logo trop grand (des centaines de millions de pixels ; 6000 au plus de côté) : réduisez-le [erreur logo]"),
        "trop-lourd": (png() + b"\0" * (5 * 2**20), "logo.png: fichier trop gros (5,0 Mo ; 5,0 Mo au plus) [erreur logo]"),
        "lien-dehors": (secret, "logo.png: lien vers un fichier hors du dossier des sources : refusé (copiez le fichier dans le dossier) [erreur fichier-hors-sources]"),
        "lien-systeme": (Path("/etc/hostname"), "logo.png: lien vers un fichier hors du dossier des sources : refusé (copiez le fichier dans le dossier) [erreur fichier-hors-sources]"),
        "dossier": (None, "logo.png: un fichier est attendu, c'est un dossier [erreur fichier-illisible]"),
    }


@pytest.mark.parametrize("case", variants(["texte", "tronque", "gif", "dimensions", "bombe", "trop-lourd", "lien-dehors", "lien-systeme", "dossier"], quick="lien-systeme"))
def test_a_logo_that_is_not_a_real_image_inside_the_sources_is_refused(project, tmp_path, case):
    data, expected = _logo_cases(tmp_path)[case]
    folder = project()
    logo = folder / "logo.png"
    if isinstance(data, Path):
        if not data.exists():
            pytest.skip(f"{data} absent")
        logo.symlink_to(data)
    elif data is None:
        logo.mkdir()
    else:
        logo.write_bytes(data)
    result = check(folder)
    assert result.exit_code == 1
    if case == "trop-lourd":
        expected = expected.replace("(5,0 Mo ;", f"({(len(data) / 2**20):.1f} Mo ;".replace(".", ","))
    assert expected in lines(result), lines(result)
    draft = run("build", str(folder), "--out", str(tmp_path / "out"), "--brouillon", "--only", "livret", "--format", "html,docx")
    assert draft.exit_code == 0, draft.output
    (page,) = (tmp_path / "out" / "livret").glob("*.html")
    assert "data:image/png" not in page.read_text(encoding="utf-8")  # nothing of it embedded


# --- files that are not files --------------------------------------------------------------

def _special(folder: Path, case: str, outside: Path) -> tuple[str, str]:
    """Make one kind of not-a-file in the project; return (file, expected message)."""
    if case == "boucle":
        (folder / "blocs" / "bc02.yaml").symlink_to("bc02.yaml")
        return "blocs/bc02.yaml", "lien symbolique qui renvoie à lui-même (boucle) [erreur fichier-illisible]"
    if case == "boucle-a-deux":
        (folder / "blocs" / "a.yaml").symlink_to("b.yaml")
        (folder / "blocs" / "b.yaml").symlink_to("a.yaml")
        return "blocs/a.yaml", "lien symbolique qui renvoie à lui-même (boucle) [erreur fichier-illisible]"
    if case == "dossier-en-boucle":
        import shutil

        shutil.rmtree(folder / "blocs")
        (folder / "blocs").symlink_to("blocs")
        return "blocs", "lien symbolique cassé ou qui renvoie à lui-même : un dossier est attendu [erreur fichier-illisible]"
    if case == "dev-zero":
        (folder / "blocs" / "bc02.yaml").symlink_to("/dev/zero")
        return "blocs/bc02.yaml", "lien vers un fichier hors du dossier des sources : refusé (copiez le fichier dans le dossier) [erreur fichier-hors-sources]"
    if case == "fifo":
        os.mkfifo(folder / "livret" / "02-tube.md")
        return "livret/02-tube.md", "un fichier ordinaire est attendu, c'est un tube nommé (FIFO) [erreur fichier-illisible]"
    if case == "fifo-yaml":
        os.mkfifo(folder / "blocs" / "bc02.yaml")
        return "blocs/bc02.yaml", "un fichier ordinaire est attendu, c'est un tube nommé (FIFO) [erreur fichier-illisible]"
    if case == "lien-dehors":
        (folder / "blocs" / "bc02.yaml").symlink_to(outside)
        return "blocs/bc02.yaml", "lien vers un fichier hors du dossier des sources : refusé (copiez le fichier dans le dossier) [erreur fichier-hors-sources]"
    if case == "lien-casse":
        (folder / "blocs" / "bc02.yaml").symlink_to("nulle-part.yaml")
        return "blocs/bc02.yaml", "lien symbolique vers un fichier qui n'existe pas [erreur fichier-illisible]"
    if case == "dossier":
        (folder / "blocs" / "bc02.yaml").mkdir()
        return "blocs/bc02.yaml", "un fichier est attendu, c'est un dossier [erreur fichier-illisible]"
    if case == "trop-gros":
        (folder / "blocs" / "bc02.yaml").write_bytes(b"# " + b"x" * (10 * 2**20) + b"\n")
        return "blocs/bc02.yaml", "fichier trop gros (10,0 Mo ; 10,0 Mo au plus) [erreur fichier-taille]"
    raise AssertionError(case)


SPECIAL = ["boucle", "boucle-a-deux", "dossier-en-boucle", "dev-zero", "fifo", "fifo-yaml", "lien-dehors", "lien-casse", "dossier", "trop-gros"]


@pytest.mark.parametrize("case", variants(SPECIAL, quick="fifo"))
def test_only_regular_files_inside_the_sources_are_read(project, tmp_path, case):
    outside = tmp_path / "ailleurs.yaml"
    outside.write_text(BLOC.replace("BC01", "BC02"), encoding="utf-8")
    folder = project()
    name, message = _special(folder, case, outside)
    # in a subprocess with a deadline: a FIFO read in the test's own process would hang the suite
    proc = subprocess.run(
        [sys.executable, "-c", "from dossier.cli import main; main()", "check", "."], cwd=folder, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Erreur interne" not in proc.stderr
    assert f"{name}: {message}" in proc.stdout.splitlines(), proc.stdout


def test_a_link_inside_the_sources_is_followed(project):
    folder = project()
    (folder / "blocs" / "commun").mkdir()
    (folder / "blocs" / "bc01.yaml").rename(folder / "blocs" / "commun" / "vente.yaml")
    (folder / "blocs" / "bc01.yaml").symlink_to("commun/vente.yaml")
    assert check(folder, "--strict").exit_code == 0


def test_a_control_character_in_a_candidates_cell_refuses_its_row(project, tmp_path):
    """A \\x01 in a name used to give Word grids LibreOffice could not open."""
    csv = tmp_path / "juin.csv"
    csv.write_text("nom;prenom;numero;blocs\nDu\x01pont;Marie;1;BC01\nMartin;Lu\x1b[31mc;2;BC01\nDurand;Zo\x7fé;3;BC01\nPetit;Léa;4;BC01\n", encoding="utf-8")
    folder = project()
    result = run("grilles", str(folder), "--candidats", "juin.csv", "--out", "out", "--format", "html", cwd=tmp_path)
    assert result.exit_code == 1 and "Erreur interne" not in result.output
    assert not RAW_CONTROL.search(result.stdout + result.stderr)
    assert [line for line in lines(result) if "csv-caractere" in line] == [
        "juin.csv:2:1: nom: caractère de contrôle U+0001 dans la cellule : supprimez-le (il abîmerait les grilles) [erreur csv-caractere]",
        "juin.csv:3:2: prenom: caractère de contrôle U+001B (échappement) dans la cellule : supprimez-le (il abîmerait les grilles) [erreur csv-caractere]",
        "juin.csv:4:2: prenom: caractère de contrôle U+007F (suppression) dans la cellule : supprimez-le (il abîmerait les grilles) [erreur csv-caractere]",
    ]
    assert "juin.csv : 3 lignes invalides ; aucune grille n'a été produite" in result.stderr
    assert not (tmp_path / "out").exists()
    skipped = run("grilles", str(folder), "--candidats", "juin.csv", "--out", "out", "--format", "html", "--skip-invalid", cwd=tmp_path)
    assert skipped.exit_code == 0, skipped.output
    assert [p.name for p in (tmp_path / "out" / "sessions" / "juin" / "bc01-m1-1").iterdir()] == ["4-petit-lea.html"]


def test_a_control_character_typed_on_the_command_line_is_never_echoed(project):
    for args in (["build", ".", "--format", "pdf,\x1b[31m"], ["build", ".", "--only", "\x9b2J"], ["n\x1bimporte"]):
        result = run(*args, cwd=project())
        assert result.exit_code == 2 and "Erreur interne" not in result.output
        assert not RAW_CONTROL.search(result.stdout + result.stderr), result.stderr
        assert "\\x1b" in result.stderr or "\\x9b" in result.stderr
