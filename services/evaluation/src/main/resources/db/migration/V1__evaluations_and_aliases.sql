-- One evaluation per model version: its metrics on the test split, the gate results, and where
-- its predictions are. Written in the transaction of the models.trained event it answers.
create table model_evaluation (
    pipeline          text        not null,
    version           integer     not null,
    run_id            text        not null,
    dataset_version   integer     not null,
    primary_metric    text        not null,
    metrics_json      text        not null,
    gates_json        text        not null,
    passed            boolean     not null,
    champion_version  integer,
    predictions_uri   text        not null,
    manifest_uri      text        not null,
    evaluated_at      timestamptz not null default now(),
    primary key (pipeline, version)
);

-- Aliases (champion, challenger): which version each points at, and why.
create table model_alias (
    pipeline    text        not null,
    alias       text        not null,
    version     integer     not null,
    reason      text        not null,
    updated_at  timestamptz not null default now(),
    primary key (pipeline, alias)
);
