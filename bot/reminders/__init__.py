"""Reminders as users see them: what /sub X means, digests and deadline lists."""
