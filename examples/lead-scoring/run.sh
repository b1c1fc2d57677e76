#!/bin/sh
# Lead scoring on modelyard (seed 004): leads live in a SQL table; the model trains from a query,
# with calibrated probabilities; later leads are scored and evaluated by querying the same table.
#   sh examples/lead-scoring/run.sh          (N=20000 leads; N=4000 sh … for a quick run)
set -eu
cd "$(dirname "$0")/../.."
EX=examples/lead-scoring
N=${N:-20000}
DATA=${DATA:-$EX/data}
if [ -z "${MODELYARD_HOME:-}" ] && [ -z "${MODELYARD_REGISTRY:-}" ]; then
  export MODELYARD_HOME=$EX/.modelyard
  rm -rf "$MODELYARD_HOME"
fi
my() { node bin/modelyard.js "$@"; }
COLS="lead_id, source, industry, company_size, country, seniority, pages_viewed, emails_opened, demo_requested, days_since_last_touch, budget_k, converted"

echo "== 1. a CRM: $N leads over 2025 in SQLite (table leads)"
npx tsx $EX/generate.ts --n "$N" --out $DATA/crm.sqlite

echo "== 2. train on leads created before October, sigmoid-calibrated (cross-fitted), registered as champion"
my train $DATA/crm.sqlite --sql "SELECT $COLS FROM leads WHERE created_at < '2025-10-01'" --target converted \
  --drop lead_id --learner linear --class-weight balanced \
  --calibrate sigmoid --name lead-scoring --changelog "balanced logistic regression, sigmoid calibration" --alias champion --json > $DATA/train.json
node -e '
const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`trained ${t.name}@${t.version} (${t.learner}) on ${t.rows} leads; sha256 ${t.sha256.slice(0, 12)}…`);
for (const [part, c] of Object.entries(t.calibration ?? {})) console.log(`calibration (${c.method}, ${part}): brier ${c.brier_before.toFixed(4)} → ${c.brier_after.toFixed(4)}, ece ${c.ece_before.toFixed(4)} → ${c.ece_after.toFixed(4)}`);
' $DATA/train.json

echo "== 3. evaluate on leads created from October on"
my evaluate lead-scoring $DATA/crm.sqlite --sql "SELECT $COLS FROM leads WHERE created_at >= '2025-10-01'" --json > $DATA/eval.json
node -e '
const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`${e.rows} later leads:`, Object.entries(e.metrics).filter(([k]) => ["roc_auc", "log_loss", "brier", "ece"].includes(k)).map(([k, v]) => `${k} ${v.toFixed(4)}`).join("  "));
' $DATA/eval.json

echo "== 4. score leads by id (features looked up in the CRM table)"
IDS="'L100007', 'L$((100000 + N - 10))', 'L$((100000 + N - 9))'"
my predict lead-scoring $DATA/crm.sqlite --sql "SELECT $COLS FROM leads WHERE lead_id IN ($IDS) ORDER BY lead_id" --keep lead_id

echo "== 5. serve it; score leads by id over HTTP, features looked up in the CRM table (TTL cache)"
PORT=${PORT:-8432}
URL=http://127.0.0.1:$PORT
MAX_BATCH_ROWS=2000 node bin/modelyard.js serve --port "$PORT" --models lead-scoring@champion \
  --features "lead-scoring=sqlite:$DATA/crm.sqlite;table=leads;key=lead_id;ttl=300" > "$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
i=0
until curl -sf "$URL/ready" > /dev/null; do
  i=$((i + 1)); [ $i -le 150 ] || { cat "$DATA/serve.log"; exit 1; }; sleep 0.2
done
post() { curl -s -o "$DATA/$1.json" -w "%{http_code}" -X POST "$URL/v1/models/lead-scoring/predict-by-id" -H 'content-type: application/json' -d "$2"; }
echo "raw id array:      HTTP $(post by_array '["L100007", "L100008"]')  $(cat $DATA/by_array.json)"
echo "{ids: [...]}:      HTTP $(post by_object '{"ids": ["L100007"], "threshold": 0.3}')  $(cat $DATA/by_object.json)"
echo "{lead_ids: [...]}: HTTP $(post by_lead_ids '{"lead_ids": ["L100008"]}')  $(cat $DATA/by_lead_ids.json)"
echo "unknown id:        HTTP $(post unknown '["L999999"]')  $(cat $DATA/unknown.json)"
IDS=$(node -e 'console.log(JSON.stringify(Array.from({ length: 2001 }, (_, i) => "L" + (100000 + i))))')
echo "2001 ids:          HTTP $(post too_many "$IDS")  $(cat $DATA/too_many.json)"
curl -s "$URL/v1/models/lead-scoring" > "$DATA/model.json"
