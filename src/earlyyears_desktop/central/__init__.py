"""The reference central service: device registry, bundle ingest, return bundles, roster.

It runs the whole sync loop against real files and a real database (SQLite by default,
PostgreSQL by URL) and is the reference for a local authority's own implementation.
See docs/central-service.md.
"""
