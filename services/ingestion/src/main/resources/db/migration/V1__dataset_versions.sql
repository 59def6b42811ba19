-- Dataset versions ingestion allocated: one row per (pipeline, version). The objects live under
-- datasets/{pipeline}/v{version}/ with manifest.json; this row is written in the transaction that
-- publishes trainyard.datasets.ingested, so a version exists here exactly when it was announced.
create table dataset_version (
    pipeline           text        not null,
    version            integer     not null,
    content_hash       text        not null,
    manifest_uri       text        not null,
    description_json   text        not null,
    created_at         timestamptz not null default now(),
    primary key (pipeline, version),
    unique (pipeline, content_hash)
);
