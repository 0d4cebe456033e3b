"""The schedule: when each message goes (timeline), the durable record (outbox), what it
says (compose), sending it (scheduler), and its place in a running bot (background)."""

# No re-exports: importing a package must not import every module in it (the command line
# paid ~0.8 s for that on every call). Import from the module that holds the name.
