"""The version of the tool (in the state and cache keys, and `dossier --version`)."""

__version__ = "0.1.0"
