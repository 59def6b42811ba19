-- Scheduled retrains: the last minute a schedule fired for, so that replicas fire it once.
alter table drift_retrain add column last_scheduled_at timestamptz;
