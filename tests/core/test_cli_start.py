"""`earlyyears` starts quickly: only the module of the verb being run is imported, and the
heavy libraries (reportlab, Qt, Alembic) and the demo generator stay unloaded unless the verb
needs them. Behaviour only (which modules a fresh process loaded), never timings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from earlyyears_desktop.cli import main as cli_main

from .conftest import VaultUnderTest

#: What `--help`, parsing a verb, or `info` on an up-to-date vault must never load.
HEAVY = ("reportlab", "PySide6", "shiboken6", "alembic", "earlyyears_desktop.demo")


def _loaded_after(code: str, *args: str) -> list[str]:
    """The heavy packages a fresh interpreter holds after running `code` (as the last line
    it prints)."""
    script = (
        "import sys\n"
        f"{code}\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted(h for h in heavy if h in sys.modules))\n"  # a submodule loads its package
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line.startswith("[")][-1:]


def test_the_verb_table_matches_each_verbs_module() -> None:
    """--help lists verbs from the table in cli/main.py without importing them: each entry
    names a module that exists, and says what that module's HELP says."""
    folder = Path(cli_main.__file__).parent
    on_disk = {path.stem for path in folder.glob("cmd_*.py")}
    assert {command.module for command in cli_main.COMMANDS.values()} == on_disk
    for verb, command in cli_main.COMMANDS.items():
        module = cli_main.load_command(verb)
        assert command.help == module.HELP, verb
        assert callable(module.configure) and callable(module.run)


def test_help_lists_every_verb_and_loads_no_heavy_module() -> None:
    code = (
        "from earlyyears_desktop.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0, stop.code\n"
    )
    assert _loaded_after(code) == ["[]"]


@pytest.mark.parametrize("verb", ["info", "sessions", "audit-verify"])
def test_parsing_a_vault_verb_loads_no_heavy_module(verb: str) -> None:
    code = (
        "from earlyyears_desktop.cli.main import build_parser, verb_named_in\n"
        f"words = [{verb!r}, 'some-vault']\n"
        "args = build_parser(verb_named_in(words)).parse_args(words)\n"
        "assert callable(args.run)\n"
    )
    assert _loaded_after(code) == ["[]"]


def test_info_on_an_up_to_date_vault_loads_no_heavy_module(demo: VaultUnderTest) -> None:
    """The whole of `earlyyears info`, unlocking included: no migration is due, so not even
    Alembic is loaded."""
    demo.vault.lock()
    code = (
        "import contextlib, io, os\n"
        "from earlyyears_desktop.cli.main import main\n"
        "os.environ['EARLYYEARS_PASSPHRASE'] = sys.argv[2]\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert main(['info', sys.argv[1]]) == 0\n"
        "assert 'Team:' in out.getvalue()\n"
    )
    assert _loaded_after(code, str(demo.folder), demo.passphrase) == ["[]"]


def test_only_the_verb_named_is_loaded() -> None:
    assert cli_main.verb_named_in(["--version"]) is None
    assert cli_main.verb_named_in(["info", "--json", "v"]) == "info"
    assert cli_main.verb_named_in(["-h", "export", "v"]) == "export"
    assert cli_main.verb_named_in(["no-such-verb"]) is None
    assert cli_main.verb_named_in(["--", "info"]) is None
