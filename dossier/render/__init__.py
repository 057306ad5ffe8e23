"""Renderers: one module per format; each returns bytes and writes nothing."""
