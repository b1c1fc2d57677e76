-- Point-in-time match features: every value is computed from each team's earlier matches only
-- (window frames end at 1 PRECEDING). One row per match: the home team's and the away team's form,
-- streak, season-to-date record and outcome transition probabilities, and the label (result).
CREATE TABLE team_games AS
SELECT match_id, season, date, home_team AS team, TRUE AS at_home, home_goals AS gf, away_goals AS ga FROM matches
UNION ALL
SELECT match_id, season, date, away_team, FALSE, away_goals, home_goals FROM matches;

CREATE TABLE tg AS
SELECT *,
  CASE WHEN gf > ga THEN 'W' WHEN gf < ga THEN 'L' ELSE 'D' END AS outcome,
  CASE WHEN gf > ga THEN 3 WHEN gf = ga THEN 1 ELSE 0 END AS points
FROM team_games;

-- Runs of equal outcomes (gaps and islands), and the previous outcome (the state a transition leaves).
CREATE TABLE runs AS
SELECT *,
  row_number() OVER (PARTITION BY team ORDER BY date, match_id)
    - row_number() OVER (PARTITION BY team, outcome ORDER BY date, match_id) AS run_id,
  lag(outcome) OVER (PARTITION BY team ORDER BY date, match_id) AS prev_outcome
FROM tg;

CREATE TABLE team_features AS
SELECT match_id, team, at_home,
  coalesce(sum(points) OVER last5, 0) AS form5_points,
  count(*) OVER last5 AS form5_games,
  avg(gf) OVER last5 AS form5_goals_for,
  avg(ga) OVER last5 AS form5_goals_against,
  coalesce(sum(points) OVER season_so_far, 0) / greatest(count(*) OVER season_so_far, 1) AS season_ppg,
  coalesce(sum(gf - ga) OVER season_so_far, 0) / greatest(count(*) OVER season_so_far, 1) AS season_gd_pg,
  -- The run the team is on before this match: its outcome and length.
  prev_outcome AS streak_type,
  lag(run_len) OVER (PARTITION BY team ORDER BY date, match_id) AS streak_len,
  date_diff('day', lag(date) OVER (PARTITION BY team ORDER BY date, match_id), date) AS rest_days,
  -- Outcome transition matrix row for the state the team is in (its previous outcome), estimated
  -- from its earlier transitions out of that state, with add-one (Laplace) smoothing.
  (coalesce(sum(CASE WHEN outcome = 'W' THEN 1 ELSE 0 END) OVER from_state, 0) + 1) / (coalesce(count(*) OVER from_state, 0) + 3) AS p_next_win,
  (coalesce(sum(CASE WHEN outcome = 'D' THEN 1 ELSE 0 END) OVER from_state, 0) + 1) / (coalesce(count(*) OVER from_state, 0) + 3) AS p_next_draw,
  (coalesce(sum(CASE WHEN outcome = 'L' THEN 1 ELSE 0 END) OVER from_state, 0) + 1) / (coalesce(count(*) OVER from_state, 0) + 3) AS p_next_loss
FROM (SELECT *, row_number() OVER (PARTITION BY team, outcome, run_id ORDER BY date, match_id) AS run_len FROM runs)
WINDOW
  last5 AS (PARTITION BY team ORDER BY date, match_id ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING),
  season_so_far AS (PARTITION BY team, season ORDER BY date, match_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
  from_state AS (PARTITION BY team, prev_outcome ORDER BY date, match_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING);

CREATE TABLE features AS
SELECT m.match_id, m.season, m.date, m.home_team, m.away_team,
  h.form5_points AS home_form5_points, a.form5_points AS away_form5_points,
  h.form5_goals_for AS home_form5_gf, h.form5_goals_against AS home_form5_ga,
  a.form5_goals_for AS away_form5_gf, a.form5_goals_against AS away_form5_ga,
  h.season_ppg AS home_season_ppg, a.season_ppg AS away_season_ppg,
  h.season_gd_pg AS home_season_gd, a.season_gd_pg AS away_season_gd,
  h.streak_type AS home_streak_type, h.streak_len AS home_streak_len,
  a.streak_type AS away_streak_type, a.streak_len AS away_streak_len,
  h.rest_days AS home_rest_days, a.rest_days AS away_rest_days,
  h.p_next_win AS home_p_next_win, h.p_next_draw AS home_p_next_draw, h.p_next_loss AS home_p_next_loss,
  a.p_next_win AS away_p_next_win, a.p_next_draw AS away_p_next_draw, a.p_next_loss AS away_p_next_loss,
  m.result
FROM matches m
JOIN team_features h ON h.match_id = m.match_id AND h.at_home
JOIN team_features a ON a.match_id = m.match_id AND NOT a.at_home
ORDER BY m.date, m.match_id;
