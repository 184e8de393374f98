"""`python -m bot.cli`: the `duban` command."""

from bot.cli import main

main()
