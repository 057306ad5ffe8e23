"""Where the parts of long PDFs are kept between builds (see render/pdf_parts.py).

`FolderPartCache` keeps each part as <key>.pdf and <key>.json in the build's
cache folder, one folder per output; `MemoryPartCache` keeps them for one run
only. A kept part is used again only if its bytes still match the SHA-256
noted beside it (a build killed while writing leaves nothing usable) and the
files its layout loaded (a logo, an image or font named in the styles) are
unchanged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..render.pdf_layout import fetched_unchanged
from .write import write_atomic

CACHE_DIR = ".dossier-cache"  # under the build folder


class MemoryPartCache:
    def __init__(self) -> None:
        self._parts: dict[str, tuple[bytes, dict]] = {}

    def get(self, key: str):
        kept = self._parts.get(key)
        return kept if kept is not None and fetched_unchanged(kept[1]) else None

    def put(self, key: str, data: bytes, meta: dict):
        self._parts[key] = (data, meta)
        return data

    def keep_only(self, keys: set[str]) -> None:
        for key in set(self._parts) - keys:
            del self._parts[key]


class FolderPartCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def get(self, key: str):
        pdf, meta = self.folder / f"{key}.pdf", self.folder / f"{key}.json"
        try:
            kept = json.loads(meta.read_text("utf-8"))
            if kept.get("sha256") != hashlib.sha256(pdf.read_bytes()).hexdigest():
                return None  # damaged, or half-written by a build that was killed: laid out again
            if not fetched_unchanged(kept):
                return None  # an image or font it loads has changed
            return str(pdf), kept
        except (OSError, ValueError, AttributeError):
            return None

    def put(self, key: str, data: bytes, meta: dict):
        meta = {**meta, "sha256": hashlib.sha256(data).hexdigest()}
        write_atomic(self.folder / f"{key}.pdf", data)
        write_atomic(self.folder / f"{key}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        return str(self.folder / f"{key}.pdf")

    def keep_only(self, keys: set[str]) -> None:
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix in (".pdf", ".json") and path.stem not in keys:
                path.unlink(missing_ok=True)


def output_folder(cache: Path, output_path: Path) -> Path:
    """Where the parts of one output are kept (each output forgets its own old parts)."""
    return Path(cache) / Path(output_path).with_suffix("").as_posix().replace("/", "--")


def prune(cache: Path, output_paths) -> None:
    """Forget the parts of outputs a full build no longer makes (a renamed certification…)."""
    if not Path(cache).is_dir():
        return
    keep = {output_folder(cache, p).name for p in output_paths}
    for folder in Path(cache).iterdir():
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
