"""The engine: one person's turn, under their session, through the dialog and its features."""

# No re-exports: importing a package must not import every module in it (the command line
# paid ~0.8 s for that on every call). Import from the module that holds the name.
