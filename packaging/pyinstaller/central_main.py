"""The frozen `earlyyears-central`: the reference central service's command line
(packaging/earlyyears-desktop.spec)."""

import sys

from earlyyears_desktop.central.cli import main

sys.exit(main())
