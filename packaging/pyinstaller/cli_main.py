"""The frozen `earlyyears`: the command line (packaging/earlyyears-desktop.spec)."""

import sys

from earlyyears_desktop.cli.main import main

sys.exit(main())
