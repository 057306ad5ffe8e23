"""A jury session's decisions, kept on disk while the run makes them: one row per candidate × bloc.

A session of 5,000 candidates makes 20,000 bloc decisions, and the parent needs them all at the
end (the procès-verbal, decisions.csv, the holders for the accrochage file and the credentials),
in the candidates' order. As each batch arrives they go to a temporary SQLite file in the output
folder (0600: it names the candidates; named like the other temporary files, so the next run
removes the copy a killed run left), and are read back in order, as often as needed, a row at a
time: the parent's memory does not grow with the number of candidates. So are the names of the
files the run writes (some 46,000 for 5,000 candidates in PDF), for its listing and to remove what
an earlier run wrote and this one did not.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..documents.deliberation import INCOMPLET, NON_VALIDE, VALIDE
from .jury_outputs import Row

COLUMNS = ("numero", "nom", "prenom", "bloc", "calculee", "decision", "motif", "moyenne", "manquants")


class Decisions:
    def __init__(self, folder: Path, mode: int):
        fd, name = tempfile.mkstemp(dir=folder, prefix=".decisions.", suffix=".tmp")
        os.close(fd)
        os.chmod(name, mode)
        self.path = Path(name)
        self._db = sqlite3.connect(name)
        self._db.execute("pragma journal_mode = off")  # a file of this run only: no journal beside it
        self._db.execute("pragma synchronous = off")
        self._db.execute(f"create table d (rang integer, {', '.join(f'{c} text' for c in COLUMNS)})")
        self._db.execute("create index d_ordre on d (rang, bloc)")  # read in order without sorting in a temporary file
        self._db.execute("create table f (name text primary key) without rowid")  # the files written
        self._db.execute("create table e (name text)")  # an earlier run's
        self._db.execute("create table p (name text)")  # what this run may write, not there when it began
        self.count = 0

    def add(self, first: int, rows: list[Row]) -> None:
        """A batch's rows; `first`: the rank of its first candidate in the session (rows of a candidate are together)."""
        rank, previous, ranked = first - 1, None, []
        for r in rows:
            if r.numero != previous:
                rank, previous = rank + 1, r.numero
            ranked.append((rank, *(getattr(r, c) for c in COLUMNS)))
        self._db.executemany(f"insert into d values ({', '.join('?' * (len(COLUMNS) + 1))})", ranked)
        self.count += len(ranked)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Row]:
        """Every row, in the candidates' order, then the blocs'."""
        for values in self._db.execute(f"select {', '.join(COLUMNS)} from d order by rang, bloc"):
            yield Row(*values)

    def derogations(self) -> Iterator[Row]:
        for values in self._db.execute(f"select {', '.join(COLUMNS)} from d where motif != '' order by rang, bloc"):
            yield Row(*values)

    def validated(self) -> Iterator[tuple[str, list[str]]]:
        """Each candidate with a validated bloc, and those blocs, in order."""
        numero, blocs = None, []
        for n, bloc in self._db.execute("select numero, bloc from d where decision = ? order by rang, bloc", (VALIDE,)):
            if n != numero and blocs:
                yield numero, blocs
                blocs = []
            numero = n
            blocs.append(bloc)
        if blocs:
            yield numero, blocs

    def certified(self, codes: set[str], acquis=()) -> list[str]:
        """The candidates of this session who hold every bloc of the certification, validated at this session
        or before it (`acquis`: acquis.csv's lines), in order."""
        before: dict[str, set[str]] = {}
        for a in acquis:
            before.setdefault(a.numero, set()).add(a.bloc)
        now = dict(self.validated())
        return [n for (n,) in self._db.execute("select numero from d group by numero order by min(rang)")
                if set(now.get(n, ())) | before.get(n, set()) == codes]

    def totaux(self, cert) -> tuple[tuple[str, int, int, int, int], ...]:
        """Per bloc of the certification: présentés, validés, non validés, incomplets (as documents.jury.totaux)."""
        found = {
            bloc: counts for bloc, *counts in self._db.execute(
                "select bloc, count(*), sum(decision = ?), sum(decision = ?), sum(decision = ?) from d group by bloc",
                (VALIDE, NON_VALIDE, INCOMPLET))
        }
        return tuple((b.code, *found.get(b.code, (0, 0, 0, 0))) for b in cert.blocs)

    def wrote(self, names) -> None:
        self._db.executemany("insert or ignore into f values (?)", ((n,) for n in names))

    def written(self) -> Iterator[str]:
        """The files written, in order (SQLite compares UTF-8 bytes: the order of Python's sorted)."""
        return (name for (name,) in self._db.execute("select name from f order by name"))

    def files(self) -> int:
        return self._db.execute("select count(*) from f").fetchone()[0]

    def earlier(self, names: Iterable[str]) -> None:
        """What an earlier run wrote (its listing), kept here rather than in memory while this run writes."""
        self._db.executemany("insert into e values (?)", ((n,) for n in names))

    def planned(self, names: Iterable[str]) -> None:
        """What this run may write and is not there yet: listed while it writes, never removed by its own end."""
        self._db.executemany("insert into p values (?)", ((n,) for n in names))

    def listed(self) -> Iterator[str]:
        """The listing while this run writes: the earlier run's files and the planned ones, each once, in order."""
        return (name for (name,) in self._db.execute("select name from e union select name from p order by name"))

    def gone(self) -> list[str]:
        """The files of the earlier run that this run did not write."""
        return [name for (name,) in self._db.execute("select distinct name from e where name not in (select name from f)")]

    def close(self) -> None:
        self._db.close()
        self.path.unlink(missing_ok=True)
