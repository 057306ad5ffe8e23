"""YAML mistakes explained as a non-programmer needs them: which slip, where, what to do, the lines shown."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, run

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")


def _bloc_with(old: str, new: str) -> str:
    assert old in BLOC, old
    return BLOC.replace(old, new, 1)


def _lines_of(text: str, old: str) -> int:
    return BLOC[: BLOC.index(old)].count("\n") + 1


def test_a_key_shifted_right_says_indentation_and_shows_both_lines(project):
    folder = project({"blocs/bc01.yaml": _bloc_with("    texte: Accueillir", "     texte: Accueillir")})
    out = run("check", str(folder), cwd=folder.parent).stdout.splitlines()
    line = _lines_of(BLOC, "    texte: Accueillir")
    head = next(s for s in out if "yaml-syntaxe" in s)
    assert head.startswith(f"proj/blocs/bc01.yaml:{line}:6: indentation : « texte » est décalé d'une espace vers la droite par rapport à « id » (ligne {line - 1})")
    excerpt = out[out.index(head) + 1 : out.index(head) + 4]
    assert excerpt[0].strip().startswith(f"{line - 1} |") and "- id: C1.1" in excerpt[0]
    assert excerpt[1].strip().startswith(f"{line} |") and "texte: Accueillir" in excerpt[1]
    assert excerpt[2].rstrip().endswith("^") and excerpt[2].index("^") == excerpt[1].index("texte")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    texte: Accueillir", "   texte: Accueillir",
     "indentation : « texte » est décalé d'une espace vers la gauche par rapport à « id » (ligne {above})"),
    ("  - id: C1.2", "- id: C1.2",
     "indentation : cet élément de liste est décalé de 2 espaces vers la gauche par rapport à celui de la ligne {item}"),
])
def test_a_key_or_an_item_shifted_left(project, old, new, message):
    folder = project({"blocs/bc01.yaml": _bloc_with(old, new)})
    out = run("check", str(folder), cwd=folder.parent).stdout
    line = _lines_of(BLOC, old)
    item = _lines_of(BLOC, "  - id: C1.1")
    assert message.format(above=line - 1, item=item) in out
    assert "[erreur yaml-syntaxe]" in out and "expected" not in out


def test_a_tab_says_tab(project):
    folder = project({"blocs/bc01.yaml": _bloc_with("    texte: Accueillir", "\ttexte: Accueillir")})
    out = run("check", str(folder), cwd=folder.parent).stdout
    line = _lines_of(BLOC, "    texte: Accueillir")
    assert f"proj/blocs/bc01.yaml:{line}:1: tabulation dans l'indentation : YAML n'accepte que des espaces" in out
    assert "→texte: Accueillir" in out


def test_a_missing_colon_says_so_at_the_right_line(project):
    folder = project({"blocs/bc01.yaml": _bloc_with("intitule: Vendre", "intitule Vendre")})
    out = run("check", str(folder), cwd=folder.parent).stdout
    line = _lines_of(BLOC, "intitule: Vendre")
    assert f"proj/blocs/bc01.yaml:{line}:1: « : » manquant après « intitule » : une clé est suivie de deux-points" in out


def test_a_colon_in_a_value_says_what_to_write(project):
    folder = project({"blocs/bc01.yaml": _bloc_with("intitule: Vendre", "intitule: Vendre: vite")})
    out = run("check", str(folder), cwd=folder.parent).stdout
    assert '« : » dans une valeur : mettez la valeur entre guillemets (écrivez intitule: "Vendre: vite")' in out


def test_the_excerpt_is_in_the_json_too(project):
    import json

    folder = project({"blocs/bc01.yaml": _bloc_with("    texte: Accueillir", "     texte: Accueillir")})
    payload = json.loads(run("check", str(folder), "--format", "json").stdout)
    diag = next(d for d in payload["diagnostics"] if d["rule"] == "yaml-syntaxe")
    assert len(diag["excerpt"]) == 3 and diag["message"].startswith("indentation : ")


def test_a_missing_colon_in_a_list_item_is_placed_on_its_line(project):
    folder = project({"blocs/bc01.yaml": _bloc_with("  - id: CR1.2", "  - id CR1.2")})
    out = run("check", str(folder), cwd=folder.parent).stdout
    line = _lines_of(BLOC, "  - id: CR1.2")
    assert f"proj/blocs/bc01.yaml:{line}:5: « : » manquant après « id » : une clé est suivie de deux-points (« id: … »)" in out


def test_the_first_key_shifted_says_indentation(project):
    folder = project({"blocs/bc01.yaml": _bloc_with("code: BC01", " code: BC01")})
    out = run("check", str(folder), cwd=folder.parent).stdout
    assert "indentation : « intitule » est décalé d'une espace vers la gauche par rapport à « code » (ligne 1)" in out
    assert "document start" not in out
