"""dossier: a certification's référentiel, from checked sources to every document."""

__version__ = "0.1.0"
