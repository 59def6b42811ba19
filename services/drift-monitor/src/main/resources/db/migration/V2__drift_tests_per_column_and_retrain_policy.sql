-- Reference format 2: per column (features, then the model's prediction and score) its kind, the
-- counts on the bins windows share with it (ingestion's histogram edges, or the categories) and
-- its values exactly or as a quantile sketch. References of format 1 (deciles only) cannot be
-- tested that way: they are dropped, and the next promotion of each pipeline builds a new one.
truncate drift_reference;
alter table drift_reference add column predictions_json text not null default '[]';

-- One open window per pipeline and model version; its events' values are rows of
-- drift_window_value until it is tested.
drop table drift_window;
create table drift_window (
    pipeline            text        not null,
    model_version       integer     not null,
    window_index        integer     not null,
    events              integer     not null,
    from_at             timestamptz,
    to_at               timestamptz,
    opened_at           timestamptz not null default now(),
    version             bigint      not null default 0,
    primary key (pipeline, model_version)
);

create table drift_window_value (
    seq                 bigint generated always as identity primary key,
    pipeline            text        not null,
    model_version       integer     not null,
    -- [value per reference column]: a number, a category as text, or null
    values_json         text        not null
);
create index drift_window_value_by_window on drift_window_value (pipeline, model_version, seq);

-- Tested windows keep each feature's test (drift.detected's FeatureDrift) and the prediction
-- drift. Windows tested before hold PSI only: they are rewritten as psi tests at their threshold.
alter table drift_window_result add column predictions_json text not null default '[]';
alter table drift_window_result add column correction text not null default 'none';
update drift_window_result set features_json = coalesce((
    select json_agg(json_build_object(
        'feature', f->>'feature', 'test', 'psi', 'statistic', (f->>'psi')::float8,
        'psi', (f->>'psi')::float8, 'drifted', (f->>'drifted')::boolean, 'threshold', 0.25))::text
    from json_array_elements(features_json::json) f), '[]');

-- The retrain policy: per pipeline, the champion's drifted windows in a row and the last request.
create table drift_retrain (
    pipeline            text        primary key,
    model_version       integer     not null,
    consecutive         integer     not null,
    last_requested_at   timestamptz,
    held_back           text,
    version             bigint      not null default 0
);

-- Every retrain the monitor requested, until training.ended reports it.
create table drift_retrain_request (
    run_id              text        primary key,
    pipeline            text        not null,
    model_version       integer     not null,
    dataset_version     integer     not null,
    trigger             text        not null,
    reason              text        not null,
    drift_event_id      text,
    requested_at        timestamptz not null,
    ended_at            timestamptz,
    status              text,
    model_trained       integer
);
create index drift_retrain_request_running on drift_retrain_request (pipeline) where ended_at is null;

-- The latest dataset version of each pipeline (challenge sets left out), from datasets.ingested.
create table drift_dataset (
    pipeline            text        primary key,
    latest_version      integer     not null
);
