-- The pipeline specs a service knows, kept from the compacted topic trainyard.pipelines (one row
-- per pipeline: the latest spec). Written only by PipelinesListener; a tombstone deletes the row.
create table known_pipeline (
    name         text primary key,
    spec_json    text        not null,
    content_hash text        not null,
    event_id     text        not null,
    updated_at   timestamptz not null default now()
);
