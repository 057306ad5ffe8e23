"""`dossier badges`: the signing key, a credential for one holder, and checking a credential's signature."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import click

from ..checks import check
from ..errors import DossierError, SourceError
from .common import print_report, sources_argument, tally


@click.group(name="badges")
def badges_group() -> None:
    """Open Badges 3.0 : la clé de signature du certificateur, un badge pour un titulaire, la vérification d'un badge.

    Les badges de chaque bloc et de la certification (les « achievements ») sont publiés avec le
    site, dans badges/ ; un badge délivré à une personne (« credential ») contient ses données :
    il se garde hors du site, lisible par vous seul.

    Exemple : dossier badges verifier badge-dupont-bc01.json
    """


@badges_group.command(name="cle")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
def badges_cle(fichier: Path) -> None:
    """Créer une clé de signature Ed25519 (fichier PEM lisible par vous seul).

    La clé signe les badges délivrés (preuve Data Integrity « eddsa-rdfc-2022 »,
    celle qu'Open Badges 3.0 certifie). Gardez-la hors du dossier des sources et de
    tout site publié ; une clé existante n'est jamais remplacée. La commande affiche la
    clé publique, à publier par exemple sur le site du certificateur.

    Exemple : dossier badges cle ~/cles/certificateur-ed25519.pem
    """
    from ..exporters import integrity
    from ..pipeline.write import write_new

    try:
        write_new(fichier, integrity.new_key_pem())
    except FileExistsError as exc:
        raise DossierError(f"{fichier} existe déjà : une clé n'est jamais remplacée ; choisissez un autre nom") from exc
    except OSError as exc:
        raise DossierError(f"{fichier} : écriture impossible ({exc.strerror})") from exc
    public = integrity.public_multibase(integrity.load_key(fichier).public_key())
    click.echo(f"Clé écrite dans {fichier} (lisible par vous seul).")
    click.echo(f"Clé publique : {public}")


@badges_group.command(name="emettre")
@sources_argument
@click.option("--bloc", metavar="CODE", default="", help="Le bloc validé (BC01) ; sans --bloc : la certification entière.")
@click.option("--nom", required=True, metavar="NOM", help="Nom du titulaire.")
@click.option("--prenom", default="", metavar="PRÉNOM", help="Prénom(s) du titulaire.")
@click.option("--numero", default="", metavar="NUMÉRO", help="Numéro du candidat dans la session.")
@click.option("--courriel", default="", metavar="ADRESSE", help="Adresse électronique (écrite hachée dans le badge).")
@click.option("--date", "issued", required=True, type=click.DateTime(["%Y-%m-%d"]), metavar="AAAA-MM-JJ",
              help="Date de la décision du jury.")
@click.option("--cle", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier de la clé de signature (dossier badges cle) ; sans clé, le badge n'est pas signé.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER.json",
              help="Fichier du badge (lisible par vous seul : il contient des données personnelles).")
@click.pass_context
def badges_emettre(ctx: click.Context, folder: Path, bloc: str, nom: str, prenom: str, numero: str, courriel: str,
                   issued: dt.datetime, cle: Path | None, out: Path) -> None:
    """Délivrer un badge Open Badges 3.0 à un titulaire, pour un bloc validé ou pour la certification.

    Le badge (OpenBadgeCredential) est un Verifiable Credential W3C : il nomme le
    titulaire, le bloc ou la certification, le certificateur et la date ; signé avec
    --cle, il peut être vérifié par tout portefeuille ou plateforme qui lit Open Badges 3.0.

    Exemple : dossier badges emettre sources --bloc BC01 --nom Dupont --prenom Marie --date 2026-10-01 --cle cle.pem --out dupont-bc01.json
    """
    from ..exporters import badges
    from ..pipeline.write import write_atomic

    checked = check(folder)
    if checked.failed(False):
        print_report(checked, ctx.obj["quiet"], with_summary=False)
        raise SourceError(f"sources non conformes : {tally(checked)} ; aucun badge délivré")
    cert = checked.certification
    target = None
    if bloc:
        target = next((b for b in cert.blocs if bloc.upper() in (b.code, b.code[-4:])), None)
        if target is None:
            raise click.BadParameter(f"bloc « {bloc} » inconnu ; blocs : {', '.join(b.code for b in cert.blocs)}", param_hint="--bloc")
    if cle is not None:
        warn_if_readable(cle)
    holder = badges.Holder(nom=nom, prenom=prenom, numero=numero, courriel=courriel)
    document = badges.credential(holder, badges.achievement(cert, target), issued.date(), cle)
    write_atomic(out, badges.dumps(document), mode=0o600)
    if not ctx.obj["quiet"]:
        click.echo(f"Badge {'signé' if cle else 'non signé'} écrit dans {out} (lisible par vous seul).")


@badges_group.command(name="verifier")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
def badges_verifier(fichier: Path) -> None:
    """Vérifier la signature d'un badge Open Badges 3.0 (preuve Data Integrity eddsa-rdfc-2022).

    Recalcule la forme canonique du badge (sans réseau : les contextes JSON-LD sont
    dans l'outil) et vérifie la signature avec la clé publique qu'il nomme. Code de
    sortie 0 si la signature est valide, 1 sinon (badge modifié, autre clé, non signé).

    Exemple : dossier badges verifier dupont-bc01.json
    """
    from ..exporters import integrity

    try:
        document = json.loads(fichier.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DossierError(f"{fichier} : lecture impossible ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DossierError(f"{fichier} : ce n'est pas un fichier JSON ({exc})") from exc
    result = integrity.verify(document)
    if not result.ok:
        raise DossierError(f"{fichier} : {result.message}")
    click.echo(f"{fichier} : {result.message}")
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    click.echo(f"Émetteur : {issuer.get('name') or issuer.get('id') if isinstance(issuer, dict) else issuer}")
    click.echo(f"Badge : {achievement.get('name', '?') if isinstance(achievement, dict) else '?'} — valable à partir du {document.get('validFrom', '?')}")


def warn_if_readable(path: Path) -> None:
    """A key file others can read is a key others may have copied."""
    try:
        if os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            click.echo(f"Attention : {path} est lisible par d'autres utilisateurs (chmod 600 {path}).", err=True)
    except OSError:
        pass
