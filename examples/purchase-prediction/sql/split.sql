-- Temporal split by calendar day: the first `train_share` of sessions (by day) train, the next
-- `validation_share` validate, the rest test. Sessions in the first `warmup_days` are left out:
-- their history features see too little of the past (a cold start that later rows never have).
CREATE TABLE usable AS
SELECT * FROM features
WHERE prediction_time >= (SELECT min(prediction_time) FROM features) + to_days(getvariable('warmup_days')::INTEGER);

CREATE TABLE cuts AS
SELECT quantile_disc(prediction_time::DATE, getvariable('train_share')::DOUBLE) AS train_end,
  quantile_disc(prediction_time::DATE, (getvariable('train_share') + getvariable('validation_share'))::DOUBLE) AS validation_end
FROM usable;

CREATE TABLE train AS
SELECT u.* FROM usable u, cuts WHERE u.prediction_time::DATE < cuts.train_end ORDER BY prediction_time, session_id;
CREATE TABLE validation AS
SELECT u.* FROM usable u, cuts WHERE u.prediction_time::DATE >= cuts.train_end AND u.prediction_time::DATE < cuts.validation_end ORDER BY prediction_time, session_id;
CREATE TABLE test AS
SELECT u.* FROM usable u, cuts WHERE u.prediction_time::DATE >= cuts.validation_end ORDER BY prediction_time, session_id;
