"""WeasyPrint's C libraries, loaded without the two slow paths of its cffi binding.

Both costs are paid by every process that lays out a PDF, whatever its size, so
they weigh most on a small document (the example's référentiel: about 0.4 s of
CPU in a 2 s build).

1. Finding the libraries. `weasyprint.text.ffi` tries several names for each
   library (Windows', macOS' and Linux' spellings) and cffi asks
   `ctypes.util.find_library` about every name it cannot open directly. On
   Linux that runs `ldconfig`, then `gcc` and `ld` for a name no one knows:
   some forty programs started, 0.25–0.3 s of CPU, before the name that
   opens (`libpango-1.0.so.0`) is reached. While that module loads, the
   lookup answers « not found » at once, so each library is opened under its
   Linux file name, as the loader would find it. Should a library be
   missing under those names (another soname), the module is loaded again
   with the ordinary lookup: the result is never worse than WeasyPrint's own.
2. Array types. WeasyPrint subsets each font of each PDF through arrays typed
   `hb_codepoint_t[N]`, N being the number of glyphs; cffi parses every new
   type text with pycparser (about 5 ms each, some thirty per référentiel).
   An array of a type already known is made by cffi's backend directly: the
   same type object, without the parse.

`install()` sets both up before WeasyPrint is imported (the entry point does
it); it changes nothing once WeasyPrint is loaded, except adding the second.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import io
import re
import sys

MODULE = "weasyprint.text.ffi"
_ARRAY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*\[\s*(\d+)\s*\]\s*")


class ArrayTypes(dict):
    """An FFI's cache of parsed types, which makes `T[N]` from the known `T *` instead of parsing it."""

    def __init__(self, ffi, known: dict):
        super().__init__(known)
        self.ffi = ffi

    def __missing__(self, text):
        match = _ARRAY.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise KeyError(text)
        pointer = self.ffi.typeof(f"{match[1]} *")  # parsed once per item type, then cached
        made = self[text] = (self.ffi._backend.new_array_type(pointer, int(match[2])), False)
        return made


def quick_arrays(ffi) -> None:
    """Give this FFI the array shortcut (once)."""
    if not isinstance(ffi._parsed_types, ArrayTypes):
        ffi._parsed_types = ArrayTypes(ffi, ffi._parsed_types)


class _Loader:
    """Loads the module with the quick lookup (a loader as importlib wants it; importlib.abc costs 10 ms to import)."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        if sys.platform.startswith("linux"):
            import ctypes.util

            lookup = ctypes.util.find_library
            said = io.StringIO()  # WeasyPrint prints its help when a library is missing: only if it really is
            ctypes.util.find_library = lambda name: None
            try:
                with contextlib.redirect_stdout(said):
                    self.loader.exec_module(module)
            except OSError:
                pass  # loaded again below with the ordinary lookup
            else:
                sys.stdout.write(said.getvalue())
                quick_arrays(module.ffi)
                return
            finally:
                ctypes.util.find_library = lookup
        self.loader.exec_module(module)
        quick_arrays(module.ffi)


class _Finder:
    """Hands WeasyPrint's binding to `_Loader` (a meta path finder)."""

    def find_spec(self, name, path, target=None):
        if name != MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def install() -> None:
    """Load WeasyPrint's libraries the quick way when it is imported (or give its FFI the array shortcut now)."""
    loaded = sys.modules.get(MODULE)
    if loaded is not None:
        quick_arrays(loaded.ffi)
    elif not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
