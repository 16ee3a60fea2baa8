"""The vault: SQLCipher engine, key slots, migrations, backups, integrity."""
