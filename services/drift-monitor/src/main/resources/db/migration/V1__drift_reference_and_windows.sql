-- The reference of each pipeline: the decile bins of the champion's training split, per numeric
-- feature. Replaced when a new champion is promoted (models.promoted, alias champion).
create table drift_reference (
    pipeline            text        primary key,
    model_version       integer     not null,
    dataset_version     integer     not null,
    train_rows          integer     not null,
    -- [{"feature", "edges": [e1..ek], "proportions": [p0..pk]}], in the dataset's feature order
    features_json       text        not null,
    -- features of the dataset that are known but not tested (not numeric, or no value in train)
    unmonitored_json    text        not null,
    created_at          timestamptz not null default now()
);

-- The open window of each pipeline: inference events counted per feature and bin so far.
-- Reset when the reference is replaced; reset to the next index when the window is tested.
create table drift_window (
    pipeline            text        primary key,
    model_version       integer     not null,
    window_index        integer     not null,
    events              integer     not null,
    from_at             timestamptz,
    to_at               timestamptz,
    -- {"<feature>": {"bins": [c0..ck], "missing": n}}
    counts_json         text        not null,
    opened_at           timestamptz not null default now(),
    version             bigint      not null default 0
);

-- Every tested (closed) window: its PSI per feature and the decision; one drift.detected each.
create table drift_window_result (
    pipeline            text             not null,
    model_version       integer          not null,
    window_index        integer          not null,
    events              integer          not null,
    from_at             timestamptz      not null,
    to_at               timestamptz      not null,
    drift_share         double precision not null,
    threshold           double precision not null,
    decision            text             not null check (decision in ('drift', 'stable')),
    -- [{"feature", "psi", "drifted"}]
    features_json       text             not null,
    closed_at           timestamptz      not null default now(),
    primary key (pipeline, model_version, window_index)
);

create index drift_window_result_by_time on drift_window_result (pipeline, closed_at);
