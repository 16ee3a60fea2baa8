"""Run an `earlyyears` or `earlyyears-central` command as another (unprivileged) user.

    python as_user.py UID GID MODULE ARG...

The interpreter and the venv may live where that user cannot read (under /root in CI), so
everything the command could import is imported first, as root; then the process gives up
root for good (groups, gid, uid) and runs the command's `main(ARG...)`. The tests use it to
see what a real user sees when a permission is missing: root would read every file anyway.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import earlyyears_desktop

# Imported only when first used (SQLAlchemy's SQLite dialect asks for sqlite3 on connect).
_IMPORTED_LATER = ("sqlite3",)


def _import_everything_but_the_gui() -> None:
    for module in pkgutil.walk_packages(earlyyears_desktop.__path__, "earlyyears_desktop."):
        if not module.name.startswith("earlyyears_desktop.ui"):
            importlib.import_module(module.name)
    for name in _IMPORTED_LATER:
        importlib.import_module(name)


def main() -> int:
    uid, gid, module_name, *argv = sys.argv[1:]
    _import_everything_but_the_gui()
    command = importlib.import_module(module_name)
    command.build_parser()  # imports each verb's module
    os.setgroups([])
    os.setgid(int(gid))
    os.setuid(int(uid))
    code: int = command.main(argv)
    return code


if __name__ == "__main__":
    sys.exit(main())
