-- The device a run trains on and the seconds it has trained, summed over its attempts: the compute
-- a model reports (models.trained compute: device-seconds and an energy estimate).
alter table run add column device varchar(64);
alter table run add column compute_seconds double precision not null default 0;
