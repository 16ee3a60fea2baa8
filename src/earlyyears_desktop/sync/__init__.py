"""Signed and encrypted sync bundles and enrolment files (pure formats, no database, no Qt)."""
