"""An existing référentiel → a sources folder: a Word table, France compétences' open data, a CASE package."""
