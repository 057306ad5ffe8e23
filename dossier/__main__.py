"""The `dossier` command's entry point (and `python -m dossier`).

Importing the tool makes some hundred thousand objects (modules, classes, the
checks' lexicons) that live as long as the process. Python's cycle collector
would run during the imports (most collections of a short command happen
there) and then scan them again at every full collection while the sources are
read and the documents made: at 20× the example, 0.16 s of an edit's 1.9 s of
CPU went to the collector, about 0.06 s less with this. So the collector is
off while importing, and what the imports made is then set aside for good
(`gc.freeze`), which also keeps those pages shared with the workers the build
forks. Nothing else changes: the collector runs at its usual pace afterwards.
The command's own module, imported when click looks the command up (`cli.Commands`),
is imported the same way.

WeasyPrint, imported only by the commands that lay out a PDF, then loads its
C libraries the quick way (`render/libraries.py`).
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    try:
        from .render import libraries

        libraries.install()
        from .cli import main as command
    finally:
        gc.enable()
    gc.freeze()
    command()


if __name__ == "__main__":  # pragma: no cover
    main()
