"""What a jury session writes besides the per-candidate documents: the procès-verbal, decisions.csv.

Also the place of the accrochage file (helper 16c's exporters/accrochage.py), the
session's render environment (dated by the session), and the refusal to write
personal data into a build's published folders.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..documents import jury as views
from ..documents.deliberation import CandidatDecisions
from ..errors import DossierError
from ..render.formats import file_bytes, html_page
from ..sources.session import Session, SessionInfo
from .plan import render_env


@dataclass(frozen=True)
class Row:
    """What the parent keeps of a candidate × bloc: a PV line and a decisions.csv line."""

    numero: str
    nom: str
    prenom: str
    bloc: str
    calculee: str
    decision: str
    motif: str
    moyenne: str
    manquants: str


def rows(decided: list[CandidatDecisions]) -> list[Row]:
    return [
        Row(d.candidat.numero, d.candidat.nom, d.candidat.prenom, b.bloc.code, b.calculee, b.decision, b.motif,
            f"{b.moyenne:.2f}" if b.moyenne is not None else "", " ".join(b.manquants))
        for d in decided for b in d.blocs
    ]


def session_env(cert, folder: Path, info: SessionInfo):
    """The render environment, dated by the session (never the clock): same sources, same bytes."""
    env = render_env(cert, folder)
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return env
    return replace(env, when=dt.datetime.combine(info.date, dt.time(12), tzinfo=dt.UTC))


def refuse_public(out_dir: Path) -> None:
    """Never inside a build's site or filing bundle: those are published, the session's files are personal."""
    from .options import BUNDLE, SITE
    from .state import STATE_FILE

    real = out_dir.resolve()
    for folder in (real, *real.parents):
        if folder.name in (SITE, BUNDLE) and (folder.parent / STATE_FILE).exists():
            raise DossierError(
                f"--out {out_dir} : ce dossier est publié ({folder.name}/ d'une construction) ; les documents d'une session "
                "contiennent des données personnelles : choisissez un dossier à part (par exemple --out build/jury)"
            )


def session_files(folder: Path, cert, session: Session, out_dir: Path, formats, rows: list[Row], candidats: int, write) -> None:
    """The procès-verbal (PDF, DOCX, HTML), decisions.csv, and the accrochage file."""
    info = session.info
    env = session_env(cert, folder, info)
    lignes = tuple(views.LignePV(r.numero, f"{r.nom} {r.prenom}".strip(), r.bloc, r.calculee, r.decision, r.motif) for r in rows)
    certifies = certified(cert, rows)
    pv = views.PVView(views.header(cert), views.seance(info), views.regle_decision(cert.echelle), lignes,
                      views.totaux(cert, lignes), candidats, len(certifies))
    spec = views.SESSION_DOCUMENTS["proces-verbal"]
    page = html_page(spec, pv, env)
    for fmt in formats:
        write(f"proces-verbal.{fmt}", file_bytes(spec, fmt, pv, env, page))
    write("decisions.csv", decisions_csv(rows))
    # ACCROCHAGE (helper 16c): the holders' XML goes here, from exporters/accrochage.py:
    #   titulaires = [Titulaire(...) for each candidate in `certifies`]; accrochage_xml(cert, settings, titulaires, info.date, horodatage)
    #   write("accrochage.xml", xml) — wired at merge.


def certified(cert, rows: list[Row]) -> list[str]:
    codes = {b.code for b in cert.blocs}
    validated: dict[str, set[str]] = {}
    for r in rows:
        if r.decision == "validé":
            validated.setdefault(r.numero, set()).add(r.bloc)
    return [n for n, blocs in validated.items() if blocs == codes]


def decisions_csv(rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["numero", "nom", "prenom", "bloc", "decision_calculee", "decision", "motif", "moyenne", "resultats_manquants"])
    for r in rows:
        writer.writerow([r.numero, r.nom, r.prenom, r.bloc, r.calculee, r.decision, r.motif, r.moyenne, r.manquants])
    return out.getvalue().encode("utf-8")


