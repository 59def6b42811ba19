-- A task whose labels agree less than this (the share of agreeing label pairs) goes to an
-- adjudicator: the spec's minAgreement value when the project was created.
alter table label_project add column adjudicate_below double precision not null default 0.667;
