-- popbot's tables. Each holds what one storage port keeps; documents are JSON (jsonb), the
-- columns beside them only what is looked up or counted without reading the documents.

CREATE TABLE records (
    employee_id text PRIMARY KEY,
    data jsonb NOT NULL
);

-- the roster: one row a person, replaced whole by an import (in one transaction)
CREATE TABLE people (
    id text PRIMARY KEY,
    data jsonb NOT NULL,
    email text,          -- lower-cased, only for someone active (found by address)
    slack text
);
CREATE INDEX people_email ON people (email) WHERE email IS NOT NULL;
CREATE INDEX people_slack ON people (slack) WHERE slack IS NOT NULL;

-- small named values: the roster's version and pending plan, whether progress is kept
CREATE TABLE meta (
    name text PRIMARY KEY,
    value jsonb
);

CREATE TABLE progress (
    person text NOT NULL,
    conversation text NOT NULL,
    stage text NOT NULL,
    PRIMARY KEY (person, conversation, stage)
);

CREATE TABLE invites (
    token_hash text PRIMARY KEY,
    employee_id text NOT NULL,
    data jsonb NOT NULL
);
CREATE INDEX invites_employee ON invites (employee_id);

CREATE TABLE bindings (
    key text PRIMARY KEY,
    data jsonb NOT NULL
);

CREATE TABLE inbox (
    person text PRIMARY KEY,
    items jsonb NOT NULL
);

CREATE TABLE erasures (
    person text PRIMARY KEY
);

CREATE TABLE audit (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    line text NOT NULL
);

-- the outbox: an entry a row; a claim (lease) says which replica is sending it
CREATE TABLE outbox (
    key text PRIMARY KEY,
    person text NOT NULL,
    data jsonb NOT NULL,
    lease_owner text,
    lease_until timestamptz
);
CREATE INDEX outbox_person ON outbox (person);

-- the due-time index, as the files keep it: a row a (key, due); written before the entry
CREATE TABLE outbox_due (
    key text NOT NULL,
    due timestamptz NOT NULL,
    kind text NOT NULL,
    PRIMARY KEY (key, due)
);
CREATE INDEX outbox_due_due ON outbox_due (due);

CREATE TABLE outbox_failed (
    key text PRIMARY KEY,
    kind text NOT NULL
);

-- every version of a dialog script a record was started on, for every replica
CREATE TABLE scripts (
    version text PRIMARY KEY,
    text text NOT NULL
);
