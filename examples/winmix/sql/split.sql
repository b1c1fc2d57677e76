-- Seasons before `test_season` train (with 5-fold CV inside the train stages); `test_season` is the
-- held-out test season; the seasons after it are "live": run.sh replays them through the server as
-- if their rounds were being played (the pipeline never trains on them). Features are point-in-time,
-- so a live match's features are what was known before kick-off.
-- The first `skip_days` days of the first season are left out: no team has a history yet.
CREATE TABLE train AS
SELECT * FROM features
WHERE season < getvariable('test_season')::INTEGER
  AND date >= (SELECT min(date) FROM features) + to_days(getvariable('skip_days')::INTEGER)
ORDER BY date, match_id;
CREATE TABLE test AS
SELECT * FROM features WHERE season = getvariable('test_season')::INTEGER ORDER BY date, match_id;
CREATE TABLE live AS
SELECT * FROM features WHERE season > getvariable('test_season')::INTEGER ORDER BY date, match_id;
