"""The people: HR's roster, who may talk to popbot (invitations, chat accounts), who reports
to whom, and each person's rights over their data (export, erasure, retention)."""

# No re-exports: importing a package must not import every module in it (the command line
# paid ~0.8 s for that on every call). Import from the module that holds the name.
