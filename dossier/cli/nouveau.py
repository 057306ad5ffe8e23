"""`dossier nouveau`: a new project, asked for in French or given by flags."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from ..checks import check
from ..checks.depot import pending
from ..checks.fiche import siret_valide
from ..text import plural
from .common import DEFAULT_SOURCES as SOURCES
from .common import echo


def _siret(ctx, param, value: str) -> str:
    value = "".join((value or "").split())
    if value and not (re.fullmatch(r"\d{14}", value) and siret_valide(value)):
        raise click.BadParameter("14 chiffres, dont le dernier est une clé de contrôle : vérifiez-le (ou laissez vide)")
    return value


NIVEAU = click.IntRange(3, 8)


def _ask(text: str, **options):
    """A question in French: « Niveau (3 à 8) : », asked again until the answer is valid."""
    return click.prompt(text, prompt_suffix=" : ", **options)


def _today() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


@click.command(name="nouveau")
@click.argument("folder", type=click.Path(path_type=Path), metavar="DOSSIER")
@click.option("--intitule", metavar="TEXTE", help="Intitulé de la certification.")
@click.option("--niveau", type=NIVEAU, metavar="3-8", help="Niveau du cadre national (3 à 8).")
@click.option("--certificateur", metavar="NOM", help="Raison sociale du certificateur.")
@click.option("--siret", default="", callback=_siret, metavar="SIRET", help="SIRET du certificateur (14 chiffres).")
@click.option("--version", "version", default="1.0", show_default=True, metavar="VERSION", help="Version du référentiel.")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="AAAA-MM-JJ",
              help="Date de la version (par défaut : aujourd'hui).")
@click.pass_context
def nouveau_command(ctx, folder: Path, intitule: str, niveau: int, certificateur: str, siret: str, version: str, date) -> None:
    """Créer un projet : la fiche, un bloc modèle et les chapitres de règles du livret à adapter.

    Demande l'intitulé, le niveau, le certificateur et son SIRET, la version
    (ou les prend des options, pour un script). Ce qui n'est pas encore connu
    est provisoire et noté comme tel (a_adapter:), les chapitres du livret
    (handicap, recours, rattrapage, fraude) sont des modèles marqués « à
    adapter » : dossier check --depot liste tout ce qui reste à faire, et le
    dossier de dépôt n'est construit qu'une fois tout complété. Les sources
    vont dans DOSSIER/sources/ : dans DOSSIER, « dossier check » et
    « dossier build » les trouvent seules, et build/ se fait à côté.

    Exemple : dossier nouveau mon-titre --intitule "Gestionnaire de paie" --niveau 5 --certificateur "Mon école" --siret 73282932000074
    """
    from ..importers.nouveau import Fiche, create

    intitule = intitule or _ask("Intitulé de la certification")
    niveau = niveau or _ask("Niveau (3 à 8)", type=NIVEAU)
    certificateur = certificateur or _ask("Certificateur (raison sociale)")
    if sys.stdin.isatty():  # asked for in a terminal only: a script gives what it knows, the rest keeps its default
        if ctx.get_parameter_source("siret") == ParameterSource.DEFAULT:
            siret = _ask("SIRET du certificateur (14 chiffres, vide si inconnu)", default="", show_default=False,
                         value_proc=lambda v: _siret(ctx, None, v))
        if ctx.get_parameter_source("version") == ParameterSource.DEFAULT:
            version = _ask("Version du référentiel", default=version)
    fiche = Fiche(" ".join(intitule.split()), niveau, " ".join(certificateur.split()), siret, version.strip() or "1.0",
                  date.date() if date else _today())
    create(folder / SOURCES, fiche)
    if ctx.obj["quiet"]:
        return
    checked = check(folder / SOURCES)
    echo(f"Projet créé dans {folder}/ : {SOURCES}/certification.yaml, {SOURCES}/blocs/bc01.yaml (un bloc modèle), {SOURCES}/livret/ "
         f"(4 chapitres de règles à adapter) ; {plural(len(pending(checked.report)), 'élément')} à compléter avant dépôt.")
    echo("La suite :")
    echo(f"  dossier import docx REFERENTIEL.docx --dans {folder}   vos blocs depuis un tableau Word (ou éditez {SOURCES}/blocs/)")
    echo(f"  cd {folder}")
    echo("  dossier check --depot    ce qui reste à compléter, fichier par fichier")
    echo("  dossier build            les documents, dans build/ (BROUILLON tant qu'il reste à compléter)")
