"""The domain: typed models, enums and validation rules. No Qt, no I/O beyond the ORM."""
