"""The documents as data: models and migrations, ingestion, the in-memory catalog, reminders' stored data."""
