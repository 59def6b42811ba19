-- Human reviews of model versions (trainyard.models.reviewed): one row per review project, attached
-- once (unique pipeline, version, review_id). card_manifest_uri is the model card rewritten with
-- the version's reviews so far (null when the version was evaluated before cards kept their
-- sections).
create table model_review (
    id                 bigserial   primary key,
    pipeline           text        not null,
    version            integer     not null,
    review_id          text        not null,
    sampled            integer     not null,
    reviewed           integer     not null,
    right_count        integer,
    wrong_count        integer,
    rating_min         double precision,
    rating_max         double precision,
    rating_mean        double precision,
    rating_count       integer,
    reviewers          integer     not null,
    completed_at       timestamptz,
    received_at        timestamptz not null default now(),
    card_manifest_uri  text,
    unique (pipeline, version, review_id)
);
