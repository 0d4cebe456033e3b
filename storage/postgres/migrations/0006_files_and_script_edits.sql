-- The files kept for a person (the console inbox's PDFs, saved exports) in the database, not
-- in a folder the replicas share: on PostgreSQL popbot keeps nothing on local disk.
CREATE TABLE person_files (
    person text NOT NULL,
    area text NOT NULL CHECK (area IN ('inbox', 'exports')),
    name text NOT NULL,
    content bytea NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person, area, name)
);

-- HR's edited dialog scripts (the console's script pages), every saved version: the newest
-- of a script is live on every replica. Before, they were files in each replica's folder.
CREATE TABLE script_edits (
    name text NOT NULL,
    language text NOT NULL,
    stamp text NOT NULL,
    text text NOT NULL,
    PRIMARY KEY (name, language, stamp)
);
