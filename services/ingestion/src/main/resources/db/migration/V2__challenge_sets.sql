-- A challenge set is a dataset version whose labeled rows are all in the test split: evaluation
-- scores models on it, training never reads it. It shares the pipeline's version numbers; this
-- column names its set (null: a training version), so listings and "the latest training version"
-- can tell the two apart.
alter table dataset_version add column challenge_set text;
create index dataset_version_challenge_set on dataset_version (pipeline, challenge_set, version);
