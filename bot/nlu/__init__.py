"""The intent layer: question text → `Query`, with no database writes and no Telegram."""
