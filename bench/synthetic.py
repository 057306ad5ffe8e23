"""Synthetic référentiels: the example with its blocs copied N times.

Bloc n is a copy of example bloc ((n - 1) mod 4) + 1 with its code and every
identifier renumbered (BC01 → BC05, A1 → A5, C1.1 → C5.1, M1.2 → M5.2,
CR1.3 → CR5.3), so identifiers stay unique. The bloc files are parsed, not
edited as text: each declared identifier gets a new one and every reference
follows it through one mapping, so no identifier quoted in prose is touched
and no reference is missed, whatever the YAML style (flow or block lists).
Copies beyond the example's own blocs suffix their competence texts with
« (variante n) »: the rule competence-un-bloc forbids one text in two blocs.
Everything else in the example — certification.yaml, the handbook's prose in
livret/*.md, templates — is copied as is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from .measure import BenchError

SECTIONS = ("activites", "competences", "modalites", "criteres")
# Reference lists, per section: which identifiers each item points at.
REFERENCES = {
    "competences": ("activites",),
    "modalites": ("competences",),
    "criteres": ("competences", "modalites"),
}
_NUMBERED = re.compile(r"^([A-Za-z]+)\d+(.*)$")


def renumber_id(old: str, number: int) -> str:
    """C1.1 → C5.1 for bloc 5; an identifier without a bloc number gets a suffix."""
    match = _NUMBERED.match(old)
    return f"{match[1]}{number}{match[2]}" if match else f"{old}-{number}"


def renumber_bloc(bloc: dict, number: int, variant: bool) -> dict:
    """A copy of one bloc's data as bloc number `number`."""
    bloc = dict(bloc)
    bloc["code"] = re.sub(r"BC\d+$", f"BC{number:02d}", str(bloc["code"]))
    ids = {item["id"]: renumber_id(item["id"], number) for section in SECTIONS for item in bloc.get(section) or ()}
    for section in SECTIONS:
        bloc[section] = [_renumber_item(item, section, ids) for item in bloc.get(section) or ()]
    if variant:
        for competence in bloc["competences"]:
            competence["texte"] = f"{competence['texte']} (variante {number})"
    return bloc


def _renumber_item(item: dict, section: str, ids: dict[str, str]) -> dict:
    item = dict(item, id=ids[item["id"]])
    for key in REFERENCES.get(section, ()):
        if key in item:
            item[key] = [ids.get(ref, ref) for ref in item[key]]
    return item


def multiply(example: Path, factor: int, dest: Path) -> Path:
    """Write into dest the example with factor × as many blocs."""
    templates = sorted((example / "blocs").glob("*.yaml"))
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(example, dest, ignore=shutil.ignore_patterns("blocs"))
    (dest / "blocs").mkdir()
    for number in range(1, factor * len(templates) + 1):
        template = templates[(number - 1) % len(templates)]
        data = yaml.safe_load(template.read_text(encoding="utf-8"))
        bloc = renumber_bloc(data, number, variant=number > len(templates))
        text = yaml.safe_dump(bloc, allow_unicode=True, sort_keys=False, width=10_000)
        (dest / "blocs" / f"bc{number:02d}.yaml").write_text(text, encoding="utf-8")
    return dest


def verify(dossier: Path, folder: Path, cwd: Path) -> None:
    """`dossier check folder` must pass (exit 0), or the benchmark stops."""
    result = subprocess.run([str(dossier), "check", str(folder)], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[:3000]
        raise BenchError(f"{folder} ne passe pas « dossier check » (code {result.returncode}) :\n{output}")


def verify_prose(example: Path, copy: Path) -> list[Path]:
    """The handbook's prose (livret/*.md) must be in the copy, byte for byte.

    `dossier check` cannot tell: a référentiel without prose is valid, its
    handbook just shorter. Returns the copy's prose files.
    """
    expected = sorted((example / "livret").glob("*.md"))
    found = sorted((copy / "livret").glob("*.md"))
    if [p.name for p in found] != [p.name for p in expected]:
        raise BenchError(f"{copy}/livret : {len(expected)} textes attendus ({example}/livret), {len(found)} trouvé(s)")
    for mine, theirs in zip(found, expected):
        if mine.read_bytes() != theirs.read_bytes():
            raise BenchError(f"{mine} diffère de {theirs}")
    return found
