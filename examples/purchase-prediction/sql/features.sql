-- Point-in-time features, one row per session. The prediction is made when the session starts
-- (prediction_time = its first event): features use that landing event and events strictly before
-- it, never anything later. test/leakage.test.ts recomputes them from data cut at prediction time
-- and checks every feature is unchanged. The label (purchased) is the only column that looks ahead.
CREATE TABLE sessions AS
SELECT session_id, user_id,
  min(ts) AS session_start, max(ts) AS session_end,
  count(*) FILTER (WHERE event_type = 'view') AS n_views,
  count(*) FILTER (WHERE event_type = 'add_to_cart') AS n_carts,
  count(*) FILTER (WHERE event_type = 'purchase') AS n_purchases
FROM events GROUP BY session_id, user_id;

-- What the user lands on: the first event of the session.
CREATE TABLE landing AS
SELECT session_id,
  arg_min(category, ts) AS landing_category,
  arg_min(price, ts) AS landing_price,
  arg_min(discount_pct, ts) AS landing_discount_pct,
  arg_min(device, ts) AS device,
  arg_min(source, ts) AS source
FROM events GROUP BY session_id;

-- The user's earlier sessions: all of them ended before this one started.
CREATE TABLE history AS
SELECT s.session_id,
  count(p.session_id) FILTER (WHERE p.session_start >= s.session_start - INTERVAL 7 DAY) AS sessions_7d,
  count(p.session_id) FILTER (WHERE p.session_start >= s.session_start - INTERVAL 30 DAY) AS sessions_30d,
  count(p.session_id) AS sessions_all,
  coalesce(sum(p.n_views) FILTER (WHERE p.session_start >= s.session_start - INTERVAL 7 DAY), 0) AS views_7d,
  coalesce(sum(p.n_carts) FILTER (WHERE p.session_start >= s.session_start - INTERVAL 30 DAY), 0) AS carts_30d,
  coalesce(sum(p.n_carts) FILTER (WHERE p.session_start >= s.session_start - INTERVAL 30 DAY AND p.n_purchases = 0), 0) AS abandoned_carts_30d,
  coalesce(sum(p.n_purchases) FILTER (WHERE p.session_start >= s.session_start - INTERVAL 30 DAY), 0) AS purchases_30d,
  coalesce(sum(p.n_purchases), 0) AS purchases_all,
  date_diff('minute', max(p.session_end), s.session_start) / 1440.0 AS days_since_last_visit,
  date_diff('minute', max(p.session_end) FILTER (WHERE p.n_purchases > 0), s.session_start) / 1440.0 AS days_since_last_purchase
FROM sessions s
LEFT JOIN sessions p ON p.user_id = s.user_id AND p.session_end < s.session_start
GROUP BY s.session_id, s.session_start;

-- Interest in the landing category: views of it in the 30 days before the session.
CREATE TABLE affinity AS
SELECT s.session_id, count(e.ts) AS landing_category_views_30d
FROM sessions s
JOIN landing l USING (session_id)
LEFT JOIN events e ON e.user_id = s.user_id AND e.event_type = 'view' AND e.category = l.landing_category
  AND e.ts < s.session_start AND e.ts >= s.session_start - INTERVAL 30 DAY
GROUP BY s.session_id;

CREATE TABLE features AS
SELECT s.session_id, s.user_id, s.session_start AS prediction_time,
  l.landing_category, l.landing_price, l.landing_discount_pct, l.device, l.source,
  hour(s.session_start) AS hour,
  CASE WHEN dayofweek(s.session_start) IN (0, 6) THEN 1 ELSE 0 END AS weekend,
  u.is_member, u.country,
  date_diff('day', u.signup_date, s.session_start::DATE) AS account_age_days,
  h.sessions_7d, h.sessions_30d, h.sessions_all, h.views_7d, h.carts_30d, h.abandoned_carts_30d,
  h.purchases_30d, h.purchases_all, h.days_since_last_visit, h.days_since_last_purchase,
  a.landing_category_views_30d,
  CASE WHEN s.n_purchases > 0 THEN 1 ELSE 0 END AS purchased
FROM sessions s
JOIN landing l USING (session_id)
JOIN history h USING (session_id)
JOIN affinity a USING (session_id)
JOIN users u ON u.user_id = s.user_id
ORDER BY prediction_time, session_id;
