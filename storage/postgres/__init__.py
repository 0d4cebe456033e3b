"""PostgreSQL for every storage port: the server option, for several replicas on one database
(`POPBOT_DATABASE_URL`). Imported only when that is set: the embedded default needs none of it."""
