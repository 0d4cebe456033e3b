"""`python -m bot.app` runs the command line, as the `popbot` command does."""

from bot.app.cli import main

raise SystemExit(main())
