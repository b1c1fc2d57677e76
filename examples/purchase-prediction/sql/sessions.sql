-- Sessionization: a user's event starts a new session when more than `gap_minutes` passed since their
-- previous event (the 30-minute inactivity rule of web analytics). Session ids count a user's sessions
-- from their first event, so an id never depends on later events (the leakage test relies on it).
WITH ordered AS (
  SELECT *, lag(ts) OVER (PARTITION BY user_id ORDER BY ts, event_type, item_id) AS prev_ts
  FROM events
), numbered AS (
  SELECT *,
    sum(CASE WHEN prev_ts IS NULL OR ts - prev_ts > to_minutes(getvariable('gap_minutes')::BIGINT) THEN 1 ELSE 0 END)
      OVER (PARTITION BY user_id ORDER BY ts, event_type, item_id ROWS UNBOUNDED PRECEDING) AS session_no
  FROM ordered
)
SELECT user_id || '-' || lpad(session_no::VARCHAR, 5, '0') AS session_id,
  user_id, ts, event_type, item_id, category, price, discount_pct, device, source
FROM numbered
ORDER BY ts, user_id, event_type, item_id;
