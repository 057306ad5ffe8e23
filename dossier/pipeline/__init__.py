"""The build: one options object, the plan of files, the incremental state, the process pool,
the one function that writes files; the session's grids and the preview server."""
