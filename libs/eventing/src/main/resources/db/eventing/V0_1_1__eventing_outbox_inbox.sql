-- trainyard-eventing: the transactional outbox and the consumer inbox of one service.
-- Table names are unqualified: Flyway runs this in the service's own schema.

-- Events written in the same transaction as the state change they announce. The relay publishes
-- them in seq order and sets published_at only after the broker acknowledged them; published rows
-- are kept for trainyard.eventing.relay.retention (ids stay de-duplicated that long).
--
-- fillfactor 50 and no index on published_at make marking a row a HOT update (no index entries
-- written): half the space per page is left for the marked version of each row.
CREATE TABLE outbox (
    seq          bigserial   PRIMARY KEY,
    event_id     text        NOT NULL UNIQUE,  -- ce_id; appending the same id again is a no-op
    topic        text        NOT NULL,
    record_key   text,
    headers      jsonb       NOT NULL,         -- [[name, value], ...]: the CloudEvent headers, in order
    payload      bytea       NOT NULL,         -- the JSON payload, validated before it was written
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
) WITH (fillfactor = 50);

-- The unpublished rows (the relay's work queue), written in the same statement as the outbox row
-- and deleted when the row is marked. It plays the part of a partial index on unpublished rows,
-- which would make every mark a full update of both outbox indexes (about 3 times slower).
CREATE TABLE outbox_pending (
    seq bigint PRIMARY KEY
);

-- Events this service has handled, keyed by CloudEvent source + id: a redelivered event is skipped.
CREATE TABLE inbox (
    source      text        NOT NULL,
    event_id    text        NOT NULL,
    topic       text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, event_id)
);
