"""`dossier diff --ecrire`: the proposed correspondances written into the sources, for the author to review."""

from __future__ import annotations

import yaml

from conftest import run
from dossier.checks import check
from renewal import make_versions


def _write(old, new, *extra):
    return run("diff", str(old), str(new), "--format", "json", "--out", str(new.parent / "out"), "--ecrire", *extra)


def _entries(new) -> list[dict]:
    return yaml.safe_load((new / "certification.yaml").read_text(encoding="utf-8"))["correspondances"]


def test_the_proposals_are_written_with_the_old_blocs_and_the_file_kept_as_it_was(tmp_path):
    old, new = make_versions(tmp_path)
    before = (new / "certification.yaml").read_text(encoding="utf-8")
    result = _write(old, new)
    assert result.exit_code == 0, result.output
    assert "Correspondances ajoutées : BC01 → BC01 (totale) ; BC02 → BC02 (totale) ; BC03 → BC03 (partielle)" in result.stdout
    after = (new / "certification.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every line the author wrote, comments included, stays as it was
    data = yaml.safe_load(after)
    assert data["renouvellement"]["code"] == "RNCP39999"
    assert list(data["renouvellement"]["blocs_precedents"]) == ["BC01", "BC02", "BC03", "BC04"]
    assert _entries(new)[4] == {
        "fiche": "RNCP39999", "blocs_fiche": ["BC01"], "blocs": ["BC05"], "type": "totale",
        "competences": {"C5.1": ["C1.3"], "C5.2": ["C1.4"]}, "proposee": True,
    }
    assert "      C5.1: [C1.3] # ressemblance 100 %" in after
    assert "notes: 'Reste à valider : C3.2 (texte réécrit).'" in after
    again = _write(old, new)
    assert again.exit_code == 0 and "est déjà à jour" in again.stdout
    assert (new / "certification.yaml").read_text(encoding="utf-8") == after


def test_check_asks_for_review_then_is_satisfied(tmp_path):
    old, new = make_versions(tmp_path)
    assert _write(old, new).exit_code == 0
    rules = [d.rule for d in check(new).report.diagnostics if d.rule.startswith("correspondance")]
    assert rules == ["correspondance-a-relire"] * 5
    path = new / "certification.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    proposee: true\n", ""), encoding="utf-8")
    checked = check(new)
    assert [d.rule for d in checked.report.diagnostics if d.rule.startswith("correspondance")] == []
    result = run("check", str(new), "--precedente", str(old))
    assert "correspondance" not in result.stdout


def test_an_entry_the_author_wrote_is_kept_unless_forced(tmp_path):
    old, new = make_versions(tmp_path)
    assert _write(old, new).exit_code == 0
    path = new / "certification.yaml"
    text = path.read_text(encoding="utf-8")
    # the author reviews the first entry: BC01 gives BC01 only in part, by their judgement
    mine = text.replace(
        "    blocs: [BC01]\n    type: totale\n    competences:\n      C1.1: [C1.1] # ressemblance 100 %\n"
        "      C1.2: [C1.2] # ressemblance 100 %\n    proposee: true\n",
        "    blocs: [BC01]\n    type: partielle\n    competences:\n      C1.1: [C1.1]\n    notes: Décision du jury.\n", 1)
    assert mine != text
    path.write_text(mine, encoding="utf-8")
    kept = _write(old, new)
    assert kept.exit_code == 0, kept.output
    assert "Gardées telles que vous les avez écrites (--force pour les remplacer) : BC01 → BC01 (partielle)" in kept.stdout
    assert _entries(new)[0]["type"] == "partielle" and _entries(new)[0]["notes"] == "Décision du jury."
    forced = _write(old, new, "--force")
    assert forced.exit_code == 0 and "Correspondances remplacées : BC01 → BC01 (partielle)" in forced.stdout
    assert _entries(new)[0]["type"] == "totale" and _entries(new)[0]["proposee"] is True


def test_a_proposal_no_longer_made_is_withdrawn(tmp_path):
    old, new = make_versions(tmp_path)
    path = new / "certification.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "correspondances:\n  - fiche: RNCP39999\n    blocs_fiche: [BC04]\n    type: aucune\n    proposee: true\n"
        "  - fiche: RNCP12345\n    blocs: [BC02]\n    blocs_fiche: [BC07]\n    type: partielle\n    competences: {C2.3: [C7.1]}\n"
    ), encoding="utf-8")
    result = _write(old, new)
    assert result.exit_code == 0, result.output
    assert "Correspondances remplacées : BC04 → aucun bloc (aucune)" in result.stdout
    entries = _entries(new)
    assert entries[0]["blocs"] == ["BC04"] and entries[0]["type"] == "totale"
    assert entries[1]["fiche"] == "RNCP12345"  # another certification's: not the comparison's business
    assert len(entries) == 6


def test_without_the_previous_version_code_nothing_is_written(tmp_path):
    old, new = make_versions(tmp_path)
    path = old / "certification.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("code_rncp: RNCP39999\n", ""), encoding="utf-8")
    before = (new / "certification.yaml").read_bytes()
    result = _write(old, new)
    assert result.exit_code == 1 and "--code RNCPnnnnn" in result.stderr
    assert (new / "certification.yaml").read_bytes() == before
    given = _write(old, new, "--code", "RNCP39999")
    assert given.exit_code == 0 and yaml.safe_load((new / "certification.yaml").read_text(encoding="utf-8"))["renouvellement"]["code"] == "RNCP39999"


def test_a_renewal_code_that_disagrees_is_refused(tmp_path):
    old, new = make_versions(tmp_path)
    path = new / "certification.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "renouvellement: RNCP11111\n", encoding="utf-8")
    result = _write(old, new)
    assert result.exit_code == 1 and "renouvellement: RNCP11111, mais la version précédente a le code RNCP39999" in result.stderr
