#!/bin/sh
# WinMix on modelyard (seed 002): train three match-outcome models, use the champion from the command
# line and over HTTP, then replay two "live" seasons through the server with the prediction log,
# feedback, the monitor (decay alert, confident mistakes), an automatic retrain to a challenger,
# shadow scoring, and a promotion that needs a standing recommendation and a human's --approve.
#   sh examples/winmix/run.sh
# Every step is an ordinary modelyard command (or an HTTP call); replay.mjs plays the rounds.
set -eu
EX=$(cd "$(dirname "$0")" && pwd)
BIN=${MODELYARD_BIN:-$EX/../../bin/modelyard.js}
DATA=$EX/data
if [ -z "${MODELYARD_HOME:-}" ] && [ -z "${MODELYARD_REGISTRY:-}" ]; then
  export MODELYARD_HOME=$EX/.modelyard
fi
# A fresh start: registry, prediction log, pipeline cache and outputs.
rm -rf "${MODELYARD_HOME:-/nonexistent}" "$EX/.modelyard-pipeline" "$DATA" "$EX/models" "$EX/reports"
my() { node "$BIN" "$@"; }
M=winmix-ensemble

echo "== 1. pipeline: league → point-in-time features → split → logistic / forest / ensemble (5-fold CV) → test season"
my pipeline run "$EX/pipeline.yaml" 2> "$EX/pipeline.log" || { cat "$EX/pipeline.log"; exit 1; }
mv "$EX/pipeline.log" "$DATA/pipeline.log"
node -e '
const fs = require("fs"); const dir = process.argv[1];
const f = (v) => v.toFixed(4);
console.log("model     CV log loss      CV accuracy      test log loss  test accuracy  test AUC");
for (const m of ["logistic", "forest", "ensemble"]) {
  const t = JSON.parse(fs.readFileSync(`${dir}/reports/train_${m}.json`, "utf8"));
  const e = JSON.parse(fs.readFileSync(`${dir}/reports/test_${m}.json`, "utf8"));
  const cv = (k) => `${f(t.cv.mean[k])} ± ${f(t.cv.std[k])}`;
  console.log(`${m.padEnd(9)} ${cv("log_loss")}  ${cv("accuracy")}  ${f(e.metrics.log_loss)}         ${f(e.metrics.accuracy)}         ${f(e.metrics.roc_auc)}`);
}' "$EX"

echo "== 2. the prediction CLI (seed: prediction_engine.py --info / --predict --match-id / --model-id / --batch)"
FIRST=$(sed -n 2p "$DATA/live.csv" | cut -d, -f1)
my models show $M@champion | sed -n "1,2p;4,5p"
my predict $M@champion "$DATA/live.csv" --id "$FIRST" --probabilities
my predict winmix-forest@1.0.0 "$DATA/live.csv" --id "$FIRST" --probabilities
my predict $M@champion "$DATA/live.csv" --probabilities --keep match_id,home_team,away_team --out "$DATA/live-predictions.csv"
head -3 "$DATA/live-predictions.csv"

echo "== 3. serve the champion; every prediction goes to the prediction log (durable, inputs kept for retraining)"
PORT=${PORT:-8433}
URL=http://127.0.0.1:$PORT
MODELYARD_LOG=durable MODELYARD_LOG_INPUTS=full MODELYARD_SHADOW_REFRESH_MS=1000 \
  node "$BIN" serve --port "$PORT" --models $M@champion > "$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
i=0
until curl -sf "$URL/ready" > /dev/null; do
  i=$((i + 1)); [ $i -le 150 ] || { cat "$DATA/serve.log"; exit 1; }; sleep 0.2
done

echo "== 4. live seasons, round by round: predict, then the results as feedback (POST /v1/feedback), until the monitor asks for a retrain"
node "$EX/replay.mjs" "$URL" --live "$DATA/live.csv" --state "$DATA/replay.json" --model $M --until-trigger confident_mistakes --out "$DATA/phase1.json"
node -e 'const s = require(process.argv[1]); console.log("sample response:", JSON.stringify(s.first_response))' "$DATA/phase1.json"

echo "== 5. monitor check: send the alerts, retrain (recipe replayed on the training data + the logged feedback) → challenger"
my monitor check $M --config "$EX/monitor.json" --data "$DATA/train.parquet" --json > "$DATA/check1.json"
node -e '
const c = require(process.argv[1]);
console.log(`${c.ref}: ${c.status}; ${c.performance.labelled} labelled; confident mistakes ${c.performance.confidentMistakes}; sent ${c.sent} alert(s); retrain job ${c.retrain_job}`);
for (const d of c.performance.decay) console.log(`  decay ${d.metric}: live ${d.live.toFixed(4)} vs training ${d.training.toFixed(4)} (${d.status})`);
for (const a of c.alerts) console.log(`  [${a.severity}] ${a.kind}: ${a.message}`);
console.log(`  retrain triggers: ${c.retrain.map((t) => t.reason).join(", ")}`);' "$DATA/check1.json"
my models show $M | head -6
echo "-- approve the challenger now? (no recommendation yet: refused)"
if my models promote $M@challenger --approve 2> "$DATA/promote1.err"; then echo "unexpected: promoted"; exit 1; fi
cat "$DATA/promote1.err"

echo "== 6. the rest of the live seasons: the champion answers, the challenger scores the same rows in shadow; results arrive as a CSV"
node "$EX/replay.mjs" "$URL" --live "$DATA/live.csv" --state "$DATA/replay.json" --model $M --results-csv "$DATA/results.csv" --out "$DATA/phase2.json"
sleep 1  # let the shadow scorer finish its last rows
my feedback "$DATA/results.csv" --model $M

echo "== 7. monitor check: champion vs challenger on the same labelled rows (the decision goes to the audit log)"
my monitor check $M --config "$EX/monitor.json" --json > "$DATA/check2.json"
node -e '
const c = require(process.argv[1]); const x = c.challenger;
console.log(`${c.ref}: ${c.status}; ${c.performance.labelled} labelled`);
for (const d of c.performance.decay) console.log(`  decay ${d.metric}: live ${d.live.toFixed(4)} vs training ${d.training.toFixed(4)} (${d.status})`);
console.log(`challenger ${x.challenger} vs champion ${x.champion} on ${x.paired} paired rows: ${x.metric} ${x.challengerValue?.toFixed(4)} vs ${x.championValue?.toFixed(4)}; ${x.test ? x.test.name + " p = " + x.test.pValue.toPrecision(3) : "no test"} → ${x.decision.toUpperCase()}`);
for (const r of x.reasons) console.log(`  - ${r}`);' "$DATA/check2.json"

echo "== 8. a human approves (promotes only if the monitor recommends it)"
if my models promote $M@challenger --approve --reason "reviewed the closed-doors retrain" > "$DATA/promote2.out" 2>&1; then echo "approved:"; else echo "refused:"; fi
cat "$DATA/promote2.out"
my models show $M | head -2

echo "== 9. the audit log"
my models audit $M
