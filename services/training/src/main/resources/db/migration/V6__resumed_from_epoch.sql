-- The epoch whose checkpoint the run's latest attempt resumed after (null: it started from the
-- beginning), so the runs API shows that a run taken over did not start over.
alter table run add column resumed_from_epoch integer;
