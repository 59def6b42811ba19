-- The global L2 gradient norm of each epoch (the mean over its mini-batches), as progress reports it.
alter table run_epoch add column gradient_norm double precision;
