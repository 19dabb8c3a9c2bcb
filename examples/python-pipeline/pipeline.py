#!/usr/bin/env python3
"""A training/serving pipeline in Python talking to Vigil over its HTTP API, standard library only.

It does what a pipeline in any language does with Vigil:
  1. observe: log the live model's predictions (one per symbol per trading day), the first batch
     as CSV (text/csv), the rest as JSON;
  2. resolve: report each prediction's outcome five trading days later;
  3. validate: ask the promotion gate about a candidate model, with the candidate's and the live
     model's predictions on the same held-out rows;
  4. read the gate's report and the accuracy by GICS sector.

The data are synthetic but shaped like a trading model's: a 20-day momentum signal per symbol,
an outcome that follows it 60% of the time, nine large caps from four GICS sectors.

Exit codes: 0 done (whatever the gate decided; --require-approval makes a rejection 1),
2 the API refused a request (its error is printed), 3 the API could not be reached.
"""
import argparse
import csv
import datetime as dt
import io
import json
import random
import sys
import urllib.error
import urllib.request

SYMBOLS = ["AAPL", "MSFT", "JPM", "BAC", "XOM", "CVX", "JNJ", "PFE", "WMT"]
FEATURES = ["mom20", "vol20"]


class ApiError(Exception):
    def __init__(self, status, body):
        err = body.get("error", {}) if isinstance(body, dict) else {}
        self.status = status
        self.code = err.get("code", "?")
        super().__init__(f"HTTP {status} {self.code}: {err.get('message', body)}")


class Vigil:
    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def request(self, method, path, body=None, content_type="application/json"):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")
            headers["Content-Type"] = content_type
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=120) as res:
                return json.loads(res.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as e:
            raw = e.read().decode("utf-8", "replace")
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw
            raise ApiError(e.code, parsed) from None


def trading_days(start, n):
    d, out = start, []
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def make_rows(days, seed):
    """One row per symbol per day: features, the live model's call, the realised outcome."""
    rng = random.Random(seed)
    rows = []
    for day in days:
        for s in SYMBOLS:
            mom = rng.gauss(0, 1)
            vol = abs(rng.gauss(0.2, 0.05))
            up = mom > 0
            outcome = up if rng.random() < 0.6 else not up
            rows.append({
                "id": f"py-{s}-{day.isoformat()}",
                "timestamp": f"{day.isoformat()}T21:00:00Z",
                "symbol": s,
                "regime": "normal",
                "features": {"mom20": round(mom, 6), "vol20": round(vol, 6)},
                "predictedLabel": 1 if up else 0,
                "confidence": round(min(0.99, 0.5 + abs(mom) / 4), 4),
                "modelVersion": "live-v1",
                "actualLabel": 1 if outcome else 0,
            })
    return rows


def as_record(r):
    return {k: r[k] for k in ("id", "timestamp", "symbol", "regime", "features", "predictedLabel", "confidence", "modelVersion")}


def as_csv(rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "timestamp", "symbol", "regime", "predictedLabel", "confidence", "modelVersion", *FEATURES])
    for r in rows:
        w.writerow([r["id"], r["timestamp"], r["symbol"], r["regime"], r["predictedLabel"], r["confidence"], r["modelVersion"], *(r["features"][f] for f in FEATURES)])
    return out.getvalue()


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="Vigil's base URL, e.g. http://127.0.0.1:8787")
    p.add_argument("--token", default=None, help="API token for writes (or leave unset to see the refusal)")
    p.add_argument("--model", required=True, help="candidate model file, relative to the gate's root")
    p.add_argument("--days", type=int, default=120)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--require-approval", action="store_true", help="exit 1 when the gate rejects")
    a = p.parse_args(argv)

    api = Vigil(a.url, a.token)
    days = trading_days(dt.date(2021, 1, 4), a.days)
    rows = make_rows(days, a.seed)
    try:
        health = api.request("GET", "/api/health")
        print(f"vigil: {health['status']} ({health['database']}), plugins {', '.join(health['plugins'])}")

        accepted = 0
        for i in range(0, len(rows), a.batch):
            chunk = rows[i:i + a.batch]
            if i == 0:
                res = api.request("POST", "/api/observe", as_csv(chunk), content_type="text/csv")
            else:
                res = api.request("POST", "/api/observe", {"records": [as_record(r) for r in chunk]})
            accepted += res["accepted"]
        print(f"observed {accepted} predictions ({len(SYMBOLS)} symbols x {len(days)} trading days)")

        # outcomes arrive five trading days after each prediction; the last week stays open
        open_from = days[-5].isoformat()
        due = [r for r in rows if r["timestamp"][:10] < open_from]
        resolved = 0
        for i in range(0, len(due), a.batch):
            res = api.request("POST", "/api/resolve", {"outcomes": [{"id": r["id"], "actualLabel": r["actualLabel"]} for r in due[i:i + a.batch]]})
            resolved += res["resolved"]
        print(f"resolved {resolved} outcomes ({len(rows) - len(due)} still open)")

        # the candidate is scored on held-out rows beside the live model (paired)
        holdout = make_rows(trading_days(days[-1] + dt.timedelta(days=1), 40), a.seed + 2)
        def candidate_call(r):
            # the candidate adds a volatility filter: on quiet names it trusts momentum more
            up = r["features"]["mom20"] > (0.0 if r["features"]["vol20"] < 0.2 else 0.3)
            return 1 if up else 0
        validation = {
            # the same field names as observe and resolve: predictedLabel, actualLabel
            "predictions": [{"symbol": r["symbol"], "regime": r["regime"], "predictedLabel": candidate_call(r), "actualLabel": r["actualLabel"], "confidence": r["confidence"], "features": r["features"]} for r in holdout],
            "baselinePredictions": [{"symbol": r["symbol"], "regime": r["regime"], "predictedLabel": r["predictedLabel"], "actualLabel": r["actualLabel"], "confidence": r["confidence"], "features": r["features"]} for r in holdout],
        }
        report = api.request("POST", "/api/gate/validate", {"modelPath": a.model, "validation": validation})
        print(f"gate: {report['recommendation']} {report['modelPath']} (history row {report['id']})")
        for c in report["checks"]:
            value = "-" if c.get("value") is None else f"{c['value']:.4g}"
            print(f"  {c['status']:<12} {c['id']:<30} {value:>8}  {c['message']}")

        latest = api.request("GET", "/api/gate/latest")
        assert latest["id"] == report["id"], "the latest gate report is the one just written"
        # figures are per model: name the one this pipeline runs
        sectors = api.request("GET", "/api/sectors?model=live-v1")
        for s in sectors["sectors"]:
            if s.get("resolved"):
                print(f"  sector {s['sector']:<24} accuracy {s['accuracy']:.1%} (n={s['resolved']})")
        # the replay buffer's worst errors join back to our own predictions by id
        export = api.request("GET", "/api/replay/export?model=live-v1&format=json")
        ours = {r["id"]: r for r in rows}
        joined = [e for e in export["rows"] if e["id"] in ours and ours[e["id"]]["predictedLabel"] == e["predictedLabel"]]
        print(f"replay export: {len(export['rows'])} buffered errors of {export['model']}, {len(joined)} joined back to our predictions by id")
    except ApiError as e:
        print(f"vigil API refused the request: {e}", file=sys.stderr)
        return 2
    except urllib.error.URLError as e:
        print(f"vigil API unreachable at {a.url}: {e.reason}", file=sys.stderr)
        return 3
    return 1 if a.require_approval and not report["approved"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
