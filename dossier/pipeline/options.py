"""A build's options, as one frozen object with the key its incremental state is kept under."""

from __future__ import annotations

from dataclasses import dataclass

from ..documents import DOCUMENTS

SITE = "site"  # the published site, under build/site/
BUNDLE = "dossier"  # the bundle to file with France compétences, under build/dossier/
TARGETS = (*DOCUMENTS, SITE, BUNDLE)  # what --only may name


@dataclass(frozen=True)
class BuildOptions:
    """What a build is asked for; `key` names the options that shape its outputs."""

    only: tuple[str, ...] = ()  # documents (and site, dossier) to make; all when empty
    formats: tuple[str, ...] = ()  # formats to make; all when empty
    brouillon: bool = False  # build despite errors; every page says BROUILLON; no bundle
    bloc: str = ""  # one bloc's handbook and grids
    strict: bool = False  # warnings count as errors
    jobs: int | None = None  # processes (default: one per core)
    force: bool = False  # make everything again, the kept parts of long PDFs too
    gros_caracteres: bool = False  # the large-print handbook too

    @property
    def key(self) -> str:
        return repr((sorted(self.only), sorted(self.formats), self.brouillon, self.bloc, self.strict, self.gros_caracteres))

    @property
    def full(self) -> bool:
        """Everything, in every format, for the whole certification."""
        return not self.only and not self.formats and not self.bloc
