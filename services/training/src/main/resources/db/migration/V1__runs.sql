-- Training runs. A run is queued when its trainyard.training.requested event is consumed (in the
-- event's transaction), and executed by a worker that leases it (state running, lease_until
-- renewed while it trains). A lease that runs out puts the run back in reach of any worker.
create table run (
    run_id           text primary key,
    pipeline         text        not null,
    dataset_version  integer     not null,
    trigger          text        not null,
    reason           text        not null,
    parent_model     integer,
    state            text        not null check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    status_reason    text,
    model_version    integer,
    best_epoch       integer,
    epochs_max       integer,
    attempts         integer     not null default 0,
    lease_owner      text,
    lease_until      timestamptz,
    request_envelope text,
    requested_at     timestamptz not null default now(),
    started_at       timestamptz,
    ended_at         timestamptz
);
create index run_pipeline on run (pipeline, requested_at);
create index run_claimable on run (state, lease_until) where state in ('queued', 'running');

-- One row per finished epoch of a run (the loss curve).
create table run_epoch (
    run_id             text             not null references run (run_id),
    epoch              integer          not null,
    train_loss         double precision not null,
    val_loss           double precision,
    val_accuracy       double precision,
    learning_rate      double precision,
    samples_per_second double precision,
    recorded_at        timestamptz      not null default now(),
    primary key (run_id, epoch)
);

-- Model versions, allocated per pipeline; one run yields at most one version.
create table model_version (
    pipeline     text        not null,
    version      integer     not null,
    run_id       text        not null unique references run (run_id),
    created_at   timestamptz not null default now(),
    primary key (pipeline, version)
);
