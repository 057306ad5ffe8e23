"""The national export's index, kept on disk: built once per export, then read in milliseconds.

Building streams the export (sources/rncp_export.py) and, for every bloc of
every fiche, keeps the hashes winnowing selects (checks/passages.py) with the
bloc's number. The pairs go to 256 bucket files as they come, so memory stays
flat whatever the export's size; each bucket is then sorted on its own and the
buckets are laid end to end into `index.bin` (hashes, then bloc numbers).
Looking a hash up is a binary search in the memory-mapped file. The blocs'
texts (compressed) and the fiches' numbers, titles and versions are kept beside
it, to compare the candidates word for word and to name them.

The index lives in the user's cache (`~/.cache/dossier/rncp-index/`), in a
folder named after the export's SHA-256 and the shingle settings, written under
a temporary name and renamed when complete: an interrupted build leaves nothing
that could be read. The SHA-256 of a file already seen, with the same size and
modification time, is taken from `empreintes.json` instead of reading it again.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
import struct
import tempfile
import time
import zlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..checks.passages import HASH_VERSION, WordValues, shingle_hashes, winnow
from ..checks.reproduction import PublishedBloc
from ..errors import DossierError
from ..sources.rncp_export import Member, export_members, fiches, file_sha256
from ..text import word_list
from .write import write_atomic

FORMAT = 2  # bump when the files below change shape
BUCKETS = 256
_HELD = 1 << 18  # (hash, bloc) pairs held in memory before they go to the bucket files: 4 MB
_MAGIC = b"DOSSIDX2"
_PREFIXES = 1 << 16  # the directory: where the hashes of each first 16 bits start
_FILES = ("index.bin", "blocs.off", "blocs.dat", "fiches.off", "fiches.dat")
KEEP = 3  # indexes kept in the cache (the most recently used)


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dossier"


@dataclass(frozen=True)
class ExportId:
    """What an export is: its documents and one SHA-256 over them."""

    members: tuple[Member, ...]
    sha256: str
    size: int  # bytes read from disk (the .zip files' own sizes)


def identify(path: Path, cache: Path) -> ExportId:
    """The export's members and checksum; a file seen before with the same size and date is not read again."""
    members = tuple(export_members(path))
    known_file = cache / "rncp-index" / "empreintes.json"
    try:
        known = json.loads(known_file.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    parts, total, changed = [], 0, False
    for file in sorted({m.path for m in members}):
        stat = file.stat()
        key = str(file.resolve())
        seen = known.get(key)
        if isinstance(seen, list) and seen[:2] == [stat.st_size, stat.st_mtime_ns]:
            sha = seen[2]
        else:
            sha = file_sha256(file)
            known[key] = [stat.st_size, stat.st_mtime_ns, sha]
            changed = True
        inside = "\0".join(m.name for m in members if m.path == file)
        parts.append(f"{sha}\0{inside}\n")  # the content, not the file's name or place
        total += stat.st_size
    digest = hashlib.sha256("".join(sorted(parts)).encode())
    if changed:
        try:
            write_atomic(known_file, json.dumps(known, ensure_ascii=False, indent=0).encode("utf-8"))
        except OSError:
            pass  # a read-only cache: the checksum is computed again next time
    return ExportId(members, digest.hexdigest(), total)


class ExportIndex:
    """An index opened for reading: hashes → bloc numbers, blocs and fiches by number.

    Everything is read with pread, a few hundred bytes at a time: memory does not
    grow with the export (a memory map would count every page a search touches).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta = json.loads((folder / "meta.json").read_text("utf-8"))
        self._fds = {name: os.open(folder / name, os.O_RDONLY) for name in _FILES}
        head = os.pread(self._fds["index.bin"], 16, 0)
        if head[:8] != _MAGIC:
            self.close()
            raise DossierError(f"{folder} : index abîmé (effacez ce dossier)")
        (self._count,) = struct.unpack_from("<Q", head, 8)
        self._directory = self._array("Q", "index.bin", 16 + 12 * self._count, _PREFIXES + 1)

    def _array(self, code: str, name: str, offset: int, count: int) -> array:
        out = array(code)
        out.frombytes(os.pread(self._fds[name], count * out.itemsize, offset))
        return out

    @property
    def fiches(self) -> int:
        return self.meta["fiches"]

    @property
    def blocs(self) -> int:
        return self.meta["blocs"]

    def lookup(self, hashes: Iterable[int]) -> set[int]:
        """The blocs holding any of these hashes among their selected shingles."""
        found: set[int] = set()
        wanted: dict[int, set[int]] = {}
        for h in hashes:
            wanted.setdefault((h >> 48) + _PREFIXES // 2, set()).add(h)
        for prefix, group in sorted(wanted.items()):
            lo, hi = self._directory[prefix], self._directory[prefix + 1]
            if lo == hi:
                continue
            table = self._array("q", "index.bin", 16 + 8 * lo, hi - lo)
            for h in group:
                i = bisect.bisect_left(table, h)
                j = bisect.bisect_right(table, h, i)
                if j > i:
                    found.update(self._array("I", "index.bin", 16 + 8 * self._count + 4 * (lo + i), j - i))
        return found

    def _record(self, data: str, offsets: str, number: int) -> bytes:
        start, end = self._array("Q", offsets, 8 * number, 2)
        return os.pread(self._fds[data], end - start, start)

    def fiche(self, number: int) -> dict:
        return json.loads(self._record("fiches.dat", "fiches.off", number))

    def bloc(self, number: int) -> PublishedBloc:
        fiche, code, libelle, text = json.loads(zlib.decompress(self._record("blocs.dat", "blocs.off", number)))
        f = self.fiche(fiche)
        return PublishedBloc(f["numero"], f["intitule"], code, libelle, tuple(word_list(text)))

    def versions_of(self, codes: set[str]) -> set[str]:
        """The codes and every fiche linked to them as a former or a newer version, transitively."""
        own = {c for c in codes if c}
        while own:
            grown = set(own)
            with open(self.folder / "fiches.dat", "rb") as lines:
                for line in lines:
                    if any(code.encode() in line for code in own):
                        f = json.loads(line)
                        linked = {f["numero"], *f["anciennes"], *f["nouvelles"]}
                        if linked & own:
                            grown |= linked
            if grown == own:
                break
            own = grown
        return own

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds = {}

    def __enter__(self) -> ExportIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_index(
    export: Path, cache: Path, k: int, w: int, progress: Callable[[int], None] | None = None
) -> ExportIndex:
    """The index of an export, built first if the cache has none for this export and these settings."""
    cache = Path(cache)
    ident = identify(Path(export), cache)
    root = cache / "rncp-index"
    folder = root / f"{ident.sha256[:32]}-k{k}-w{w}-f{FORMAT}-{HASH_VERSION}"
    if not (folder / "meta.json").is_file():
        _build(ident, folder, k, w, progress)
        if progress is not None:
            progress(-1)  # done
    os.utime(folder)  # recently used: kept by the pruning below
    _prune(root, keep=folder)
    return ExportIndex(folder)


def _prune(root: Path, keep: Path) -> None:
    folders = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders:
        stale = old.name.startswith(".tmp-") and time.time() - old.stat().st_mtime > 24 * 3600
        if old != keep and (stale or (not old.name.startswith(".tmp-") and old in folders[KEEP:])):
            shutil.rmtree(old, ignore_errors=True)


class _Buckets:
    """(hash, bloc) pairs sorted out by their hash's first byte, each bucket to its own file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.held = [array("q") for _ in range(BUCKETS)]
        self.pending = 0
        self.count = 0

    def add(self, hashes: set[int], bloc: int) -> None:
        held = self.held
        for h in hashes:
            bucket = held[(h >> 56) + 128]  # signed hashes: the first byte, from -128 to 127
            bucket.append(h)
            bucket.append(bloc)
        self.count += len(hashes)
        self.pending += len(hashes)
        if self.pending >= _HELD:
            self._flush()

    def _flush(self) -> None:
        for b, pairs in enumerate(self.held):
            if pairs:
                with open(self.folder / f"b{b:03d}", "ab") as handle:
                    pairs.tofile(handle)
                self.held[b] = array("q")
        self.pending = 0

    def write_index(self, target: Path) -> None:
        """Sort each bucket and lay them end to end: magic, count, every hash, every bloc number, then
        the directory (for each 16-bit prefix, where its hashes start)."""
        ids_file = self.folder / "ids.tmp"
        directory = array("Q")
        done = 0
        with open(target, "wb") as out, open(ids_file, "wb") as ids_out:
            out.write(_MAGIC + struct.pack("<Q", self.count))
            for b in range(BUCKETS):
                pairs = array("q")
                path = self.folder / f"b{b:03d}"
                if path.exists():
                    with open(path, "rb") as handle:
                        pairs.frombytes(handle.read())
                    path.unlink()
                pairs.extend(self.held[b])
                self.held[b] = array("q")
                hashes, blocs = _sorted(pairs)
                hashes.tofile(out)
                blocs.tofile(ids_out)
                first = (b - BUCKETS // 2) << 56  # the bucket's prefixes, in order
                directory.extend(done + bisect.bisect_left(hashes, first + (p << 48)) for p in range(_PREFIXES // BUCKETS))
                done += len(hashes)
        directory.append(done)
        with open(target, "ab") as out, open(ids_file, "rb") as ids_in:
            shutil.copyfileobj(ids_in, out, 1 << 20)
            directory.tofile(out)
        ids_file.unlink()


_SMALL = 4096  # pairs sorted at once; a bigger bucket is first split by the hashes' second byte


def _sorted(pairs: array, split: bool = True) -> tuple[array, array]:
    """The hashes of (hash, bloc) pairs in order, and their blocs alike. A big bucket is split first by
    the hashes' second byte, so that sorting holds a few thousand Python integers at most: memory
    stays flat whatever the export's size."""
    if len(pairs) > 2 * _SMALL and split:
        parts = [array("q") for _ in range(256)]
        it = iter(pairs)
        for h, bloc in zip(it, it):
            part = parts[(h >> 48) & 0xFF]
            part.append(h)
            part.append(bloc)
        hashes, blocs = array("q"), array("I")
        for part in parts:
            h, b = _sorted(part, split=False)
            hashes.extend(h)
            blocs.extend(b)
        return hashes, blocs
    hashes, blocs = pairs[0::2], pairs[1::2]
    order = sorted(range(len(hashes)), key=hashes.__getitem__)
    return array("q", [hashes[i] for i in order]), array("I", [blocs[i] for i in order])


def _build(ident: ExportId, folder: Path, k: int, w: int, progress: Callable[[int], None] | None) -> None:
    """Read the whole export once and write the index folder, all at once or not at all."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        start = time.perf_counter()
        counts = _scan(ident.members, tmp, k, w, progress)
        meta = {
            "format": FORMAT, "sha256": ident.sha256, "k": k, "w": w, "octets": ident.size,
            "fichiers": [m.label for m in ident.members], "secondes": round(time.perf_counter() - start, 2), **counts,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "meta.json").is_file():  # not another process that finished first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _scan(members: Iterable[Member], tmp: Path, k: int, w: int, progress: Callable[[int], None] | None) -> dict:
    values = WordValues()
    buckets = _Buckets(tmp)
    fiche_no = bloc_no = 0
    big = 1 << 20
    with (
        open(tmp / "blocs.dat", "wb", buffering=big) as blocs, open(tmp / "blocs.off", "wb", buffering=big) as bloc_off,
        open(tmp / "fiches.dat", "wb", buffering=big) as fiches_out, open(tmp / "fiches.off", "wb", buffering=big) as fiche_off,
    ):
        for member in members:
            for fiche in fiches(member):
                fiche_off.write(struct.pack("<Q", fiches_out.tell()))
                record = {"numero": fiche.numero, "intitule": fiche.intitule, "anciennes": fiche.anciennes, "nouvelles": fiche.nouvelles}
                fiches_out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
                for bloc in fiche.blocs:
                    text = bloc.text
                    bloc_off.write(struct.pack("<Q", blocs.tell()))
                    blocs.write(zlib.compress(json.dumps([fiche_no, bloc.code, bloc.libelle, text], ensure_ascii=False).encode("utf-8"), 1))
                    buckets.add(winnow(shingle_hashes(values(word_list(text)), k), w), bloc_no)
                    bloc_no += 1
                fiche_no += 1
                if progress is not None and not fiche_no % 500:
                    progress(fiche_no)
        fiche_off.write(struct.pack("<Q", fiches_out.tell()))
        bloc_off.write(struct.pack("<Q", blocs.tell()))
    buckets.write_index(tmp / "index.bin")
    return {"fiches": fiche_no, "blocs": bloc_no, "empreintes": buckets.count}
