-- Model-assisted labeling: the champion of each pipeline (from trainyard.models.promoted), and per
-- task the champion's label, its confidence (the largest probability) and the task's uncertainty
-- under the spec's measure, which orders the tasks (position).
create table pipeline_champion (
    pipeline    text        primary key,
    version     integer     not null,
    updated_at  timestamptz not null
);
alter table label_task add column model_version integer;
alter table label_task add column model_label text;
alter table label_task add column model_confidence double precision;
alter table label_task add column uncertainty double precision;
