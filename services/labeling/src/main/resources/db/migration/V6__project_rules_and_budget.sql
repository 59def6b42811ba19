-- A project's own labeling functions (the spec's when it was created, or set through the API) and
-- its budget of answers (null: none).
alter table label_project add column rules_json text;
alter table label_project add column budget integer;
