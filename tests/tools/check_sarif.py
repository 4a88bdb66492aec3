#!/usr/bin/env python3
# Copied from the project steering files: validates SARIF against the OASIS 2.1.0 schema and
# GitHub code scanning ingestion rules. Usage: check_sarif.py SCHEMA FILE
"""Validate SARIF against the OASIS 2.1.0 schema + GitHub code-scanning ingestion rules."""
import gzip, io, json, sys
from jsonschema import Draft4Validator

schema = json.load(open(sys.argv[1]))
path = sys.argv[2]
raw = open(path, "rb").read()
log = json.loads(raw)
errs, warns = [], []

v = Draft4Validator(schema)
for e in sorted(v.iter_errors(log), key=lambda e: list(e.absolute_path)):
    errs.append(f"schema: /{'/'.join(map(str, e.absolute_path))}: {e.message}")

gz = len(gzip.compress(raw))
if gz > 10 * 1024 * 1024: errs.append(f"gzip size {gz} > 10 MB")
if log.get("version") != "2.1.0": errs.append("version must be 2.1.0")
if not log.get("$schema"): warns.append("$schema missing")
runs = log.get("runs") or []
if len(runs) > 20: errs.append(f"{len(runs)} runs > 20")
seen = set()
for ri, run in enumerate(runs):
    drv = (run.get("tool") or {}).get("driver") or {}
    cat = (run.get("automationDetails") or {}).get("id", "")
    cat = cat.rsplit("/", 1)[0] if "/" in cat else ""
    key = (drv.get("name"), cat)
    if key in seen: errs.append(f"runs[{ri}]: duplicate tool+category {key} (rejected since 2025)")
    seen.add(key)
    if not drv.get("name"): errs.append(f"runs[{ri}]: tool.driver.name missing")
    rules = drv.get("rules") or []
    if len(rules) > 25000: errs.append(f"runs[{ri}]: {len(rules)} rules > 25000")
    ids = {}
    for i, r in enumerate(rules):
        ids[r.get("id")] = i
        p = f"runs[{ri}].rules[{i}] {r.get('id')}"
        for f in ("shortDescription", "fullDescription", "help"):
            if not (r.get(f) or {}).get("text"): warns.append(f"{p}: {f}.text missing (GitHub 'required')")
        props = r.get("properties") or {}
        tags = props.get("tags") or []
        if len(tags) > 20: errs.append(f"{p}: {len(tags)} tags > 20")
        elif len(tags) > 10: warns.append(f"{p}: only 10 of {len(tags)} tags shown")
        ss = props.get("security-severity")
        if ss is not None:
            try:
                x = float(ss)
                if not (0.0 < x <= 10.0): warns.append(f"{p}: security-severity {ss} outside (0,10] -> no severity")
            except (TypeError, ValueError):
                warns.append(f"{p}: security-severity {ss!r} not a numeric string")
            if not isinstance(ss, str): warns.append(f"{p}: security-severity should be a string")
            if "security" not in tags: warns.append(f"{p}: security-severity set but 'security' tag missing")
    results = run.get("results")
    if results is None: errs.append(f"runs[{ri}]: results[] missing"); continue
    if len(results) > 25000: errs.append(f"runs[{ri}]: {len(results)} results > 25000")
    elif len(results) > 5000: warns.append(f"runs[{ri}]: only top 5000 results shown")
    for k, res in enumerate(results):
        p = f"runs[{ri}].results[{k}]"
        rid = res.get("ruleId") or (res.get("rule") or {}).get("id")
        if rid is not None and rid not in ids: warns.append(f"{p}: ruleId {rid} not in driver.rules")
        if not (res.get("message") or {}).get("text"): errs.append(f"{p}: message.text missing")
        locs = res.get("locations") or []
        if not locs: errs.append(f"{p}: no locations -> GitHub will not display it")
        if len(locs) > 1000: errs.append(f"{p}: {len(locs)} locations > 1000")
        for li, loc in enumerate(locs[:1]):
            pl = loc.get("physicalLocation") or {}
            uri = (pl.get("artifactLocation") or {}).get("uri")
            if not uri: errs.append(f"{p}.locations[{li}]: artifactLocation.uri missing")
            elif "://" in uri and not uri.startswith("file://"): warns.append(f"{p}: non-file absolute uri {uri}")
            reg = pl.get("region") or {}
            if "startLine" not in reg: warns.append(f"{p}.locations[{li}]: region.startLine missing")
        if "primaryLocationLineHash" not in (res.get("partialFingerprints") or {}):
            warns.append(f"{p}: no partialFingerprints.primaryLocationLineHash (upload-sarif computes it; API upload does not)")
        if res.get("suppressions"): warns.append(f"{p}: has suppressions -> GitHub ignores them, alert stays open")
for e in errs: print("ERROR  ", e)
for w in warns: print("WARNING", w)
print(f"{path}: {len(errs)} errors, {len(warns)} warnings, gzip={gz} bytes")
sys.exit(1 if errs else 0)
