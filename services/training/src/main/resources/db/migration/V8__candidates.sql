-- Model selection (training.candidates): a run trains several candidate models one after the
-- other. Its epochs are numbered run-wide (candidate i's epoch e is i * epochs + e), each row
-- saying which candidate it belongs to; the run keeps every candidate's figures once it succeeds.
alter table run_epoch add column candidate integer;
alter table run add column candidates_json text;
