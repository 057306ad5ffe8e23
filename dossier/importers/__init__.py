"""Importers: an existing référentiel (Word table, RNCP open data) → a sources folder."""
