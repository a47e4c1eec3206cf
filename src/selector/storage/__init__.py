"""The SQLite database (sqlite-utils): schema migrations, state and the event log."""
