-- The console keeps the applied pipeline specs: one row per pipeline, the latest revision.
create table pipeline_spec (
    name         text primary key,
    revision     integer     not null,
    content_hash text        not null,
    spec_json    text        not null,
    applied_at   timestamptz not null default now()
);
