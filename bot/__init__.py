"""The answering core (nlu → answer → render), reminders as users see them, the command line and the process wiring."""
