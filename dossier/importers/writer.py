"""Write an imported certification as a sources folder, all at once or not at all.

An import never deletes what it did not write: a new folder is written beside
and renamed into place; an existing one is only touched with `--force`, and then
only the files an earlier import wrote (listed in `.dossier-import`, or, for an
import made before that list existed, marked « # Importé de » on their second
line) are replaced or removed — the input, the user's own files, their prose and
templates stay. The output folder may not be the root, the home folder, nor
hold the input or another sources folder. Every text is cleared of control
characters on the way in (IMPORT.md says how many), and two blocs never share a
file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from ..errors import DossierError, environment_error
from ..pipeline.owned import refuse_out
from ..sources.schema import SCHEMA_URL_BLOC, SCHEMA_URL_CERTIFICATION
from ..text import without_controls

WRITTEN = ".dossier-import"  # what the import wrote, so that --force replaces only that
IMPORTED_MARK = "# Importé de "


class _Dumper(yaml.SafeDumper):
    """Readable YAML: block style, long texts as | blocks, keys in the schema's order."""


def _text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data, header: str) -> str:
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return header + body


def _cleaned(data, removed: list[int]):
    """`data` with every text cleared of control characters; `removed` counts them."""
    if isinstance(data, str):
        clean = without_controls(data)
        removed[0] += len(data) - len(clean)
        return clean
    if isinstance(data, dict):
        return {key: _cleaned(value, removed) for key, value in data.items()}
    if isinstance(data, list):
        return [_cleaned(value, removed) for value in data]
    return data


def _files(certification: dict, blocs: list[dict], notes: list[str], source: str) -> dict[str, str]:
    """Every file of the import, by path relative to the folder."""
    removed = [0]
    certification, blocs = _cleaned(certification, removed), _cleaned(blocs, removed)
    notes = list(notes)
    if removed[0]:
        notes.append(f"- {removed[0]} caractère(s) de contrôle invisible(s) retiré(s) du texte importé.")
    origin = f"{IMPORTED_MARK}{without_controls(source)}.\n"
    files = {"certification.yaml": dump(certification, f"# yaml-language-server: $schema={SCHEMA_URL_CERTIFICATION}\n{origin}")}
    for bloc in blocs:
        base = f"{str(bloc['code'])[-4:].lower()}"
        name, n = f"blocs/{base}.yaml", 2
        while name in files:  # two blocs with one code: both kept, in two files
            name, n = f"blocs/{base}-{n}.yaml", n + 1
        if n > 2:
            notes.append(f"- Deux blocs portent le code {bloc['code']} : le second est dans {name} ; à corriger.")
        files[name] = dump(bloc, f"# yaml-language-server: $schema={SCHEMA_URL_BLOC}\n{origin}")
    report = [f"# Import de {without_controls(source)}", ""]
    report += notes or ["Tout a été placé ; relisez tout de même les identifiants et les rattachements."]
    files["IMPORT.md"] = "\n".join(report) + "\n"
    return files


def _refuse(out: Path, origin: Path | None) -> None:
    refuse_out(out)
    real = out.resolve()
    if origin is not None:
        folder = origin.resolve().parent
        if real == folder or real in folder.parents:
            raise DossierError(
                f"--out {out} : le dossier de sortie contiendrait le fichier importé ({origin}) ; "
                "choisissez un dossier à part (par exemple --out mon-referentiel)"
            )
    if real.is_dir():
        for child in real.iterdir():
            if child.is_dir() and (child / "certification.yaml").is_file():
                raise DossierError(
                    f"--out {out} : ce dossier contient déjà le dossier de sources {child.name}/ ; "
                    "importez dans un dossier à part (par exemple --out mon-referentiel)"
                )
    if out.exists() and not out.is_dir():
        raise DossierError(f"{out} est un fichier : --out doit désigner un dossier")


def _earlier(out: Path) -> set[str]:
    """What an earlier import wrote in `out`."""
    try:
        listed = json.loads((out / WRITTEN).read_text(encoding="utf-8"))
        return {p for p in listed if isinstance(p, str) and ".." not in Path(p).parts and not Path(p).is_absolute()}
    except (OSError, ValueError, TypeError):
        pass
    found = set()  # an import made before the list existed: its files carry the mark
    for path in [out / "certification.yaml", *sorted((out / "blocs").glob("*.yaml"))]:
        try:
            if path.is_file() and not path.is_symlink() and IMPORTED_MARK in path.read_text(encoding="utf-8")[:2000]:
                found.add(path.relative_to(out).as_posix())
        except (OSError, UnicodeDecodeError):
            continue
    if found and (out / "IMPORT.md").is_file():
        found.add("IMPORT.md")
    return found


def write_project(
    out: Path, certification: dict, blocs: list[dict], notes: list[str], source: str, force: bool, origin: Path | None = None
) -> Path:
    """Write certification.yaml, blocs/*.yaml and IMPORT.md into `out`: a new folder, or with `force`
    an existing one where only what an earlier import wrote is replaced. `origin` is the imported file."""
    out = Path(out)
    _refuse(out, origin)
    files = _files(certification, blocs, notes, source)
    earlier: set[str] = set()
    if out.exists():
        if not force:
            raise DossierError(f"{out} existe déjà : choisissez un autre dossier, ou --force pour remplacer un import précédent")
        earlier = _earlier(out)
        foreign = [rel for rel in files if (out / rel).exists() and rel not in earlier]
        if foreign:
            raise DossierError(
                f"{out / foreign[0]} n'a pas été écrit par un import : --force ne remplace que ce qu'un import a écrit ; "
                "choisissez un autre dossier"
            )
    with staged(out, "import", {**files, WRITTEN: json.dumps(sorted(files), indent=0) + "\n"}) as staging:
        if not out.exists():
            os.replace(staging, out)
            return out
        for rel in sorted(earlier - set(files)):  # an earlier import's file this one does not make
            target = out / rel
            if target.is_file() or target.is_symlink():
                target.unlink()
        for rel in [*files, WRITTEN]:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out / rel)
    return out


@contextmanager
def staged(out: Path, kind: str, files: dict[str, str]) -> Iterator[Path]:
    """The files written into a temporary folder beside `out` (the same file system: `os.replace` moves
    it whole), with the permissions of a folder the user made; removed afterwards whatever happens.
    The caller moves it, or its files, into place; a failure is said in French, naming `out`."""
    mask = os.umask(0)
    os.umask(mask)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.resolve().name}.{kind}-", dir=parent))
    except OSError as exc:
        raise environment_error(exc, parent) from exc
    try:
        for rel, text in files.items():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_text(text, encoding="utf-8")
        for folder in (staging, *(p for p in staging.rglob("*") if p.is_dir())):
            os.chmod(folder, 0o777 & ~mask)  # mkdtemp makes it private; a project folder is not
        yield staging
    except OSError as exc:
        raise environment_error(exc, out) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
