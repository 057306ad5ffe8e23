"""`dossier import xlsx`: the edits of a review workbook (see xlsx_layout) as changes to the project's YAML.

Each value is compared three ways (xlsx_compare), the « Fiche » sheet here,
each bloc sheet by xlsx_bloc. Every cell that cannot be read is reported by
sheet and cell (« BC02!C7 : … »); the comments of the « Commentaire » column
are listed, never written into the sources.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import DossierError
from ..sources.load import CERTIFICATION_FILE
from . import xlsx_layout as lay
from .changes import ADD, MODIFY, Change
from .update import bloc_files
from .xlsx_bloc import BlocSheet
from .xlsx_compare import Read, Reader
from .yaml_rt import load, plain


def read(workbook: Path, folder: Path) -> Read:
    folder = Path(folder)
    try:
        wb = load_workbook(workbook, data_only=True)
    except FileNotFoundError:
        raise DossierError(f"{workbook} : fichier introuvable") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
        raise DossierError(f"{workbook} n'est pas un classeur Excel (.xlsx) lisible") from exc
    out = Read()
    origin = {}
    if lay.ORIGIN in wb.sheetnames:
        for row in wb[lay.ORIGIN].iter_rows(min_row=2, values_only=True):
            if row and row[0] is not None and row[1] is not None:
                origin[(str(row[0]), str(row[1]))] = "" if row[2] is None else str(row[2])
    reader = Reader(origin, out)
    if lay.FICHE in wb.sheetnames:
        _fiche(reader, wb[lay.FICHE], load(folder, CERTIFICATION_FILE).data)
    docs = {rel: load(folder, rel) for rel in bloc_files(folder)}
    by_code = {str(d.data.get("code")): d for d in docs.values()}
    taken = {str(i.get("id")) for d in docs.values() for k in lay.ID_PREFIX for i in d.data.get(k) or [] if isinstance(i, dict)}
    for name in wb.sheetnames:
        if name not in (lay.GUIDE, lay.FICHE, lay.ORIGIN):
            BlocSheet(reader, wb[name], name, by_code, list(by_code), taken).read()
    return out


def _fiche(reader: Reader, ws, data: dict) -> None:
    rows = {path: (label, fld) for path, label, fld in lay.fiche_rows(data)}
    new_voies: dict[str, dict] = {}
    for number, row in enumerate(ws.iter_rows(min_row=2, max_col=4, values_only=True), start=2):
        key, raw, comment = row[1], row[2], row[3]
        if comment is not None and str(comment).strip():
            reader.out.comments.append(f"{lay.FICHE}!D{number} ({rows.get(key, (key,))[0]}) : {str(comment).strip()}")
        if key not in rows:
            if key is not None or raw is not None:
                reader.out.problems.append(f"{lay.FICHE}!B{number} : ligne inconnue (« {key} ») : non lue")
            continue
        label, fld = rows[key]
        edited, value = reader.value(lay.FICHE, f"C{number}", key, fld, raw, plain(lay.fiche_value(data, key)), label)
        if not edited:
            continue
        path = lay.yaml_path(key)
        voies = [str(v.get("voie")) for v in data.get("voies_acces") or [] if isinstance(v, dict)]
        if path[0] == "voies_acces" and path[1] not in voies:  # a voie the YAML does not list yet
            new_voies.setdefault(str(path[1]), {"voie": path[1], "ouverte": False})[path[2]] = value
            continue
        old = plain(lay.fiche_value(data, key))
        reader.out.changes.append(Change(CERTIFICATION_FILE, path, MODIFY, old, value, where=f"{lay.FICHE}!C{number}"))
    for voie, item in new_voies.items():
        reader.out.changes.append(Change(CERTIFICATION_FILE, ("voies_acces",), ADD, new=item, where=f"{lay.FICHE} ({voie})"))
