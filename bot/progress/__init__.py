"""Progress reporting in the bot: the running document's reporting rules, messages, rendering, questions."""
