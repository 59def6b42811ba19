-- A project's end: the ingest request it published (its event id, matched against the causation id
-- of the datasets.ingested that answers it), the dataset version that came of it, the rows it
-- labeled and the rows of that version by label source.
alter table label_project add column request_event_id text unique;
alter table label_project add column labeled_version integer;
alter table label_project add column labeled_rows integer;
alter table label_project add column sources_json text;
alter table label_project add column agreement_json text;
