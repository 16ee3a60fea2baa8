"""Incidents for the app's screens: where an unexpected error happened, kept for support.

The log itself (what is kept, where, and what never is) is `storage/incident_log.py`; the GUI
reaches it through here, as it reaches every other part of storage through a service.
"""

from __future__ import annotations

from earlyyears_desktop.storage.incident_log import Incident, RecordedIncident, record_incident

__all__ = ["Incident", "RecordedIncident", "record_incident"]
