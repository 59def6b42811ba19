-- inference.observed is applied in batches: the next offset of each partition is stored in the
-- transaction that applies a batch, and the consumer seeks there when assigned the partition.
create table drift_offset (
    topic               text        not null,
    partition_id        integer     not null,
    next_offset         bigint      not null,
    primary key (topic, partition_id)
);

-- Window values get their ids from a sequence (500 at a time) so that their inserts are batched.
alter table drift_window_value alter column seq drop identity;
create sequence drift_window_value_seq increment by 500;
select setval('drift_window_value_seq', (select coalesce(max(seq), 0) + 1000 from drift_window_value));
