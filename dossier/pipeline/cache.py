"""Where the parts of long PDFs are kept between builds (see render/pdf_parts.py).

`FolderPartCache` keeps each part as <key>.pdf and <key>.json in the build's
cache folder, one folder per output, and the full font files the parts name
in one `polices` folder shared by every output; `MemoryPartCache` keeps them
for one run only. A kept part is used again only if its bytes still match the
SHA-256 noted beside it (a build killed while writing leaves nothing usable),
the files its layout loaded (a logo, an image or font named in the styles) are
unchanged, and the fonts it names are there.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..render.pdf_fonts import Source
from ..render.pdf_layout import fetched_unchanged
from .write import write_atomic

CACHE_DIR = ".dossier-cache"  # under the build folder
FONTS_DIR = "polices"  # under the cache folder: the full fonts, by SHA-256


class MemoryPartCache:
    def __init__(self) -> None:
        self._parts: dict[str, tuple[bytes, dict]] = {}
        self._fonts: dict[str, bytes] = {}

    def get(self, key: str):
        kept = self._parts.get(key)
        return kept if kept is not None and fetched_unchanged(kept[1]) else None

    def put(self, key: str, data: bytes, meta: dict):
        self._parts[key] = (data, meta)
        return data

    def keep_only(self, keys: set[str]) -> None:
        for key in set(self._parts) - keys:
            del self._parts[key]

    def font_files(self) -> dict[str, bytes]:
        return dict(self._fonts)

    def put_font(self, sha: str, data: bytes) -> None:
        self._fonts[sha] = data


class FolderPartCache:
    def __init__(self, folder: Path, fonts: Path) -> None:
        self.folder = Path(folder)
        self.fonts = Path(fonts)
        self._checked: dict[str, bool] = {}  # font SHA-256 -> the file is there and intact

    def get(self, key: str):
        pdf, meta = self.folder / f"{key}.pdf", self.folder / f"{key}.json"
        try:
            kept = json.loads(meta.read_text("utf-8"))
            if kept.get("sha256") != hashlib.sha256(pdf.read_bytes()).hexdigest():
                return None  # damaged, or half-written by a build that was killed: laid out again
            if not fetched_unchanged(kept):
                return None  # an image or font it loads has changed
            if not all(self._font_intact(Source.from_json(font).sha) for font in kept.get("fonts", {}).values()):
                return None  # a font file it names is gone: laid out again, which brings it back
            return str(pdf), kept
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
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

    def font_files(self) -> dict[str, str]:
        if not self.fonts.is_dir():
            return {}
        return {p.stem: str(p) for p in sorted(self.fonts.glob("*.font")) if self._font_intact(p.stem)}

    def put_font(self, sha: str, data: bytes) -> None:
        path = self.fonts / f"{sha}.font"
        if not self._font_intact(sha):
            write_atomic(path, data)
            self._checked[sha] = True

    def _font_intact(self, sha: str) -> bool:
        """Checked once per build: a font file is read whole only the first time it is asked about."""
        if sha not in self._checked:
            try:
                self._checked[sha] = hashlib.sha256((self.fonts / f"{sha}.font").read_bytes()).hexdigest() == sha
            except OSError:
                self._checked[sha] = False
        return self._checked[sha]


def output_folder(cache: Path, output_path: Path) -> Path:
    """Where the parts of one output are kept (each output forgets its own old parts)."""
    return Path(cache) / Path(output_path).with_suffix("").as_posix().replace("/", "--")


def part_cache(cache: Path, output_path: Path) -> FolderPartCache:
    """The kept parts of one output, with the fonts every output shares."""
    return FolderPartCache(output_folder(cache, output_path), Path(cache) / FONTS_DIR)


def prune(cache: Path, output_paths) -> None:
    """Forget the parts of outputs a full build no longer makes (a renamed certification…),
    and the fonts no kept part names."""
    if not Path(cache).is_dir():
        return
    keep = {output_folder(cache, p).name for p in output_paths}
    named: set[str] = set()
    for folder in Path(cache).iterdir():
        if not folder.is_dir() or folder.name == FONTS_DIR:
            continue
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        for meta in folder.glob("*.json"):
            try:
                named |= {font["sha"] for font in json.loads(meta.read_text("utf-8")).get("fonts", {}).values()}
            except (OSError, ValueError, AttributeError, KeyError, TypeError):
                continue
    fonts = Path(cache) / FONTS_DIR
    if fonts.is_dir():
        for path in fonts.glob("*.font"):
            if path.stem not in named:
                path.unlink(missing_ok=True)
