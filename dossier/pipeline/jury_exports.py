"""A jury session's files for other systems: decisions.csv, the Caisse des Dépôts' accrochage file and Open Badges.

The accrochage file lists the session's holders (candidates who validated every bloc); the
badges are one credential per validated bloc, and one for the certification, per candidate.
Identity problems are found before anything is written (`diagnostics`); messages name a
candidate by number and the field, never the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..exporters import accrochage as acc
from ..exporters import badges
from ..sources.candidats import Candidat
from ..sources.diagnostics import Diagnostic, Loc, Report, Severity
from ..sources.session import Acquis, Session, SessionInfo


def configured(info: SessionInfo | None) -> bool:
    """The session asks for an accrochage file (session.yaml: accrochage: with id_client)."""
    return info is not None and bool(info.accrochage.id_client)


def settings(info: SessionInfo) -> acc.Accrochage:
    reg = info.accrochage
    return acc.Accrochage(reg.id_client, reg.id_contrat, session=f"{info.date.isoformat()} {info.intitule}")


def titulaire(c: Candidat) -> acc.Titulaire:
    return acc.Titulaire(
        c.numero, c.nom_naissance or c.nom, c.nom_usage, c.prenoms or c.prenom, c.sexe, c.date_naissance or None,
        c.code_commune_naissance, c.code_postal_naissance, c.voie, c.lieu_naissance,
    )


def diagnostics(cert, session: Session) -> list[Diagnostic]:
    """What would stop the accrochage file, said before anything is written.

    Settings the Caisse would refuse (no code RNCP yet, an identifier of the wrong length) are a
    warning: the session's documents are written, the accrochage file is not. Otherwise a
    candidate's missing or malformed identity is an error at their line of candidats.csv: any
    candidate may become a holder.
    """
    info = session.info
    if not configured(info):
        return []
    report = Report()
    loc, path = info.accrochage.src.at("id_client")
    refused = acc.problemes_reglages(cert, settings(info))
    for message in refused:
        report.add(Severity.WARNING, "session-accrochage", loc, path, f"fichier d'accrochage non produit : {message}")
    if refused:  # no file: the candidates' identities are not needed for it
        return report.sorted()
    lines = {c.numero: c.line for c in session.candidats}
    shown = session.files.get("candidats.csv", "candidats.csv")
    for numero, message in acc.problemes(titulaire(c) for c in session.candidats):
        report.error("session-accrochage", Loc(shown, lines.get(numero, 0)), "", f"candidat n° {numero} : {message} (fichier d'accrochage)")
    return report.sorted()


DECISIONS_COLUMNS = ("numero", "nom", "prenom", "bloc", "decision_calculee", "decision", "motif", "moyenne", "resultats_manquants",
                     "acquis_le", "origine")
EARLIER = "acquis antérieurement"  # decisions.csv's decision for a bloc acquired before the session (acquis.csv)


def decisions_csv(rows, acquis: Iterable[Acquis], out) -> None:
    """decisions.csv, written a row at a time into the binary file `out`: each candidate's rows (jury_outputs.Row,
    in the candidates' order, a candidate's together), with the blocs they acquired before this session among
    them, in the blocs' order — decided by no one here: « acquis antérieurement », with their date and origin,
    as the procès-verbal counts them for the certification."""
    earlier: dict[str, list[Acquis]] = {}
    for a in acquis:
        earlier.setdefault(a.numero, []).append(a)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(DECISIONS_COLUMNS)
    for _numero, group in itertools.groupby(rows, key=lambda r: r.numero):
        group = list(group)  # one candidate's: a handful of blocs
        first = group[0]
        lines = [(r.bloc, 1, [r.numero, r.nom, r.prenom, r.bloc, r.calculee, r.decision, r.motif, r.moyenne, r.manquants, "", ""])
                 for r in group]
        lines += [(a.bloc, 0, [a.numero, first.nom, first.prenom, a.bloc, "", EARLIER, "", "", "", a.date.strftime("%d/%m/%Y"), a.origine])
                  for a in earlier.get(first.numero, ())]
        writer.writerows(line for _, _, line in sorted(lines, key=lambda item: item[:2]))
    text.detach()


def accrochage_file(cert, session: Session, holders: list[str], when: dt.datetime) -> bytes | None:
    """The accrochage XML of the holders, or None when the session asks for none or cannot have one."""
    info = session.info
    if not configured(info) or not holders or acc.problemes_reglages(cert, settings(info)):
        return None
    people = {c.numero: c for c in session.candidats}
    return acc.accrochage_xml(cert, settings(info), [titulaire(people[n]) for n in holders], info.date, when)


def badge_files(cert, session: Session, validated: Iterable[tuple[str, list[str]]], key: Path | None,
                holders: list[str] = ()) -> Iterator[tuple[str, bytes]]:
    """Each candidate's Open Badges credentials (unsigned JSON-LD, or signed with the key file): one per bloc
    validated at this session (`validated`: each candidate with validated blocs, and those blocs, in order),
    and the certification's for every holder (blocs acquired before counted)."""
    if key is not None:
        from ..exporters import integrity

        key = integrity.load_key(Path(key))
    people = {c.numero: c for c in session.candidats}
    everything, holding, seen = [b.code for b in cert.blocs], set(holders), set()
    later = ((n, []) for n in holders if n not in seen)  # holders with no bloc validated at this session
    for numero, blocs in itertools.chain(validated, later):  # one candidate at a time: thousands of credentials
        c = people[numero]
        seen.add(numero)
        holder = badges.Holder(nom=c.nom, prenom=c.prenom, numero=numero)
        made = badges.credentials_for(cert, holder, blocs, session.info.date, key)
        if numero in holding and len(set(blocs)) < len(everything):  # completed with blocs acquired before
            made += [(n, d) for n, d in badges.credentials_for(cert, holder, everything, session.info.date, key)
                     if n.endswith("-certification.json")]
        for name, data in made:
            yield f"badges/{name}", data
