"""A jury session's folder: `session.yaml`, `candidats.csv`, `resultats.csv`, `deliberations.csv`, `acquis.csv`.

Reading only: the files' shape (keys, columns, readable values), every problem
reported with its file, line and column. Whether a result names a real
candidate, épreuve or criterion, fits the scale, or is missing, is checked
against the certification by `checks/session.py`.

Personal data: the candidates' names and birth data are read here; messages
name a candidate by number only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..text import fold
from . import candidats as candidats_mod
from .diagnostics import Loc, Report
from .model import NO_SRC, Certification, Src
from .read import read_reported, read_yaml
from .schema_depot import LINE
from .spec import INVALID, Boolean, Ctx, Date, Number, Text
from .spec_objects import Key, ListOf, Obj

SESSION_FILE = "session.yaml"
CANDIDATS_FILE = "candidats.csv"
RESULTATS_FILE = "resultats.csv"
DELIBERATIONS_FILE = "deliberations.csv"
ACQUIS_FILE = "acquis.csv"

RESULT_COLUMNS = ("numero", "epreuve", "competence", "critere", "valeur", "observations")
OVERRIDE_COLUMNS = ("numero", "bloc", "decision", "motif")
ACQUIS_COLUMNS = ("numero", "bloc", "date", "origine")
DECISIONS = {"valide": "validé", "non valide": "non validé"}  # folded → as written in the documents


@dataclass(frozen=True)
class Membre:
    nom: str
    qualite: str = ""
    externe: bool = False
    president: bool = False
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class ReglagesAccrochage:
    """The certificateur's identifiers at the Caisse des Dépôts, for the accrochage file."""

    id_client: str = ""
    id_contrat: str = ""
    version: str = ""
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class SessionInfo:
    intitule: str
    date: dt.date
    lieu: str
    jury: tuple[Membre, ...]
    epreuves: tuple[str, ...] = ()  # held; none given: every épreuve
    externes_min: float = 50  # percent of the jury
    accrochage: ReglagesAccrochage = ReglagesAccrochage()
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    @property
    def president(self) -> Membre | None:
        return next((m for m in self.jury if m.president), None)

    @property
    def part_externes(self) -> float:
        return 100 * sum(m.externe for m in self.jury) / len(self.jury) if self.jury else 0


MEMBRE = Obj(
    title="Membre du jury",
    keys={
        "nom": Key(Text(doc="Nom et prénom", **LINE), required=True),
        "qualite": Key(Text(doc="Qualité (fonction, entreprise)", min_length=0, **LINE)),
        "externe": Key(Boolean(doc="Professionnel extérieur à l'organisme ?")),
        "president": Key(Boolean(doc="Président du jury ?")),
    },
    build=lambda src, nom, qualite, externe, president: Membre(nom, qualite or "", bool(externe), bool(president), src),
    identity="nom",
)

ACCROCHAGE = Obj(
    title="Accrochage (Caisse des Dépôts)",
    keys={
        "id_client": Key(Text(doc="Identifiant client du certificateur (8 caractères au plus)", multiline=False, max_length=8)),
        "id_contrat": Key(Text(doc="Identifiant du contrat (20 caractères au plus)", multiline=False, max_length=20)),
        "version": Key(Text(doc="Version du schéma XSD de la Caisse des Dépôts suivie", multiline=False, max_length=20)),
    },
    build=lambda src, id_client, id_contrat, version: ReglagesAccrochage(id_client or "", id_contrat or "", version or "", src),
    identity=None,
    default=ReglagesAccrochage(),
)

SESSION = Obj(
    title="Session de jury",
    doc="session.yaml : la session de jury (délibération)",
    keys={
        "intitule": Key(Text(doc="Intitulé de la session (« Session de juin 2027 »)", **LINE), required=True),
        "date": Key(Date(doc="Date de la délibération (AAAA-MM-JJ)"), required=True),
        "lieu": Key(Text(doc="Lieu de la délibération", **LINE), required=True),
        "jury": Key(ListOf(item=MEMBRE, doc="Les membres du jury de délibération", min_items=1), required=True),
        "epreuves": Key(ListOf(item=Text(**LINE), doc="Les épreuves tenues (toutes si absent)")),
        "externes_min": Key(Number(doc="Part minimale de membres extérieurs, en % (50 par défaut)", maximum=100)),
        "accrochage": Key(ACCROCHAGE),
    },
    build=lambda src, externes_min, **v: SessionInfo(src=src, externes_min=50 if externes_min is None else externes_min, **v),
    identity=None,
)


@dataclass(frozen=True, slots=True)
class Resultat:
    """One line of resultats.csv: a criterion's value (or a competence's conclusion) for a candidate in an épreuve."""

    numero: str
    epreuve: str
    competence: str
    critere: str
    valeur: str
    observations: str = ""
    line: int = 0
    file: str = ""


@dataclass(frozen=True)
class Derogation:
    """A jury decision on a candidate × bloc that overrides the computed one (deliberations.csv)."""

    numero: str
    bloc: str
    decision: str  # « validé » or « non validé »
    motif: str
    line: int = 0
    file: str = ""


class Resultats:
    """A session's results, kept in a temporary SQLite file rather than in memory (5,000 candidates
    make some 200,000 lines): read in file order, or candidate by candidate."""

    COLUMNS = ("numero", "epreuve", "competence", "critere", "valeur", "observations", "line")

    def __init__(self, file: str = ""):
        import sqlite3
        import tempfile

        self.file = file
        self._dir = tempfile.TemporaryDirectory(prefix="dossier-resultats-")
        self._db = sqlite3.connect(Path(self._dir.name) / "r.db")
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA cache_size=-2000")  # KiB: the memory it may hold, whatever the session's size
        self._db.execute(f"CREATE TABLE r (seq INTEGER PRIMARY KEY, {', '.join(self.COLUMNS)})")
        self._db.execute("CREATE TABLE first (numero TEXT PRIMARY KEY, pos INTEGER)")
        self._count = 0

    def add_all(self, lines) -> None:
        """(line, cells) pairs, as `_rows` gives them."""
        cursor = self._db.cursor()
        for line, cells in lines:
            self._count += 1
            cursor.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (self._count, *(cells[n] for n in self.COLUMNS[:-1]), line))
            cursor.execute("INSERT OR IGNORE INTO first VALUES (?, ?)", (cells["numero"], self._count))
        self._db.execute("CREATE INDEX r_numero ON r (numero, seq)")
        self._db.commit()

    def __len__(self) -> int:
        return self._count

    def _made(self, row) -> Resultat:
        return Resultat(*(sys.intern(v) for v in row[:5]), row[5], row[6], self.file)

    def __iter__(self) -> Iterator[Resultat]:
        for row in self._db.execute(f"SELECT {', '.join(self.COLUMNS)} FROM r ORDER BY seq"):
            yield self._made(row)

    def grouped(self) -> Iterator[tuple[str, list[Resultat]]]:
        """(numero, its results in file order), candidates in order of first appearance, one at a time."""
        cols = ", ".join(f"r.{c}" for c in self.COLUMNS)
        query = f"SELECT {cols} FROM first JOIN r ON r.numero = first.numero ORDER BY first.pos, r.seq"
        numero, group = None, []
        for row in self._db.execute(query):
            if row[0] != numero and group:
                yield numero, group
                group = []
            numero = row[0]
            group.append(self._made(row))
        if group:
            yield numero, group

    def of(self, numero: str) -> list[Resultat]:
        query = f"SELECT {', '.join(self.COLUMNS)} FROM r WHERE numero = ? ORDER BY seq"
        return [self._made(row) for row in self._db.execute(query, (numero,))]

    def numeros(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT numero FROM first")}

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()


@dataclass(frozen=True)
class Acquis:
    """A bloc a candidate validated before this session (acquis.csv): at an earlier session, by VAE, by équivalence."""

    numero: str
    bloc: str
    date: dt.date
    origine: str  # « Session de juin 2026 », « VAE », « Équivalence : … »
    line: int = 0
    file: str = ""


@dataclass
class Session:
    folder: Path
    info: SessionInfo | None = None
    candidats: list[candidats_mod.Candidat] = field(default_factory=list)
    resultats: Resultats | list[Resultat] = field(default_factory=list)
    derogations: list[Derogation] = field(default_factory=list)
    acquis: list[Acquis] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    files: dict[str, str] = field(default_factory=dict)  # name → path as shown in messages


def read_info(folder: Path, cert: Certification) -> SessionInfo | None:
    """session.yaml alone (what a worker needs); None if it does not read."""
    info, report = read_info_reported(folder, SESSION_FILE)
    return None if report.errors else info


def read_info_reported(folder: Path, display: str) -> tuple[SessionInfo | None, Report]:
    """session.yaml alone, and what is wrong with it (`display`: the file's name in messages)."""
    report = Report()
    doc = read_yaml(Path(folder) / SESSION_FILE, display, report, inside=Path(folder))
    info = None if doc is None else SESSION.parse(doc.root, "", Ctx(doc.display, report))
    return (None if info is INVALID else info), report


def read_session(folder: Path, cert: Certification, display: str | None = None) -> Session:
    """Read every file of a session folder (the shape of each; see checks/session.py for the rest)."""
    folder = Path(folder)
    shown = display if display is not None else str(folder)
    session = Session(folder)
    report = session.report
    for name in (SESSION_FILE, CANDIDATS_FILE, RESULTATS_FILE, DELIBERATIONS_FILE, ACQUIS_FILE):
        session.files[name] = f"{shown.rstrip('/')}/{name}"
    if not folder.is_dir():
        report.error("session-fichier", Loc(shown), "", "dossier de session introuvable")
        return session
    session.info, read = read_info_reported(folder, session.files[SESSION_FILE])
    report.extend(read)
    if (folder / CANDIDATS_FILE).exists():
        parsed = candidats_mod.read(folder / CANDIDATS_FILE, session.files[CANDIDATS_FILE], cert)
        report.extend(parsed.report)
        session.candidats = parsed.candidats
    else:
        report.error("session-fichier", Loc(session.files[CANDIDATS_FILE]), "", "fichier absent : la liste des candidats de la session")
    rows = _rows(folder / RESULTATS_FILE, session.files[RESULTATS_FILE], RESULT_COLUMNS, ("numero", "epreuve", "valeur"), report)
    session.resultats = Resultats(session.files[RESULTATS_FILE])  # a session holds many: on disk, not in memory
    session.resultats.add_all(rows or ())
    if rows is None:
        report.error("session-fichier", Loc(session.files[RESULTATS_FILE]), "", "fichier absent : les résultats des épreuves")
    for line, cells in _rows(folder / DELIBERATIONS_FILE, session.files[DELIBERATIONS_FILE], OVERRIDE_COLUMNS, OVERRIDE_COLUMNS, report) or ():
        where = Loc(session.files[DELIBERATIONS_FILE], line)
        decision = DECISIONS.get(fold(cells["decision"]).replace("é", "e"))
        if decision is None:
            report.error("session-derogation", where, "decision", f"décision « {cells['decision']} » : « validé » ou « non validé » attendu")
            continue
        if not cells["motif"]:
            report.error("session-derogation", where, "motif", "motif obligatoire : le jury dit pourquoi il s'écarte de la décision calculée")
            continue
        session.derogations.append(Derogation(cells["numero"], cells["bloc"].upper(), decision, cells["motif"], line, session.files[DELIBERATIONS_FILE]))
    session.acquis = _acquis(folder / ACQUIS_FILE, session.files[ACQUIS_FILE], report)
    return session


def _acquis(path: Path, shown: str, report: Report) -> list[Acquis]:
    """acquis.csv (optional): numero;bloc;date;origine, a line per bloc validated before this session."""
    out = []
    for line, cells in _rows(path, shown, ACQUIS_COLUMNS, ACQUIS_COLUMNS, report) or ():
        where = Loc(shown, line)
        date = candidats_mod.iso_date(cells["date"])
        if date is None:
            report.error("session-acquis", where, "date", f"date « {cells['date']} » illisible : JJ/MM/AAAA attendu (date de validation du bloc)")
        if not cells["origine"]:
            report.error("session-acquis", where, "origine", "origine obligatoire : la session, « VAE » ou l'équivalence qui a validé le bloc")
        if date is not None and cells["origine"]:
            out.append(Acquis(cells["numero"], cells["bloc"].upper(), dt.date.fromisoformat(date), cells["origine"], line, shown))
    return out


def _rows(path: Path, display: str, names: tuple[str, ...], required: tuple[str, ...], report: Report):
    """(line, {column: cell}) of a `;`-separated CSV with a header, one at a time; None when the file is absent."""
    if not path.exists():
        return None
    data = read_reported(path, display, report, prefix="csv-")
    decoded = None if data is None else candidats_mod.decode(data, display, report)
    if decoded is None:
        return []
    text = decoded[0]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [fold(h).strip(" :").replace(" ", "_") for h in next(reader)]
    except StopIteration:
        report.error("csv-vide", Loc(display, 1, 1), "", "fichier vide : la première ligne doit nommer les colonnes")
        return []
    columns = {name: headers.index(name) for name in names if name in headers}
    missing = [n for n in required if n not in columns]
    if missing:
        report.error("csv-colonnes", Loc(display, 1, 1), "", f"colonne(s) manquante(s) : {', '.join(missing)} (attendues : {';'.join(names)})")
        return []
    return _each(reader, columns, names)


def _each(reader, columns: dict[str, int], names: tuple[str, ...]):
    """One row at a time: a session's results are many, and only their values are kept."""
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        cells = {n: (" ".join(row[i].split()) if i < len(row) else "") for n, i in columns.items()}
        yield reader.line_num, {n: cells.get(n, "") for n in names}
