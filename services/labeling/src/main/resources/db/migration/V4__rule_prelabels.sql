-- Weak supervision: the label the spec's rules give a task by majority vote (null when they
-- abstain or tie), and each rule's vote, as {"rule": "label"}.
alter table label_task add column rule_label text;
alter table label_task add column rule_votes_json text;
