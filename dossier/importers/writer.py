"""Write an imported certification as a sources folder, all at once or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from ..errors import DossierError
from ..sources.schema import SCHEMA_URL_BLOC, SCHEMA_URL_CERTIFICATION


class _Dumper(yaml.SafeDumper):
    """Readable YAML: block style, long texts as | blocks, keys in the schema's order."""


def _text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data, header: str) -> str:
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return header + body


def write_project(out: Path, certification: dict, blocs: list[dict], notes: list[str], source: str, force: bool) -> Path:
    """Write certification.yaml, blocs/*.yaml and IMPORT.md into `out` (a new folder, or replaced with force)."""
    out = Path(out)
    if out.exists() and not force:
        raise DossierError(f"{out} existe déjà : choisissez un autre dossier, ou --force pour le remplacer")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (staging / "blocs").mkdir()
        (staging / "certification.yaml").write_text(
            dump(certification, f"# yaml-language-server: $schema={SCHEMA_URL_CERTIFICATION}\n# Importé de {source}.\n"),
            encoding="utf-8",
        )
        for bloc in blocs:
            name = f"{bloc['code'][-4:].lower()}.yaml"
            (staging / "blocs" / name).write_text(
                dump(bloc, f"# yaml-language-server: $schema={SCHEMA_URL_BLOC}\n# Importé de {source}.\n"), encoding="utf-8"
            )
        report = [f"# Import de {source}", ""]
        report += notes or ["Tout a été placé ; relisez tout de même les identifiants et les rattachements."]
        (staging / "IMPORT.md").write_text("\n".join(report) + "\n", encoding="utf-8")
        if out.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, trash / "old")
            os.replace(staging, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
