-- A person's chat accounts in one table (platform + handle), not a column per platform: a new
-- platform adds rows, never a column. Today's columns move here, and the people's documents
-- keep their handles under "accounts" as the roster file does.
CREATE TABLE person_accounts (
    person text NOT NULL,
    platform text NOT NULL,
    handle text NOT NULL
);
CREATE INDEX person_accounts_handle ON person_accounts (platform, handle);
INSERT INTO person_accounts (person, platform, handle)
    SELECT id, 'slack', slack FROM people WHERE slack IS NOT NULL AND slack <> '';
INSERT INTO person_accounts (person, platform, handle)
    SELECT id, 'teams', teams FROM people WHERE teams IS NOT NULL AND teams <> '';
UPDATE people SET data = (data - 'slack' - 'teams') || jsonb_build_object(
    'accounts', coalesce(data -> 'accounts', '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
        'slack', nullif(data ->> 'slack', ''),
        'teams', nullif(data ->> 'teams', '')
    ))
);
DROP INDEX people_slack;
DROP INDEX people_teams;
ALTER TABLE people DROP COLUMN slack;
ALTER TABLE people DROP COLUMN teams;
