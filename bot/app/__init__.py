"""The composition root: the settings, the wiring, the command line. The only part of `bot/`
that imports `adapters/`, `storage/` or a platform library, and reads the environment."""

__all__: list[str] = []  # run it: `popbot …` or `python -m bot.app …`
