-- Test-only state of the @QuarkusTest's handler: one row per handled event, n = times applied.
CREATE TABLE effects (event_id text PRIMARY KEY, pipeline text NOT NULL, n int NOT NULL);
