-- Every move of an alias (champion, challenger): automatic promotions and ops' requests
-- (trainyard.models.alias-requested), oldest first by moved_at then id. Written in the transaction
-- of the event that moved the alias; event_id (the CloudEvent id of that event) is unique, so a
-- re-delivered request adds no row. requested_by is who asked, for ops' moves (null for automatic
-- promotions).
create table model_alias_history (
    id                bigserial   primary key,
    pipeline          text        not null,
    alias             text        not null,
    version           integer     not null,
    previous_version  integer,
    reason            text        not null,
    requested_by      text,
    moved_at          timestamptz not null default now(),
    event_id          text        unique
);

create index model_alias_history_by_alias on model_alias_history (pipeline, alias, moved_at, id);

-- Aliases set before the history existed: their current holder is their first known move.
insert into model_alias_history (pipeline, alias, version, previous_version, reason, moved_at)
select pipeline, alias, version, null, reason, updated_at from model_alias;
