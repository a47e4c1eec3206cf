"""The SQLite database: schema migrations, state and the event log."""
