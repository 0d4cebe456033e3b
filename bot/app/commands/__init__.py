"""The command-line commands, one module per subject; `bot.app.cli` builds the parser."""

__all__: list[str] = []
