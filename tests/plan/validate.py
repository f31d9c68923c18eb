#!/usr/bin/env python3
"""validate.py SCHEMA DOC... - each JSON document against the JSON Schema
(draft 2020-12) with python3-jsonschema; prints the first error of each
invalid one; exit 1 if any is invalid."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path))
    if errors:
        bad += 1
        e = errors[0]
        print("%s: %s at %s" % (path, e.message[:300], "/".join(str(p) for p in e.path)))
sys.exit(1 if bad else 0)
