"""`dossier diff`: two versions of a référentiel compared, the changelog written, the correspondances proposed."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import DossierError
from ..text import plural
from ..versions.match import SEUIL
from .common import csv_choice, echo, find_sources

FORMATS = ("html", "pdf", "docx", "json")


class Threshold(click.ParamType):
    """A likeness from 0,05 to 1, written with a point or a comma."""

    name = "nombre"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            number = -1.0
        if not 0.05 <= number <= 1:
            self.fail(f"« {value} » : un nombre de 0,05 à 1 est attendu (par exemple 0,6)", param, ctx)
        return number


@click.command(name="diff")
@click.argument("ancienne", required=False, metavar="[ANCIENNE]")
@click.argument("nouvelle", required=False, metavar="[NOUVELLE]")
@click.option("--depuis", metavar="RÉVISION", default=None,
              help="La version précédente est cette révision git des sources (étiquette, branche, commit) : git:RÉVISION.")
@click.option("--seuil", type=Threshold(), default=SEUIL, show_default=True, metavar="NOMBRE",
              help="Ressemblance (de 0 à 1 : part pondérée des mots en commun) à partir de laquelle deux compétences "
              "sont rapprochées et justifient une correspondance.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("build") / "evolutions", show_default=True,
              metavar="DOSSIER", help="Où écrire les évolutions du référentiel.")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, callback=csv_choice(FORMATS), metavar="LISTE",
              help="Formats à écrire, séparés par des virgules (json : le même contenu, pour les outils).")
@click.option("--ecrire", is_flag=True,
              help="Proposer les correspondances dans certification.yaml de la nouvelle version (un dossier), à relire.")
@click.option("--force", is_flag=True,
              help="Avec --ecrire : remplacer aussi les correspondances écrites à la main sur les mêmes blocs.")
@click.option("--code", metavar="RNCPnnnnn", default=None,
              help="Code RNCP de la version précédente, s'il n'est ni dans ses sources ni dans renouvellement:.")
@click.pass_context
def diff_command(ctx: click.Context, ancienne: str | None, nouvelle: str | None, depuis: str | None, seuil: float, out: Path,
                 formats: tuple[str, ...], ecrire: bool, force: bool, code: str | None) -> None:
    """Comparer deux versions d'un référentiel : ce qui a changé, bloc par bloc, et les correspondances.

    Chaque version est un dossier de sources, une révision git des sources
    (git:v1.0, ou --depuis v1.0), ou une fiche de l'export open data
    (rncp:export.xml#RNCP36490). Sans version précédente nommée, celle que
    donne renouvellement.version_precedente dans certification.yaml. Les
    compétences sont rapprochées par identifiant, puis par texte (scissions et
    fusions comprises), chaque rapprochement avec sa ressemblance. Écrit les
    « Évolutions du référentiel » (HTML, PDF, DOCX) et leur JSON dans --out, et
    affiche les correspondances que les compétences en commun justifient ; avec
    --ecrire, les propose dans certification.yaml (marquées proposee: true,
    à relire ; une correspondance écrite à la main n'est remplacée qu'avec
    --force).

    Exemple : dossier diff --depuis v1.0 sources --ecrire
    """
    from ..importers.versions import open_version
    from ..pipeline.evolutions import write_changelog
    from ..versions.compare import compare

    quiet = ctx.obj.get("quiet")
    old_spec, new_spec = _specs(ctx, ancienne, nouvelle, depuis)
    folder = Path(new_spec) if not new_spec.startswith(("git:", "rncp:")) else None
    # the folder a bare git:RÉVISION reads: the new version's, else the one found here (when there is one)
    sources = folder if folder is not None else _here(ctx)
    new = open_version(new_spec, sources=sources)
    if old_spec is None:
        old_spec = new.certification.renouvellement.version_precedente
        if not old_spec:
            raise click.UsageError("indiquez la version précédente : dossier diff ANCIENNE [NOUVELLE], ou --depuis RÉVISION "
                                   "(ou renouvellement.version_precedente dans certification.yaml)", ctx)
        old = open_version(old_spec, sources=sources, base=new.folder)
    else:
        old = open_version(old_spec, sources=sources)
    if ecrire and new.folder is None:
        raise click.UsageError("--ecrire écrit dans un dossier de sources : la nouvelle version doit en être un", ctx)
    if force and not ecrire:
        raise click.UsageError("--force ne s'emploie qu'avec --ecrire", ctx)
    for v in (old, new):
        if v.errors:
            echo(f"Attention : {v.label} a {plural(v.errors, 'erreur')} dans ses sources (dossier check) ; la comparaison "
                 "peut manquer ce qu'elles cachent.", err=True)
    comparison = compare(old.certification, new.certification, seuil, old.label, new.label,
                         code or old.certification.code_rncp or new.certification.renouvellement.code)
    if not quiet:
        _show(comparison)
    written = write_changelog(comparison, new.certification, out, new.folder, formats) if formats else []
    if not quiet:
        for path in written:
            echo(f"écrit : {path}")
    if ecrire:
        _write(new.folder, comparison, force, quiet)


def _specs(ctx, ancienne: str | None, nouvelle: str | None, depuis: str | None) -> tuple[str | None, str]:
    if depuis is not None:
        if nouvelle is not None:
            raise click.UsageError("avec --depuis, nommez au plus la nouvelle version (un dossier de sources)", ctx)
        if not depuis.strip():
            raise click.UsageError("--depuis : indiquez une révision git (v1.0, main, HEAD~3)", ctx)
        return f"git:{depuis}", ancienne or str(find_sources(ctx))
    if ancienne is not None and nouvelle is None:
        return ancienne, str(find_sources(ctx))
    return ancienne, nouvelle or str(find_sources(ctx))


def _here(ctx) -> Path | None:
    try:
        return find_sources(ctx)
    except click.UsageError:
        return None


def _show(c) -> None:
    from ..documents.evolutions import KINDS, STATUS, Version

    echo(f"Version précédente : {Version('', c.old).label}")
    echo(f"Nouvelle version : {Version('', c.new).label}")
    counts = c.counts()
    if not c.changed:
        echo("\nAucune différence.")
    else:
        echo("\n" + " ; ".join(f"{label} : {counts[k]}" for k, label in KINDS.items() if counts[k]) + ".")
    for b in c.blocs:
        if not b.changes:
            continue
        title = f"Bloc {b.new}" if b.new else f"Ancien bloc {b.old}"
        echo(f"\n{title} — {b.intitule} ({STATUS[b.status]})")
        for change in b.changes:
            echo(f"  - {change.message}")
    if c.proposals:
        echo(f"\nCorrespondances justifiées par les compétences en commun{f' (avec {c.fiche})' if c.fiche else ''} :")
        for p in c.proposals:
            olds = ", ".join(p.blocs_fiche)
            news = ", ".join(p.blocs) or "aucun bloc"
            echo(f"  {olds} → {news} : {p.type}" + (f" — {p.notes}" if p.notes else ""))


def _write(folder: Path, comparison, force: bool, quiet: bool) -> None:
    from ..importers.correspondances import propose_into
    from ..importers.update import write
    from .common import echo_diagnostic

    done = propose_into(folder, comparison, force)
    update = done.update
    if update.new_errors():
        echo("Après ces changements, dossier check trouverait :")
        for diag in update.new_errors():
            echo_diagnostic(diag)
        raise DossierError(f"ces correspondances donneraient {plural(len(update.new_errors()), 'erreur')} : rien n'a été écrit")
    for title, lines in (("ajoutées", done.added), ("remplacées", done.replaced), ("retirées (plus proposées)", done.removed)):
        if lines and not quiet:
            echo(f"Correspondances {title} : " + " ; ".join(lines))
    if done.kept:
        echo("Gardées telles que vous les avez écrites (--force pour les remplacer) : " + " ; ".join(done.kept))
    if not update.texts:
        if not quiet:
            echo(f"{folder}/certification.yaml est déjà à jour.")
        return
    for path in write(update):
        if not quiet:
            echo(f"écrit : {path} (à relire : retirez « proposee: true » de chaque correspondance vérifiée)")
