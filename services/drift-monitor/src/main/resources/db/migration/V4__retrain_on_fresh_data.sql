-- Retraining on fresh data: the drifted run's start (the feedback period's from), and whether a
-- request asked ingestion for a feedback dataset (its run id is then the ingest request's id).
alter table drift_retrain add column run_from timestamptz;
alter table drift_retrain_request add column fresh_data boolean not null default false;
create index drift_retrain_request_by_drift_event on drift_retrain_request (drift_event_id);
