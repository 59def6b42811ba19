-- The task's further validation metrics of each epoch, a JSON object of name -> number:
-- val_log_loss (multiclass), val_rmse, val_mae, val_r2 (regression). Null for binary runs.
alter table run_epoch add column metrics_json text;
