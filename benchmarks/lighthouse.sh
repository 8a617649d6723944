#!/usr/bin/env bash
# Lighthouse (mobile settings) on a step page of the starter lessons, served on 127.0.0.1.
# Usage: bash benchmarks/lighthouse.sh  → benchmarks/out/lighthouse.json and a summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd benchmarks && PUPPETEER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund --loglevel=error)
PORT=${PORT:-8765}
INSTANCE=$(mktemp -d)
mkdir -p benchmarks/out
COURSESITE_INSTANCE=$INSTANCE .venv/bin/coursesite serve --host 127.0.0.1 --port "$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$INSTANCE"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
URL="http://127.0.0.1:$PORT/fr/lessons/creer-adresse-courriel/3"
curl -sf "$URL" >/dev/null  # makes the screenshot's WebP copies before measuring
CHROME_PATH=$(command -v chromium) benchmarks/node_modules/.bin/lighthouse "$URL" \
  --quiet --output=json --output-path=benchmarks/out/lighthouse.json \
  --only-categories=performance,accessibility,best-practices --form-factor=mobile \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run"
python3 - <<'PY'
import json
report = json.load(open("benchmarks/out/lighthouse.json"))
scores = {k: v["score"] for k, v in report["categories"].items()}
audits = report["audits"]
print("lighthouse", report["lighthouseVersion"], scores,
      "FCP", audits["first-contentful-paint"]["displayValue"],
      "LCP", audits["largest-contentful-paint"]["displayValue"],
      "TBT", audits["total-blocking-time"]["displayValue"],
      "CLS", audits["cumulative-layout-shift"]["displayValue"])
for key, category in report["categories"].items():
    for ref in category["auditRefs"]:
        audit = audits[ref["id"]]
        if audit.get("score") is not None and audit["score"] < 1 and ref.get("weight", 0) > 0:
            print(f"  {key}: {ref['id']} {audit['score']} {audit.get('displayValue', '')}")
PY
