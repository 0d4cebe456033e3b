-- the browser console's sessions, on the server so that signing out (or a role taken away)
-- ends them on every replica; keyed by a hash of the cookie, never the cookie itself
CREATE TABLE console_sessions (
    key text PRIMARY KEY,
    email text NOT NULL,
    seen double precision NOT NULL,
    data jsonb NOT NULL
);
CREATE INDEX console_sessions_email ON console_sessions (email);
