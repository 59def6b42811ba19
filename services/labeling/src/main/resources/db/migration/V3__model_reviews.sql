-- Review projects: people review a sample of a model version's test-split predictions (each task a
-- prediction with its row), marking it right or wrong, or rating it on [rating_min, rating_max].
-- Dataset projects keep kind 'dataset'.
alter table label_project add column kind text not null default 'dataset';
alter table label_project add column model_version integer;
alter table label_project add column rating_min double precision;
alter table label_project add column rating_max double precision;
alter table label_project drop constraint label_project_pipeline_dataset_version_key;
create unique index label_project_dataset on label_project (pipeline, dataset_version) where kind = 'dataset';
alter table annotation add column rating double precision;
-- A review task's prediction (predicted label and scores), shown beside the row.
alter table label_task add column prediction_json text;
