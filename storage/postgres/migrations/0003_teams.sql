-- Microsoft Teams: the roster's Teams handle (an Entra object id or a sign-in e-mail), looked up
-- when someone writes to popbot in Teams for the first time
ALTER TABLE people ADD COLUMN teams text;
CREATE INDEX people_teams ON people (teams) WHERE teams IS NOT NULL;
