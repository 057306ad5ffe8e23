"""A session's candidates, read from a CSV as Excel and LibreOffice export it.

UTF-8 with or without BOM, or Windows-1252 (what Excel writes for « CSV
(séparateur : point-virgule) »): a file that is not valid UTF-8 is read as
Windows-1252, and the result says which. `;` or `,` between fields; headers
are matched without regard to case or accents (« Nom », « Prénom », « N° »…).
Every bad row is reported with its line; nothing is produced until all are right
(or the caller chooses to skip them). A cell holding a control character is a
bad row (it would corrupt the grids); so are two candidates whose grids would
have the same file name (numbers « A-1 » and « a 1 »).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..text import control_name, controls, fold, slug
from .diagnostics import Loc, Report
from .model import Certification
from .read import read_reported

COLUMNS = {
    "nom": ("nom", "nom de famille", "nom du candidat", "name", "last name"),
    "prenom": ("prenom", "prenoms", "first name"),
    "numero": ("numero", "n°", "no", "num", "numero candidat", "n° candidat", "matricule", "identifiant"),
    "blocs": ("blocs", "bloc", "blocs presentes", "blocs passes", "blocs vises"),
    "date": ("date", "date de l'epreuve", "date epreuve"),
    "lieu": ("lieu", "centre", "lieu de l'epreuve"),
    # optional identity columns, for a jury session (parchemin, accrochage)
    "nom_naissance": ("nom de naissance", "nom_naissance"),
    "nom_usage": ("nom d'usage", "nom_usage"),
    "prenoms": ("prenoms", "tous les prenoms"),
    "date_naissance": ("date de naissance", "date_naissance", "ne le", "nee le"),
    "lieu_naissance": ("lieu de naissance", "lieu_naissance"),
    "code_commune_naissance": ("code commune naissance", "code_commune_naissance", "code insee de naissance", "code commune de naissance"),
    "code_postal_naissance": ("code postal naissance", "code_postal_naissance", "code postal de naissance"),
    "sexe": ("sexe",),
    "voie": ("voie", "voie d'acces", "voie_acces"),
}
IDENTITY = ("nom_naissance", "nom_usage", "prenoms", "date_naissance", "lieu_naissance",
            "code_commune_naissance", "code_postal_naissance", "sexe", "voie")
REQUIRED = ("nom", "blocs")


@dataclass(frozen=True)
class Candidat:
    """One candidate of a session, as the CSV gives them."""

    nom: str
    prenom: str = ""
    numero: str = ""
    date: str = ""
    lieu: str = ""
    blocs: tuple[str, ...] = ()
    line: int = 0  # in the CSV
    # optional identity (a jury session: parchemin, accrochage); dates as AAAA-MM-JJ
    nom_naissance: str = ""
    nom_usage: str = ""
    prenoms: str = ""
    date_naissance: str = ""
    lieu_naissance: str = ""
    code_commune_naissance: str = ""
    code_postal_naissance: str = ""
    sexe: str = ""  # M or F
    voie: str = ""  # a key of model.VOIES

    @property
    def identite(self) -> str:
        """The holder as a parchemin names them: all first names, birth name (and usage name)."""
        prenoms = self.prenoms or self.prenom
        nom = self.nom_naissance or self.nom
        usage = f" (nom d'usage : {self.nom_usage})" if self.nom_usage and self.nom_usage != nom else ""
        return f"{prenoms} {nom}".strip() + usage

    @property
    def nom_complet(self) -> str:
        return f"{self.nom} {self.prenom}".strip()

    @property
    def stem(self) -> str:
        """The name of the candidate's grid files: their number (else their line) and their name."""
        number = slug(self.numero, default="") or f"l{self.line:04d}"
        return f"{number}-{slug(self.nom_complet, default='candidat')}"


@dataclass
class CandidateFile:
    candidats: list[Candidat] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    invalid_lines: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""  # « UTF-8 » or « Windows-1252 », as read
    delimiter: str = ""


HINT = "dans Excel, « Enregistrer sous » → « CSV UTF-8 (délimité par des virgules) »"


def decode(data: bytes, display: str, report: Report) -> tuple[str, str] | None:
    """(text, encoding name): UTF-8 (BOM or not) first; bytes that are not UTF-8 are Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, encoding = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:  # one of the five bytes cp1252 leaves undefined
            line = data.count(b"\n", 0, exc.start) + 1
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            report.error(
                "csv-encodage", Loc(display, line, col), "",
                f"le fichier n'est ni en UTF-8 ni en Windows-1252 (octet 0x{data[exc.start]:02x}) ; {HINT}",
            )
            return None
    if "\x00" in text:
        report.error("csv-encodage", Loc(display), "", "le fichier contient un caractère nul : fichier binaire ?")
        return None
    return text, encoding


def _column(header: str) -> str | None:
    key = fold(header).strip(" :")
    for name, aliases in COLUMNS.items():
        if key in (fold(a) for a in aliases):
            return name
    return None


def _bloc_codes(cert: Certification) -> dict[str, str]:
    """Every way a bloc may be written in the CSV → its code in the sources."""
    out = {}
    for b in cert.blocs:
        short = b.code[-4:]  # BC01
        for variant in (b.code, short, short.replace("BC", "BC "), str(int(short[2:]))):
            out[variant.upper()] = b.code
    return out


def iso_date(text: str) -> str | None:
    """« 14/03/1998 », « 14-03-1998 » or « 1998-03-14 » → « 1998-03-14 »; None if not a real date."""
    import datetime as dt

    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text) or re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not found:
        return None
    parts = [int(g) for g in found.groups()]
    year, month, day = (parts[2], parts[1], parts[0]) if len(found.group(1)) <= 2 else parts
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _check_identity(identity: dict[str, str], report: Report, display: str, line: int, columns: dict[str, int]) -> None:
    """Normalise the optional identity cells in place, reporting the ones that cannot be right."""
    from .model import VOIES

    def bad(name: str, message: str) -> None:
        report.error("csv-identite", Loc(display, line, columns[name] + 1), name, message)

    if identity["date_naissance"]:
        day = iso_date(identity["date_naissance"])
        if day is None:
            bad("date_naissance", "date de naissance illisible : JJ/MM/AAAA attendu")  # never repeated: personal data
        else:
            identity["date_naissance"] = day
    if identity["sexe"]:
        sexe = {"m": "M", "h": "M", "homme": "M", "masculin": "M", "f": "F", "femme": "F", "feminin": "F"}.get(fold(identity["sexe"]))
        if sexe is None:
            bad("sexe", "M ou F attendu")
        else:
            identity["sexe"] = sexe
    if identity["voie"]:
        by_label = {fold(label): key for key, label in VOIES.items()} | {fold(key): key for key in VOIES}
        voie = by_label.get(fold(identity["voie"]).replace(" ", "_")) or by_label.get(fold(identity["voie"]))
        if voie is None:
            bad("voie", f"voie d'accès « {identity['voie']} » inconnue (voies : {', '.join(VOIES)})")
        else:
            identity["voie"] = voie
    for name in ("code_commune_naissance", "code_postal_naissance"):
        if identity[name] and not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", identity[name]):
            bad(name, "un code à 5 caractères est attendu (2A/2B pour la Corse)")


def read(path: Path, display: str, cert: Certification) -> CandidateFile:
    result = CandidateFile()
    report = result.report
    data = read_reported(Path(path), display, report, prefix="csv-")
    decoded = None if data is None else decode(data, display, report)
    if decoded is None:
        return result
    text, result.encoding = decoded
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        report.error("csv-vide", Loc(display, 1, 1), "", "fichier vide : la première ligne doit nommer les colonnes")
        return result
    delimiter = result.delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = next(reader)
    columns: dict[str, int] = {}
    for index, name in enumerate(headers):
        column = _column(name)
        if column == "prenom" and "prenom" in columns and fold(name).strip(" :") == "prenoms":
            column = "prenoms"  # « Prénom » and « Prénoms » both given: the second is the full list
        if column and column not in columns:
            columns[column] = index
        elif name.strip():
            result.ignored_columns.append(name.strip())
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        report.error(
            "csv-colonnes", Loc(display, 1, 1), "",
            f"colonne(s) manquante(s) : {', '.join(missing)} (colonnes lues : {', '.join(h.strip() for h in headers)})",
        )
        return result
    codes = _bloc_codes(cert)
    seen_numbers: dict[str, tuple[int, str]] = {}  # the number as a file name -> (line, as written)
    seen_stems: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        problems_before = len(report.diagnostics)

        def cell(name: str, row: list[str] = row) -> str:
            i = columns.get(name)
            return " ".join(row[i].split()) if i is not None and i < len(row) else ""

        def col(name: str) -> int:
            return columns[name] + 1

        for name, index in columns.items():
            found = controls(row[index]) if index < len(row) else []
            if found:
                report.error(
                    "csv-caractere", Loc(display, line, index + 1), name,
                    f"{control_name(found[0][1])} dans la cellule : supprimez-le (il abîmerait les grilles)",
                )
        if len(report.diagnostics) > problems_before:
            result.invalid_lines.append(line)
            continue

        nom = cell("nom")
        if not nom:
            report.error("csv-nom", Loc(display, line, col("nom")), "nom", "nom du candidat manquant")
        blocs = []
        raw = cell("blocs")
        if not raw:
            report.error("csv-blocs", Loc(display, line, col("blocs")), "blocs", "aucun bloc indiqué")
        for token in filter(None, re.split(r"[\s,;+/]+", raw.upper())):
            code = codes.get(token)
            if code is None:
                report.error(
                    "csv-blocs", Loc(display, line, col("blocs")), "blocs",
                    f"bloc « {token} » inconnu (blocs : {', '.join(b.code for b in cert.blocs)})",
                )
            elif code not in blocs:
                blocs.append(code)
        numero = cell("numero")
        key = slug(numero, default="")
        if key:
            if key in seen_numbers:
                first, written = seen_numbers[key]
                same = "" if written == numero else f" (« {written} » : le même numéro à la casse et à la ponctuation près)"
                report.error(
                    "csv-numero", Loc(display, line, col("numero")), "numero",
                    f"numéro « {numero} » déjà donné à la ligne {first}{same}",
                )
            seen_numbers.setdefault(key, (line, numero))
        identity = {name: cell(name) for name in IDENTITY}
        _check_identity(identity, report, display, line, columns)
        candidat = Candidat(nom, cell("prenom"), numero, cell("date"), cell("lieu"), tuple(blocs), line, **identity)
        if len(report.diagnostics) == problems_before and candidat.stem in seen_stems:
            report.error(
                "csv-numero", Loc(display, line, 1), "",
                f"les grilles de ce candidat et de celui de la ligne {seen_stems[candidat.stem]} auraient le même nom "
                f"de fichier ({candidat.stem}) : donnez-leur des numéros distincts",
            )
        if len(report.diagnostics) > problems_before:
            result.invalid_lines.append(line)
            continue
        seen_stems[candidat.stem] = line
        result.candidats.append(candidat)
    return result
