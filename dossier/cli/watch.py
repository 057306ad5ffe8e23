"""`dossier suivre`: the documents asked for, rebuilt at each save (see pipeline/watch.py)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..documents import DOCUMENTS, FORMATS
from ..errors import DossierError
from ..pipeline.options import TARGETS, BuildOptions
from ..sources.diagnostics import Severity
from ..text import plural
from .common import csv_choice, echo, echo_diagnostic, jobs_option, out_option, seconds, sources_argument

DEFAULT_ONLY = ("referentiel",)
DEFAULT_FORMATS = ("pdf",)
SHOWN = 3  # files named on a rebuild's line; beyond, a count


class _Diagnostics:
    """Each round's problems: errors every time, warnings the first time they appear (an edit's new
    warning is seen; the hundreds already there are not printed again at every save)."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet, self.verbose = quiet, verbose
        self.seen: set[str] = set()

    def __call__(self, checked, round_: int) -> None:
        now = set()
        for diag in checked.report.sorted():
            if diag.severity == Severity.INFO and not self.verbose:
                continue
            line = diag.headline()
            now.add(line)
            if diag.severity == Severity.ERROR or line not in self.seen:
                echo_diagnostic(diag)
        self.seen = now


def _names(paths: list[Path], out: Path) -> str:
    rel = [str(p.relative_to(out)) if p.is_relative_to(out) else str(p) for p in paths]
    more = f" et {plural(len(rel) - SHOWN, 'autre')}" if len(rel) > SHOWN else ""
    return ", ".join(rel[:SHOWN]) + more


def _line(done, out: Path, quiet: bool) -> None:
    """One line per rebuild: what was rebuilt and how long it took, or why nothing was."""
    at = time.strftime("%H:%M:%S")
    if done.problem:
        echo(f"{at} — reconstruction impossible : {done.problem} ; les derniers fichiers restent en place.", err=True)
    elif done.refused:
        errors, warnings, infos = done.counts
        counts = f"{plural(errors, 'erreur')}, {plural(warnings, 'avertissement')}, {plural(infos, 'info')}"
        echo(f"{at} — sources non conformes ({counts}) : rien n'est reconstruit, les derniers "
             "fichiers restent en place. Corrigez puis enregistrez.", err=True)
    elif quiet:
        return
    elif not done.written:
        echo(f"{at} — rien à refaire : {plural(done.up_to_date, 'fichier')} à jour ({seconds(done.seconds)}).")
    else:
        draft = " (BROUILLON)" if done.blocked else ""
        echo(f"{at} — refait en {seconds(done.seconds)} : {_names(done.written, out)}{draft}.")


@click.command(name="suivre")
@sources_argument
@out_option
@click.option("--only", metavar="LISTE", callback=csv_choice(TARGETS),
              help="Documents à refaire, séparés par des virgules (par défaut : referentiel) : " + ", ".join(TARGETS) + ".")
@click.option("--format", "formats", metavar="LISTE", callback=csv_choice(FORMATS),
              help="Formats, séparés par des virgules (par défaut : pdf) : " + ", ".join(FORMATS) + ".")
@jobs_option
@click.pass_context
def watch_command(ctx, folder: Path, out: Path, only, formats, jobs) -> None:
    """Refaire un document à chaque enregistrement des sources, en quelques instants.

    Construit d'abord les documents demandés (par défaut le référentiel en
    PDF), puis surveille les sources et les gabarits : à chaque enregistrement,
    seul ce qui a changé est refait, par un programme resté en mémoire (il
    n'a pas à se relancer, ni à recharger le moteur PDF et les polices). Une
    ligne dit ce qui a été refait et en combien de temps. Une erreur dans les
    sources s'affiche, et le dernier PDF réussi reste en place jusqu'à la
    correction. Ctrl-C pour arrêter.

    Exemple : dossier suivre sources --only referentiel,livret
    """
    from ..pipeline.build import MANAGED
    from ..pipeline.owned import refuse_out
    from ..pipeline.watch import Follower, stop_on_sigterm

    if not Path(folder).is_dir():  # nothing to watch: said at once, not at every look
        raise DossierError(f"{folder} : dossier de sources introuvable")
    refuse_out(out, sources=folder, managed=MANAGED)  # an output folder no build could use: said at once
    quiet = ctx.obj["quiet"]
    options = BuildOptions(only or DEFAULT_ONLY, formats or DEFAULT_FORMATS, jobs=jobs)
    follower = Follower(folder, out, options, _Diagnostics(quiet, ctx.obj["verbose"]))
    if not quiet:
        names = ", ".join(DOCUMENTS[o].label if o in DOCUMENTS else o for o in options.only)
        echo(f"Suivi de {folder}/ : {names} ({', '.join(f.upper() for f in options.formats)}) refait à chaque "
             f"enregistrement, dans {out}/ — Ctrl-C pour arrêter.")
    stop_on_sigterm()
    try:
        follower.follow(lambda done: _line(done, Path(out), quiet))
    except KeyboardInterrupt:
        if not quiet:
            echo("Arrêt.")
