"""The dialog as HR writes it: the script format, loading and checking scripts, the flow on
`transitions`, answers and their limits, goals and their deadlines, versions and hot reload."""

# No re-exports: importing a package must not import every module in it (the command line
# paid ~0.8 s for that on every call). Import from the module that holds the name.
