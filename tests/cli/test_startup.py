"""What a command loads before it works: WeasyPrint's libraries found without the slow lookup, C array types made
without pycparser, and only the modules a command needs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import cffi

from conftest import ROOT
from dossier.render import libraries


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def _maps() -> str:
    return "sorted({l.split()[-1] for l in open('/proc/self/maps') if '.so' in l and any(n in l for n in ('pango', 'harfbuzz', 'gobject', 'fontconfig'))})"


def test_weasyprint_loads_its_libraries_without_asking_find_library():
    report = json.loads(_python(f"""
        import ctypes.util, json
        asked = []
        real = ctypes.util.find_library
        ctypes.util.find_library = lambda name: asked.append(name) or real(name)
        from dossier.render import libraries
        libraries.install()
        import weasyprint.text.ffi as ffi
        from weasyprint import HTML
        pdf = HTML(string="<p>Référentiel</p>").write_pdf()
        print(json.dumps({{"asked": asked, "maps": {_maps()}, "pdf": pdf[:5].decode(), "quick": type(ffi.ffi._parsed_types).__name__}}))
    """))
    ordinary = json.loads(_python(f"""
        import json
        import weasyprint.text.ffi
        print(json.dumps({{"maps": {_maps()}}}))
    """))
    assert report["asked"] == []  # WeasyPrint's own lookup asks about some twenty names
    assert report["maps"] == ordinary["maps"] and any("libpango-1.0" in path for path in report["maps"])  # the same files
    assert report["pdf"] == "%PDF-"
    assert report["quick"] == "ArrayTypes"


def test_a_library_the_quick_lookup_misses_is_found_the_ordinary_way(tmp_path, capsys):
    # A binding that, like WeasyPrint's, prints help and fails when find_library finds nothing.
    source = tmp_path / "binding.py"
    source.write_text(textwrap.dedent("""
        import ctypes.util
        import cffi
        ffi = cffi.FFI()
        found = ctypes.util.find_library("c")
        if found is None:
            print("la bibliothèque manque")
            raise OSError("no libc")
    """))
    from importlib.machinery import ModuleSpec, SourceFileLoader
    from importlib.util import module_from_spec

    loader = libraries._Loader(SourceFileLoader("binding", str(source)))
    module = module_from_spec(ModuleSpec("binding", loader, origin=str(source)))
    loader.exec_module(module)
    assert module.found and "libc" in module.found
    assert isinstance(module.ffi._parsed_types, libraries.ArrayTypes)
    assert "manque" not in capsys.readouterr().out  # the first attempt's help is not shown


def test_array_types_are_made_without_parsing():
    ffi = cffi.FFI()
    ffi.cdef("typedef uint32_t hb_codepoint_t;")
    libraries.quick_arrays(ffi)
    ffi.typeof("hb_codepoint_t *")  # the item type, parsed once

    def no_parse(text):
        raise AssertionError(f"parsed {text}")

    parse, ffi._parser.parse_type = ffi._parser.parse_type, no_parse
    made = [ffi.new(f"hb_codepoint_t[{n}]", list(range(n))) for n in (3, 17, 300)]
    assert [list(array) for array in made] == [list(range(3)), list(range(17)), list(range(300))]
    assert ffi.sizeof(made[1]) == 17 * 4
    ffi._parser.parse_type = parse
    plain = cffi.FFI()
    plain.cdef("typedef uint32_t hb_codepoint_t;")
    assert ffi.typeof("hb_codepoint_t[17]") is plain.typeof("hb_codepoint_t[17]")  # the very type cffi's parse gives
    assert ffi.typeof("char[]") is plain.typeof("char[]")  # an open array: cffi's own path, unchanged


# --- commands loaded on demand ------------------------------------------------------------------


def test_the_help_table_says_what_each_command_says_of_itself():
    import click

    from dossier.cli import COMMANDS, cli

    assert sorted(cli.commands) == sorted(COMMANDS)
    for name, (_, _, text) in COMMANDS.items():
        command = cli.commands[name]
        assert command.name == name
        for limit in (30, 45, 58, 70, 200):
            assert click.Command(name, help=text).get_short_help_str(limit) == command.get_short_help_str(limit), name


def test_the_list_of_commands_is_written_as_click_writes_it():
    import click

    from dossier.cli import cli

    def listing(write, width):
        with click.Context(cli, info_name="dossier") as ctx:
            formatter = ctx.make_formatter()
            formatter.width = width
            write(ctx, formatter)
            return formatter.getvalue()

    loaded = dict(cli.commands.loaded)
    try:
        cli.commands.loaded.clear()  # from the table
        quick = {width: listing(cli.format_commands, width) for width in (60, 80, 120)}
        assert not cli.commands.loaded
    finally:
        cli.commands.loaded.update(loaded)
    for width, text in quick.items():
        assert text == listing(lambda ctx, formatter: click.Group.format_commands(cli, ctx, formatter), width)  # click's own, asking every command
        assert "Commandes:" in text and "suivre" in text


def _loaded(*args: str) -> set[str]:
    """The modules a `dossier` command has imported when it ends."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            sys.argv = ["dossier", *{list(args)!r}]
            from dossier.__main__ import main
            try:
                main()
            except SystemExit:
                pass
            sys.stderr.write("\\n".join(sys.modules))
        """)],
        cwd=ROOT, capture_output=True, text=True,
    )
    return set(done.stderr.splitlines())


def test_each_command_loads_only_what_it_needs(tmp_path):
    helped = _loaded("--help")
    assert "dossier.checks" not in helped and not any(name.startswith("dossier.cli.") and name != "dossier.cli.french" for name in helped)
    checked = _loaded("check", str(ROOT / "sources"))
    assert "dossier.cli.check" in checked and "dossier.cli.build" not in checked and "dossier.cli.imports" not in checked
    assert not {"weasyprint", "pypdf", "docx", "concurrent.futures.process"} & checked
    docx = _loaded("build", str(ROOT / "sources"), "--only", "referentiel", "--format", "docx", "--out", str(tmp_path / "docx"))
    assert (tmp_path / "docx" / "referentiel").is_dir() and "docx" in docx
    assert not {"weasyprint", "pypdf", "cryptography", "fontTools", "PIL"} & docx


def test_a_command_module_imported_on_demand_is_set_aside_from_the_collector_too():
    # The entry point freezes what its imports made (__main__.py); a command's module, imported later when click
    # looks the command up, is frozen in the same way: the collector does not scan the checks' lexicons again.
    out = _python(f"""
        import gc, sys
        sys.argv = ["dossier", "check", {str(ROOT / "sources")!r}]
        from dossier.__main__ import main
        try:
            main()
        except SystemExit:
            pass
        import dossier.checks, dossier.cli.check
        scanned = {{id(o) for o in gc.get_objects()}}
        print(id(dossier.checks.check) in scanned, id(dossier.cli.check.check_command) in scanned, gc.isenabled())
    """)
    assert out.split()[-3:] == ["False", "False", "True"]
