"""`dossier check --rncp`: passages of real published fiches planted in the example are found, with the
right fiche; the example as shipped shares nothing with them; own versions and correspondences."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, FIXTURES, run
from dossier.checks import check
from dossier.pipeline import rncp_index
from dossier.pipeline.reproduction import reproduction
from dossier.sources.rncp_export import export_members, fiches
from dossier.text import word_list

EXPORT = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_sample.xml"


def published() -> dict[str, dict[str, str]]:
    """fiche → bloc code → the bloc's competences, from the real sample."""
    return {
        f.numero: {b.code: b.competences for b in f.blocs}
        for member in export_members(EXPORT) for f in fiches(member)
    }


def passage(text: str, start: int, count: int) -> str:
    """`count` words of a published text, from word `start` (the text as published, punctuation kept)."""
    return " ".join(text.replace("*", " ").split()[start : start + count])


# (fiche, bloc, first word, words) planted into (bloc file, list, index, key)
PLANTED = [
    ("RNCP36612", "RNCP36612BC01", 0, 30, "bc02.yaml", "competences", 2, "texte"),
    ("RNCP37674", "RNCP37674BC01", 2, 16, "bc01.yaml", "criteres", 0, "texte"),
    ("RNCP40344", "RNCP40344BC02", 10, 22, "bc03.yaml", "modalites", 0, "description"),
    ("RNCP35809", "RNCP35809BC01", 0, 14, "bc04.yaml", "competences", 5, "texte"),
]


def plant(dest: Path, texts: dict[str, dict[str, str]]) -> list[tuple[str, str, str]]:
    """Append each passage to a text of a copy of the example; (fiche, file, key path) of each."""
    planted = []
    for fiche, bloc, start, count, file, key, index, field in PLANTED:
        path = dest / "blocs" / file
        source = path.read_text(encoding="utf-8")
        data = yaml.safe_load(source)
        old = data[key][index][field]
        words = passage(texts[fiche][bloc], start, count)
        assert len(words.split()) == count
        new = f"{old.rstrip()} {words}"
        line = next(line for line in source.splitlines() if line.strip().startswith(f"{field}:") and old.split()[0] in line)
        indent = line[: len(line) - len(line.lstrip())]
        if field == "description":  # a block scalar: add a paragraph
            source = source.replace(old.splitlines()[-1], old.splitlines()[-1] + "\n\n" + indent + "  " + words, 1)
        else:
            source = source.replace(f"{field}: {old}", f"{field}: {new}", 1)
        path.write_text(source, encoding="utf-8")
        planted.append((fiche, f"blocs/{file}", f"{key}[{index}].{field}"))
    return planted


@pytest.fixture
def example_copy(tmp_path) -> Path:
    dest = tmp_path / "sources"
    shutil.copytree(EXAMPLE, dest)
    return dest


def findings(checked):
    return [d for d in checked.report.diagnostics if d.rule.startswith("reproduction")]


def test_passages_of_real_fiches_planted_in_the_example_are_found_with_their_fiche(example_copy, tmp_path):
    planted = plant(example_copy, published())
    checked = check(example_copy)
    assert checked.ok
    result = reproduction(checked, EXPORT, tmp_path / "cache")
    found = {(d.loc.file.split("sources/")[-1], d.keypath): d for d in findings(checked)}
    assert len(found) == len(planted), [d.format() for d in findings(checked)]
    for fiche, file, keypath in planted:
        diag = found[(file, keypath)]
        assert diag.rule == "reproduction" and diag.severity.label == "avertissement"
        assert f"la fiche {fiche} " in diag.message
        assert diag.loc.line > 0
    texts = {t.text.keypath: t for b in result.blocs for t in b.texts}
    for fiche, _file, keypath in planted:
        assert fiche in {f.fiche for f in texts[keypath].found}


def test_the_example_as_shipped_shares_no_passage_with_the_sample(tmp_path):
    checked = check(EXAMPLE)
    result = reproduction(checked, EXPORT, tmp_path / "cache")
    assert result.fiches == 12 and result.blocs_publies == 53
    assert findings(checked) == []
    assert result.passages == 0


def test_a_shorter_common_passage_than_the_minimum_is_not_reported(example_copy, tmp_path):
    texts = published()
    bc = example_copy / "blocs" / "bc02.yaml"
    short = passage(texts["RNCP36612"]["RNCP36612BC01"], 0, 11)  # 11 words, one under the default 12
    bc.write_text(bc.read_text(encoding="utf-8").replace(
        "texte: Définir une stratégie d’approche", f"texte: {short} — Définir une stratégie d’approche"), encoding="utf-8")
    checked = check(example_copy)
    reproduction(checked, EXPORT, tmp_path / "cache")
    assert findings(checked) == []
    cert_file = example_copy / "certification.yaml"
    cert_file.write_text(cert_file.read_text(encoding="utf-8") + "reproduction:\n  mots_min: 10\n", encoding="utf-8")
    checked = check(example_copy)
    reproduction(checked, EXPORT, tmp_path / "cache")
    assert [d.keypath for d in findings(checked)] == ["competences[3].texte"]


def test_an_allowed_phrase_does_not_count(example_copy, tmp_path):
    texts = published()
    words = passage(texts["RNCP36612"]["RNCP36612BC01"], 0, 14)
    bc = example_copy / "blocs" / "bc02.yaml"
    bc.write_text(bc.read_text(encoding="utf-8").replace(
        "texte: Définir une stratégie d’approche", f"texte: {words} — Définir une stratégie d’approche"), encoding="utf-8")
    checked = check(example_copy)
    reproduction(checked, EXPORT, tmp_path / "cache")
    assert len(findings(checked)) == 1
    # the first five words allowed: nine left, under the minimum of twelve
    allowed = " ".join(words.split()[:5])
    cert_file = example_copy / "certification.yaml"
    cert_file.write_text(cert_file.read_text(encoding="utf-8") + f"reproduction:\n  autorises: [\"{allowed.upper()}\"]\n", encoding="utf-8")
    checked = check(example_copy)
    reproduction(checked, EXPORT, tmp_path / "cache")
    assert findings(checked) == []


def test_typographic_variants_do_not_hide_a_copy(example_copy, tmp_path):
    texts = published()
    words = passage(texts["RNCP36612"]["RNCP36612BC01"], 0, 20)
    variant = words.upper().replace("’", "'").replace("E", "É").replace(",", " ;")
    bc = example_copy / "blocs" / "bc02.yaml"
    bc.write_text(bc.read_text(encoding="utf-8").replace(
        "texte: Définir une stratégie d’approche", f"texte: « {variant} » Définir une stratégie d’approche"), encoding="utf-8")
    checked = check(example_copy)
    reproduction(checked, EXPORT, tmp_path / "cache")
    (diag,) = findings(checked)
    # words as compared: an elided « d’ » counts as one
    assert "RNCP36612" in diag.message and f"passage commun de {len(word_list(words))} mots" in diag.message


def set_code(folder: Path, extra: str) -> None:
    cert_file = folder / "certification.yaml"
    cert_file.write_text(cert_file.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_own_earlier_versions_are_not_reported(example_copy, tmp_path):
    texts = published()
    bc = example_copy / "blocs" / "bc02.yaml"
    words = passage(texts["RNCP34762"]["RNCP34762BC01"], 0, 25)
    bc.write_text(bc.read_text(encoding="utf-8").replace(
        "texte: Définir une stratégie d’approche", f"texte: {words} — Définir une stratégie d’approche"), encoding="utf-8")
    checked = check(example_copy)
    reproduction(checked, EXPORT, tmp_path / "cache")
    assert any("RNCP34762" in d.message for d in findings(checked))
    # this filing renews RNCP39568, whose former version is RNCP34762: neither is a copy
    set_code(example_copy, "renouvellement: RNCP39568\n")
    checked = check(example_copy)
    result = reproduction(checked, EXPORT, tmp_path / "cache")
    assert findings(checked) == []
    assert {"RNCP39568", "RNCP34762", "RNCP24998"} <= set(result.own)


def test_a_declared_correspondence_is_shown_as_such(example_copy, tmp_path):
    texts = published()
    bc = example_copy / "blocs" / "bc02.yaml"
    words = passage(texts["RNCP37674"]["RNCP37674BC01"], 0, 16)
    bc.write_text(bc.read_text(encoding="utf-8").replace(
        "texte: Définir une stratégie d’approche", f"texte: {words} — Définir une stratégie d’approche"), encoding="utf-8")
    set_code(example_copy, "correspondances:\n  - fiche: RNCP37674\n    blocs: [BC02]\n")
    checked = check(example_copy)
    assert checked.ok, [d.format() for d in checked.report.sorted()]
    reproduction(checked, EXPORT, tmp_path / "cache")
    (diag,) = findings(checked)
    assert diag.rule == "reproduction-correspondance" and diag.severity.label == "info"
    assert "correspondance déclarée" in diag.message


def test_a_zip_and_a_folder_of_exports_give_the_same_findings(example_copy, tmp_path):
    plant(example_copy, published())
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(EXPORT, "export_fiches_RNCP_V4_1.xml")
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(FIXTURES / "rncp" / "ancien-export.xml", folder / "a.xml")
    shutil.copy(archive, folder / "b.zip")
    seen = []
    for export in (EXPORT, archive, folder):
        checked = check(example_copy)
        reproduction(checked, export, tmp_path / "cache")
        seen.append(sorted(d.format() for d in findings(checked)))
    assert seen[0] == seen[1] == seen[2] and len(seen[0]) == len(PLANTED)


def test_the_index_is_built_once_per_export(example_copy, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    checked = check(example_copy)
    reproduction(checked, EXPORT, cache)
    (folder,) = [p for p in (cache / "rncp-index").iterdir() if p.is_dir()]
    assert folder.name.startswith(rncp_index.identify(EXPORT, cache).sha256[:32])

    def no_scan(*args, **kwargs):
        raise AssertionError("the export was read again")

    monkeypatch.setattr(rncp_index, "_scan", no_scan)
    monkeypatch.setattr(rncp_index, "file_sha256", no_scan)  # same size and date: not even hashed again
    reproduction(check(example_copy), EXPORT, cache)
    copy = tmp_path / "copie.xml"  # the same bytes elsewhere: hashed, recognised, not scanned
    shutil.copy(EXPORT, copy)
    monkeypatch.undo()
    monkeypatch.setattr(rncp_index, "_scan", no_scan)
    reproduction(check(example_copy), copy, cache)


def test_an_interrupted_build_leaves_no_index(example_copy, tmp_path, monkeypatch):
    cache = tmp_path / "cache"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(rncp_index, "_scan", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reproduction(check(example_copy), EXPORT, cache)
    assert [p.name for p in (cache / "rncp-index").iterdir() if p.is_dir()] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "XML illisible ou tronqué"),
        (b"<?xml version='1.0'?><AUTRE><FICHE/></AUTRE>", "n'est pas un export des fiches RNCP"),
        (b"<?xml version='1.0'?><AUTRE/>", "n'est pas un export des fiches RNCP (racine <AUTRE>"),
        (b"<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO", "XML illisible ou tronqué"),
    ],
)
def test_a_bad_export_is_one_clear_error(tmp_path, content, message):
    bad = tmp_path / "export.xml"
    bad.write_bytes(content)
    result = run("check", str(EXAMPLE), "--rncp", str(bad), "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "build"))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "build" / "conformite").exists()


def test_cli_groups_by_bloc_worst_first_and_writes_the_report(example_copy, tmp_path):
    plant(example_copy, published())
    out = tmp_path / "build"
    result = run("check", str(example_copy), "--rncp", str(EXPORT), "--cache", str(tmp_path / "cache"), "--out", str(out))
    assert result.exit_code == 0, result.output
    section = result.output.split("Reproduction littérale — ", 1)[1]
    heads = re.findall(r"^(BC0\d) — .*jusqu'à (\d+) % d'un texte", section, flags=re.M)
    assert sorted(code for code, _ in heads) == ["BC01", "BC02", "BC03", "BC04"]
    shares = [int(share) for _, share in heads]
    assert shares == sorted(shares, reverse=True)
    assert section.count("[avertissement reproduction]") == len(PLANTED)
    strict = run("check", str(example_copy), "--strict", "--rncp", str(EXPORT), "--cache", str(tmp_path / "cache"), "--out", str(out))
    assert strict.exit_code == 1
    html = (out / "conformite" / "reproduction.html").read_text(encoding="utf-8")
    assert 'href="https://www.francecompetences.fr/recherche/rncp/36612/"' in html
    assert "Assistant en ressources humaines" in html and "RNCP36612BC01" in html
