"""Use cases. Every write goes through a service: one transaction holds the change, its audit
event and its change-log entry. Raises domain errors with human messages. No Qt."""
