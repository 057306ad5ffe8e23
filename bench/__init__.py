"""`make bench`: timings of dossier's builds, written into BENCHMARKS.md."""
