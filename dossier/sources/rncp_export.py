"""France compétences' open-data export (XML, format V4.1), read as a stream: one fiche at a time.

The national export holds every published fiche and weighs gigabytes: it is
never loaded. `export_members()` lists what a path holds (an .xml file, a .zip
of them, or a folder of both) and `fiches()` reads one member with lxml's
iterparse, keeping only the few fields the checks use and dropping each FICHE
once read, so memory stays flat whatever the export's size. Entities are never
resolved and nothing is fetched from the network.

Text fields are plain in V4.1, with lists as `*` bullets; older exports carried
escaped, double-encoded HTML (`&lt;p&gt;… &amp;eacute;`): `clean()` decodes both.
"""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import DossierError


@dataclass(frozen=True)
class ExportBloc:
    code: str
    libelle: str
    competences: str  # LISTE_COMPETENCES, cleaned
    modalites: str  # MODALITES_EVALUATION, cleaned

    @property
    def text(self) -> str:
        """Everything a bloc says, as one text (what the reproduction check compares)."""
        return "\n".join(t for t in (self.libelle, self.competences, self.modalites) if t)


@dataclass(frozen=True)
class ExportFiche:
    numero: str  # RNCP34762, RS5678
    intitule: str
    anciennes: tuple[str, ...] = ()  # ANCIENNES_CERTIFICATIONS: the versions it replaces
    nouvelles: tuple[str, ...] = ()  # NOUVELLES_CERTIFICATIONS: the versions that replace it
    blocs: tuple[ExportBloc, ...] = ()


@dataclass(frozen=True)
class Member:
    """One XML document of an export: a file, or a member of a .zip."""

    path: Path  # the file on disk (the .zip for a member)
    name: str = ""  # the member's name inside the .zip; "" for a plain file

    @property
    def label(self) -> str:
        return f"{self.path}:{self.name}" if self.name else str(self.path)

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        try:
            if not self.name:
                with open(self.path, "rb") as handle:
                    yield handle
                return
            with zipfile.ZipFile(self.path) as archive, archive.open(self.name) as handle:
                yield handle
        except zipfile.BadZipFile as exc:
            raise DossierError(f"{self.path} : archive .zip illisible ({exc})") from exc
        except OSError as exc:
            raise DossierError(f"{self.label} : lecture impossible ({exc.strerror or exc})") from exc


def export_members(path: Path) -> list[Member]:
    """The XML documents of an export given as a file, a .zip, or a folder of .xml and .zip files."""
    path = Path(path)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".xml", ".zip") and p.is_file())
        members = [m for p in found for m in export_members(p)]
        if not members:
            raise DossierError(f"{path} : aucun export .xml ni .zip dans ce dossier")
        return members
    if not path.is_file():
        raise DossierError(f"{path} : export introuvable")
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = sorted(n for n in archive.namelist() if n.lower().endswith(".xml") and not n.endswith("/"))
        except (zipfile.BadZipFile, OSError) as exc:
            raise DossierError(f"{path} : archive .zip illisible ({exc})") from exc
        if not names:
            raise DossierError(f"{path} : l'archive ne contient aucun fichier .xml")
        return [Member(path, name) for name in names]
    return [Member(path)]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise DossierError(f"{path} : lecture impossible ({exc.strerror})") from exc
    return digest.hexdigest()


_MARKUP = re.compile(r"&[a-zA-Z#0-9]+;|<\s*/?\s*[a-zA-Z]")


def clean(text: str | None) -> str:
    """Plain text from a field: decode escaped (even double-encoded) HTML, keep lists and paragraphs."""
    text = text or ""
    for _ in range(3):
        if not _MARKUP.search(text):
            break
        text = re.sub(r"<\s*li[^>]*>", "\n* ", text, flags=re.I)
        text = re.sub(r"<\s*(br|/p|/li|/ul|/ol|/div)[^>]*>", "\n", text, flags=re.I)
        text = re.sub(r"<[^>]+>", "", text)
        text = html.unescape(text)
    text = text.replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def _texts(el, path: str) -> tuple[str, ...]:
    return tuple(t for t in ((e.text or "").strip() for e in el.iterfind(path)) if t)


def _fiche(el) -> ExportFiche:
    blocs = tuple(
        ExportBloc(
            (b.findtext("CODE") or "").strip(),
            clean(b.findtext("LIBELLE")),
            clean(b.findtext("LISTE_COMPETENCES")),
            clean(b.findtext("MODALITES_EVALUATION")),
        )
        for b in el.iterfind("BLOCS_COMPETENCES/BLOC_COMPETENCES")
    )
    return ExportFiche(
        (el.findtext("NUMERO_FICHE") or "").strip().upper(),
        clean(el.findtext("INTITULE")),
        _texts(el, "ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/ID_FICHE_ANCIENNE_CERTIFICATION"),
        _texts(el, "NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/ID_FICHE_NOUVELLE_CERTIFICATION"),
        blocs,
    )


def fiches(member: Member) -> Iterator[ExportFiche]:
    """Every fiche of one XML document, in order, each read then dropped."""
    from lxml import etree

    with member.open() as handle:
        parser = etree.iterparse(
            handle, events=("end",), tag="FICHE", resolve_entities=False, no_network=True, load_dtd=False
        )
        try:
            for _event, el in parser:
                parent = el.getparent()
                if parent is None or parent.tag != "FICHES":
                    where = f"<{parent.tag}>" if parent is not None else "la racine"
                    raise DossierError(f"{member.label} n'est pas un export des fiches RNCP (<FICHE> dans {where}, <FICHES> attendue)")
                yield _fiche(el)
                el.clear(keep_tail=True)
                while el.getprevious() is not None:  # the fiches read are dropped: memory stays flat
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            raise DossierError(f"{member.label} : XML illisible ou tronqué ({exc.msg})") from exc
        root = parser.root
        if root is None or root.tag != "FICHES":
            found = f"racine <{root.tag}>" if root is not None else "document vide"
            raise DossierError(f"{member.label} n'est pas un export des fiches RNCP ({found}, <FICHES> attendue)")
