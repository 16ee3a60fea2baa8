"""The PySide6 desktop application. Talks only to the services."""
