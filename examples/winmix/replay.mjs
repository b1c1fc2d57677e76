// Replays the "live" seasons (data/live.csv) through a running modelyard server, round by round, as if
// the matches were being played: before a round, its fixtures are scored by the served champion
// (POST /v1/models/<model>/predict, match ids as entity_ids, so every prediction is in the prediction
// log); after it, the results are sent as feedback — over HTTP (POST /v1/feedback), or written to a CSV
// for `modelyard feedback` (--results-csv). With --until-trigger it polls the monitor after every round
// (GET /v1/models/<model>/monitor) and stops as soon as it reports a retrain trigger — what a scheduler
// running `modelyard monitor check` would catch.
//
//   node replay.mjs URL --live data/live.csv --state data/replay.json [--model winmix-ensemble]
//        [--until-trigger [REASON]] [--results-csv FILE] [--out summary.json]
// Only Node built-ins: the example folder runs on its own.
import fs from 'node:fs';

const args = process.argv.slice(2);
const base = args[0];
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args[i + 1];
};
const live = flag('--live', 'data/live.csv');
const stateFile = flag('--state', 'data/replay.json');
const model = flag('--model', 'winmix-ensemble');
// --until-trigger [REASON]: stop at the first retrain trigger (or the first with that reason).
const untilTrigger = args.includes('--until-trigger');
const triggerReason = untilTrigger && args[args.indexOf('--until-trigger') + 1] && !args[args.indexOf('--until-trigger') + 1].startsWith('--') ? args[args.indexOf('--until-trigger') + 1] : null;
const resultsCsv = flag('--results-csv', null);
const out = flag('--out', null);

/** Columns that are not model inputs: ids, the calendar, the teams' names, and the label. */
const NOT_INPUTS = new Set(['match_id', 'season', 'date', 'home_team', 'away_team', 'result']);

const [header, ...lines] = fs.readFileSync(live, 'utf8').trimEnd().split('\n');
const cols = header.split(',');
const matches = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
// A round is one match date (the file is sorted by date, match id).
const rounds = [];
for (const m of matches) {
  if (rounds.length === 0 || rounds.at(-1)[0].date !== m.date) rounds.push([]);
  rounds.at(-1).push(m);
}

const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : { next: 0 };
const call = async (method, path, body) => {
  const res = await fetch(`${base}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
};

const summary = { from_round: state.next, rounds: 0, matches: 0, correct: 0, confident: 0, confident_wrong: 0, versions: {}, first_response: null, stopped_by: null, monitor: null };
const results = [];
for (let r = state.next; r < rounds.length; r++) {
  const round = rounds[r];
  const instances = round.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !NOT_INPUTS.has(k)).map(([k, v]) => [k, v === '' ? null : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));
  const answer = await call('POST', `/v1/models/${model}/predict`, { instances, entity_ids: round.map((m) => m.match_id) });
  summary.first_response ??= { ...answer, predictions: answer.predictions.slice(0, 2) };
  summary.versions[answer.model.version] = (summary.versions[answer.model.version] ?? 0) + round.length;
  answer.predictions.forEach((p, i) => {
    const right = p.prediction === round[i].result;
    summary.correct += right ? 1 : 0;
    if (p.probability >= 0.7) {
      summary.confident++;
      summary.confident_wrong += right ? 0 : 1;
    }
  });
  summary.rounds++;
  summary.matches += round.length;
  state.next = r + 1;
  // The round is played: its results are the feedback.
  if (resultsCsv) for (const m of round) results.push(`${m.match_id},${m.result}`);
  else await call('POST', '/v1/feedback', { feedback: round.map((m) => ({ entity_id: m.match_id, actual: m.result })) });
  if (untilTrigger) {
    const s = await call('GET', `/v1/models/${model}/monitor`);
    summary.monitor = { status: s.status, labelled: s.performance.labelled, confident_mistakes: s.performance.confidentMistakes, decay: s.performance.decay, alerts: s.alerts.map((a) => `[${a.severity}] ${a.kind}: ${a.message}`), retrain: s.retrain };
    if (s.retrain.length > 0 && (!triggerReason || s.retrain.some((t) => t.reason === triggerReason))) {
      summary.stopped_by = s.retrain.map((t) => t.reason);
      break;
    }
  }
}
if (resultsCsv) fs.writeFileSync(resultsCsv, `entity_id,actual\n${results.join('\n')}\n`);
fs.writeFileSync(stateFile, JSON.stringify(state));
summary.accuracy = summary.matches ? summary.correct / summary.matches : null;
summary.rounds_left = rounds.length - state.next;
if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
const season = (i) => rounds[i]?.[0].season;
console.log(
  `replayed rounds ${summary.from_round + 1}–${state.next} of ${rounds.length} (seasons ${season(summary.from_round)}–${season(state.next - 1)}): ${summary.matches} matches, ` +
    `accuracy ${summary.accuracy?.toFixed(3)}, ${summary.confident} predictions at ≥ 70 % of which ${summary.confident_wrong} wrong; served ${Object.entries(summary.versions).map(([v, n]) => `${model}@${v} × ${n}`).join(', ')}`,
);
if (summary.stopped_by) console.log(`stopped: the monitor reports a retrain trigger (${summary.stopped_by.join(', ')})`);
