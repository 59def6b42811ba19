-- An alert per drifted window (any model version), until ops acknowledge it; silences mute the
-- alerts of a pipeline (all features, or some) until a time.
create table drift_alert (
    id                  bigint generated always as identity primary key,
    pipeline            text        not null,
    model_version       integer     not null,
    window_index        integer     not null,
    drift_share         double precision not null,
    features_json       text        not null,
    raised_at           timestamptz not null,
    silenced_by         bigint,
    acknowledged_at     timestamptz,
    acknowledged_by     text,
    note                text,
    unique (pipeline, model_version, window_index)
);
create index drift_alert_by_pipeline on drift_alert (pipeline, raised_at);

create table drift_silence (
    id                  bigint generated always as identity primary key,
    pipeline            text        not null,
    features_json       text,
    until_at            timestamptz not null,
    reason              text        not null,
    created_by          text        not null,
    created_at          timestamptz not null
);
create index drift_silence_by_pipeline on drift_silence (pipeline, until_at);
