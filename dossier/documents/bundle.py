"""The bundle to file with France compétences (build/dossier/).

- the référentiel in PDF and DOCX, the list of organismes habilités when there are partners, and the
  tableau de correspondance when the sources declare correspondances;
- a sheet ready to paste into the téléprocédure, field by field, with character counts and limits
  (teleprocedure.py);
- the fiche in France compétences' XML shape (fiche_xml.py);
- the blocs as a CSV (code, intitulé, in order), for partners who declare blocs in their offers;
- a manifest with the SHA-256 of each file (`sha256sum -c MANIFEST.sha256` checks it).
"""

from __future__ import annotations

import csv
import hashlib
import io

from ..sources.champs import bloc_code
from ..sources.model import Certification
from .fiche_xml import fiche_xml
from .teleprocedure import teleprocedure


def manifest(files: list[tuple[str, bytes]]) -> bytes:
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in sorted(files)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def blocs_csv(cert: Certification) -> bytes:
    """The blocs in order, as Excel and LibreOffice open a French CSV: UTF-8 with BOM, « ; », CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Code du bloc", "Intitulé du bloc"])
    for b in cert.blocs:
        writer.writerow([bloc_code(cert, b), b.intitule])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def bundle_files(cert: Certification, documents: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Every file of the bundle (relative to build/dossier/); `documents` maps the file names of the
    documents it holds (the référentiel's PDF and DOCX, the list of organismes habilités), as the
    build named them, to their bytes."""
    files = sorted(documents.items())
    files.append(("teleprocedure.txt", teleprocedure(cert)))
    files.append(("fiche-rncp.xml", fiche_xml(cert)))
    files.append(("blocs.csv", blocs_csv(cert)))
    return files + [("MANIFEST.sha256", manifest(files))]
