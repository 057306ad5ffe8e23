"""`dossier gabarits`: list the templates, and copy one into the project to restyle it."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from ..errors import DossierError
from ..render.templates import PACKAGE_TEMPLATES
from .common import echo, sources_argument


def package_templates() -> list[str]:
    """The default templates, as paths relative to the templates folder (html/…, docx/…)."""
    return sorted(
        p.relative_to(PACKAGE_TEMPLATES).as_posix()
        for p in PACKAGE_TEMPLATES.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


def find_template(name: str) -> str:
    """The one default template a name designates: « referentiel.html », « site/index.html », « docx/livret.docx »."""
    names = package_templates()
    if name in names:
        return name
    matches = [n for n in names if n.endswith("/" + name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise DossierError(f"« {name} » désigne plusieurs gabarits : {', '.join(matches)} ; précisez lequel")
    raise DossierError(f"gabarit « {name} » inconnu ; la liste : dossier gabarits")


@click.group(name="gabarits", invoke_without_command=True)
@click.pass_context
def templates_group(ctx: click.Context) -> None:
    """Les gabarits des documents : les lister, en copier un dans le projet pour le modifier.

    Les gabarits de l'outil ne se modifient pas : copiez celui que vous voulez
    changer dans le dossier templates/ de vos sources, où il prend le pas sur
    celui de l'outil. Sans sous-commande : la liste, pour le dossier « sources ».

    Exemple : dossier gabarits copier referentiel.html
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command, folder=Path("sources"))


@templates_group.command(name="liste")
@sources_argument
def list_command(folder: Path) -> None:
    """Lister les gabarits, et ceux que le projet a déjà remplacés.

    Exemple : dossier gabarits liste sources
    """
    own = Path(folder) / "templates"
    for name in package_templates():
        mark = "  (remplacé par le projet)" if (own / name).is_file() else ""
        echo(f"{name}{mark}")
    echo(f"\nGabarits du projet : {own}/ ; pour en modifier un : dossier gabarits copier NOM {folder}")


@templates_group.command(name="copier")
@click.argument("name", metavar="NOM")
@sources_argument
@click.option("--force", is_flag=True, help="Remplacer la copie du projet si elle existe déjà.")
def copy_command(name: str, folder: Path, force: bool) -> None:
    """Copier un gabarit de l'outil dans le projet (DOSSIER/templates/), pour le modifier.

    Le gabarit copié prend le pas sur celui de l'outil à la construction
    suivante. Un gabarit Word (.docx) se modifie dans Word ; un gabarit HTML
    ou CSS, dans un éditeur de texte.

    Exemple : dossier gabarits copier referentiel.html sources
    """
    if not Path(folder).is_dir():
        raise DossierError(f"{folder} : dossier de sources introuvable")
    relative = find_template(name)
    target = Path(folder) / "templates" / relative
    if target.exists() and not force:
        raise DossierError(f"{target} existe déjà : c'est votre copie ; --force pour la remplacer par celle de l'outil")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACKAGE_TEMPLATES / relative, target)
    echo(f"copié : {target} — modifiez-le ; il remplace celui de l'outil à la prochaine construction.")
