-- Labeling projects: one per dataset version with unlabeled rows (created from
-- trainyard.datasets.ingested, or through the API). classes_json is the label schema, in order.
create table label_project (
    id                   text        primary key,
    pipeline             text        not null,
    dataset_version      integer     not null,
    target               text        not null,
    classes_json         text        not null,
    guidelines           text        not null,
    annotators_per_item  integer     not null,
    gold_rate            double precision not null,
    status               text        not null,
    created_at           timestamptz not null,
    closed_at            timestamptz,
    outcome              text,
    event_id             text        unique,
    unique (pipeline, dataset_version)
);

-- One task per unlabeled row, and the gold tasks: labeled rows of the same version whose known
-- label (gold_label) scores the annotators. position is a seeded shuffle: the order tasks are
-- handed out in.
create table label_task (
    id          bigserial   primary key,
    project_id  text        not null references label_project (id),
    row_id      bigint      not null,
    data_json   text        not null,
    gold_label  text,
    position    integer     not null,
    unique (project_id, row_id)
);

create index label_task_by_position on label_task (project_id, position);

-- The members of a project; an expert also adjudicates (their vote breaks a tie).
create table project_annotator (
    project_id  text        not null references label_project (id),
    annotator   text        not null,
    expert      boolean     not null,
    added_at    timestamptz not null,
    primary key (project_id, annotator)
);

-- A task handed to an annotator (by GET .../next); annotated when an annotation of the pair exists.
create table label_assignment (
    task_id      bigint      not null references label_task (id),
    annotator    text        not null,
    assigned_at  timestamptz not null,
    primary key (task_id, annotator)
);

-- One answer per annotator and task: a label, or a skip. The pair is unique: a second submission
-- is refused.
create table annotation (
    id          bigserial   primary key,
    task_id     bigint      not null references label_task (id),
    annotator   text        not null,
    label       text,
    skipped     boolean     not null,
    seconds     double precision,
    created_at  timestamptz not null,
    unique (task_id, annotator)
);
