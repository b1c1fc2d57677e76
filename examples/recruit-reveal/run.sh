#!/bin/sh
# Recruit Reveal on modelyard (seeds 000/001): one model per position (QB/RB/WR) in one versioned
# registry entry; a new season's retrain; then only the QB model is switched, with an audited alias move.
#   sh examples/recruit-reveal/run.sh            (N=3000 athletes per season; N=800 sh … for a quick run)
set -eu
cd "$(dirname "$0")/../.."
EX=examples/recruit-reveal
N=${N:-3000}
# Generated files go to DATA (default: the example's data/ folder, git-ignored).
DATA=${DATA:-$EX/data}
# The example keeps its own registry unless MODELYARD_HOME / MODELYARD_REGISTRY say otherwise.
if [ -z "${MODELYARD_HOME:-}" ] && [ -z "${MODELYARD_REGISTRY:-}" ]; then
  export MODELYARD_HOME=$EX/.modelyard
  rm -rf "$MODELYARD_HOME"
fi
my() { node bin/modelyard.js "$@"; }

echo "== 1. synthetic athletes: the 2024 and 2025 seasons, and a 2025 hold-out"
npx tsx $EX/generate.ts --n "$N" --season 2024 --seed 1 --out $DATA/athletes_2024.csv
npx tsx $EX/generate.ts --n "$N" --season 2025 --seed 2 --out $DATA/athletes_2025.csv
npx tsx $EX/generate.ts --n $((N / 2)) --season 2025 --seed 3 --out $DATA/holdout_2025.csv

echo "== 2. one model per position, version 1.0.0, serving as champion"
my train $DATA/athletes_2024.csv --target d1_offer --segment-by position --drop athlete_id,season \
  --learner linear --split stratified --name recruit-reveal --version 1.0.0 \
  --changelog "Initial production models" --alias champion

echo "== 3. serve champion (1.0.0) and smoke-test it; a QB and an RB from the 2025 hold-out are scored"
PORT=${PORT:-8431}
URL=http://127.0.0.1:$PORT
node bin/modelyard.js serve --port "$PORT" --models recruit-reveal@champion > "$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
i=0
until curl -sf "$URL/ready" > /dev/null; do
  i=$((i + 1)); [ $i -le 150 ] || { cat "$DATA/serve.log"; exit 1; }; sleep 0.2
done
grep -m 1 "listening" "$DATA/serve.log" || true
my smoke "$URL"
node $EX/request.mjs "$URL" $DATA/holdout_2025.csv QB,RB | tee $DATA/answer_before.json

echo "== 4. retrained on the 2025 season: version 1.1.0 (not serving yet)"
my train $DATA/athletes_2025.csv --target d1_offer --segment-by position --drop athlete_id,season \
  --learner linear --split stratified --name recruit-reveal --version 1.1.0 --changelog "2025 season"

echo "== 5. both versions on the 2025 hold-out, per position"
my evaluate recruit-reveal@1.0.0 $DATA/holdout_2025.csv --json > $DATA/eval_1.0.0.json
my evaluate recruit-reveal@1.1.0 $DATA/holdout_2025.csv --json > $DATA/eval_1.1.0.json
table() {
  node -e '
const files = process.argv.slice(1);
const reps = files.map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
const label = (f) => "AUC " + f.replace(/.*eval_|\.json$/g, "");
console.log("position  rows" + files.map((f) => label(f).padStart(16)).join(""));
for (const s of Object.keys(reps[0].segments).sort())
  console.log(s.padEnd(8), String(reps[0].segments[s].rows).padStart(5) + reps.map((r) => r.segments[s].metrics.roc_auc.toFixed(4).padStart(16)).join(""));
' "$@"
}
table $DATA/eval_1.0.0.json $DATA/eval_1.1.0.json

echo "== 6. only QB improved: switch the QB model, keep RB and WR (new version 1.0.1 becomes champion)"
my models compose recruit-reveal --base recruit-reveal@champion --segment QB=recruit-reveal@1.1.0 \
  --version 1.0.1 --changelog "QB model from 1.1.0: 2025 coaches value dual-threat QBs" --alias champion
my evaluate recruit-reveal@champion $DATA/holdout_2025.csv --json > $DATA/eval_champion.json
table $DATA/eval_1.0.0.json $DATA/eval_1.1.0.json $DATA/eval_champion.json
my models show recruit-reveal
my models audit recruit-reveal

echo "== 7. the running server follows the alias move, without a restart: QB now scored by 1.1.0's model, RB unchanged"
i=0
until node $EX/request.mjs "$URL" $DATA/holdout_2025.csv QB,RB > $DATA/answer_after.json && grep -q '"version":"1.0.1"' $DATA/answer_after.json; do
  i=$((i + 1)); [ $i -le 100 ] || { echo "server did not switch"; exit 1; }; sleep 0.2
done
cat $DATA/answer_after.json
