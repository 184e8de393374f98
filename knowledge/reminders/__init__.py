"""Reminders as stored data: deadlines, the planner, subscriptions, the sent-reminder log."""
