-- Each evaluation keeps its slices (size and metrics per slice) and the fairness across them, so
-- that a later candidate's slice gates can compare with the champion's slices, and its metrics on
-- the challenge sets, for the API.
alter table model_evaluation add column slices_json text;
alter table model_evaluation add column challenge_sets_json text;
