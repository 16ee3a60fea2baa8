"""The frozen `earlyyears-desktop`: the desktop app (packaging/earlyyears-desktop.spec)."""

import sys

from earlyyears_desktop.ui.app import main

sys.exit(main())
