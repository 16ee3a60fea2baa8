"""earlyyears-desktop: offline records for early years SEND support."""

__version__ = "0.1.0"
#: the app's id on the desktop: its .desktop file's name, its AppStream id and its icon's name
#: in the installed package (packaging/linux/; tests/core/test_packaging_files.py)
APP_ID = "uk.gov.earlyyears.Desktop"
