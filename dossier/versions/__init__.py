"""Two versions of a référentiel: which competence became which, what changed bloc by bloc, and the
correspondances between their blocs that the shared competences justify.

Everything here works on two models (sources/model.py) and returns frozen data; reading a version
from a folder, a git revision or the open data is the importers' job (importers/versions.py), and
the documents made from a comparison are views like any other (documents/evolutions.py).
"""
