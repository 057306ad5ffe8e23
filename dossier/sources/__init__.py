"""Files → model + diagnostics: the YAML read with the place of every value, the field specs,
the handbook's Markdown, the candidates' CSV. Nothing here stops at the first problem."""
