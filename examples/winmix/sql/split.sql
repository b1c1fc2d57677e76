-- Earlier seasons train (with 5-fold CV inside the train stages); the last season is the test.
-- The first `skip_rounds` weeks of the first season are left out: no team has a history yet.
CREATE TABLE train AS
SELECT * FROM features
WHERE season < (SELECT max(season) FROM features)
  AND date >= (SELECT min(date) FROM features) + to_days(getvariable('skip_days')::INTEGER)
ORDER BY date, match_id;
CREATE TABLE test AS
SELECT * FROM features WHERE season = (SELECT max(season) FROM features) ORDER BY date, match_id;
