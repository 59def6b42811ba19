-- Cancellation requests (trainyard.training.cancel-requested), one per run id, kept even for a run
-- training has not heard of yet: a request that arrives before its run is queued cancels the run
-- as it is queued. A running run's worker reads it with every lease renewal.
create table run_cancel_request (
    run_id        text        primary key,
    reason        text        not null,
    requested_by  text,
    requested_at  timestamptz not null default now()
);
