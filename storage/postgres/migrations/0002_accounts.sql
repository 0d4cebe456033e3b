-- the browser console's local accounts (without OpenID Connect): argon2 hashes, never a password
CREATE TABLE accounts (
    email text PRIMARY KEY,
    data jsonb NOT NULL
);
