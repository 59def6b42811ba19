-- The estimated seconds until the run's last epoch ends, as of each epoch (as progress reports it),
-- so the progress stream and the runs API can show it too.
alter table run_epoch add column eta_seconds double precision;
