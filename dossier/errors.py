"""The error tree: what a user can cause ends as one clear message and exit 1.

So does what their machine causes: a read-only or full disk, a file where a
folder should be, a port already taken. `environment_error()` says each one in
French with what to do; nothing of the kind is reported as an internal error.
"""

from __future__ import annotations

import errno

import click

from .text import printable


class DossierError(click.ClickException):
    """A problem the user can fix; printed without a traceback, exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(printable(f"Erreur : {self.format_message()}"), err=True, file=file)


class SourceError(DossierError):
    """The sources have errors; they were printed already, this is the count."""


class MachineError(DossierError):
    """The machine refused something (disk, rights, port): not the sources, not a bug."""


_ADVICE = {
    errno.EACCES: "droits insuffisants : donnez-vous les droits sur ce dossier, ou choisissez-en un autre (--out)",
    errno.EPERM: "opération refusée par le système : vérifiez les droits, ou choisissez un autre dossier (--out)",
    errno.EROFS: "le disque est en lecture seule : choisissez un dossier de sortie sur un disque inscriptible (--out)",
    errno.ENOSPC: "plus de place sur le disque : libérez-en puis relancez (les fichiers déjà construits sont intacts)",
    errno.EDQUOT: "quota du disque atteint : libérez de la place puis relancez (les fichiers déjà construits sont intacts)",
    errno.ENOTDIR: "un fichier se trouve là où un dossier est attendu : déplacez-le, ou choisissez un autre dossier (--out)",
    errno.EISDIR: "un dossier se trouve là où un fichier est attendu : déplacez-le ou supprimez-le",
    errno.EEXIST: "un fichier existe déjà là où un dossier est attendu : déplacez-le, ou choisissez un autre dossier (--out)",
    errno.ENOENT: "introuvable (supprimé pendant l'opération ?) : relancez",
    errno.ENAMETOOLONG: "nom de fichier trop long : choisissez un dossier au chemin plus court",
    errno.EMFILE: "trop de fichiers ouverts : relancez avec moins de processus (--jobs 1)",
    errno.ENFILE: "trop de fichiers ouverts sur la machine : relancez plus tard, ou avec --jobs 1",
    errno.EIO: "erreur de lecture ou d'écriture du disque : vérifiez le disque",
    errno.EFBIG: "fichier trop gros pour ce disque",
    errno.EBUSY: "fichier ou dossier occupé par un autre programme : fermez-le puis relancez",
    errno.ETXTBSY: "fichier occupé par un autre programme : fermez-le puis relancez",
    errno.ELOOP: "lien symbolique qui renvoie à lui-même (boucle) : corrigez-le",
    errno.EADDRINUSE: "le port est déjà utilisé par un autre programme : choisissez-en un autre (--port)",
    errno.EADDRNOTAVAIL: "adresse locale indisponible",
}


def environment_error(exc: OSError, path: object = None) -> MachineError:
    """The machine's refusal `exc` as a user error: where, what happened, what to do."""
    where = path if path is not None else (exc.filename or "")
    advice = _ADVICE.get(exc.errno) or f"{exc.strerror or exc} : vérifiez le disque et les droits, puis relancez"
    return MachineError(f"{where} : {advice}" if where else advice)
