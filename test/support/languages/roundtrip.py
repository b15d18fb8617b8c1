"""Round trip through the generated Python module, standard library only.

Usage: python3 roundtrip.py <directory holding realtime_contract.py>

Reads NDJSON on stdin, one `[title, message]` per line, decodes each message with
`<title in snake case>_from_dict` and re-encodes it with `<...>_to_dict`. Writes one NDJSON
line per input line: `{"ok": re-encoded}` or `{"error": "<exception type>: <text>"}`, so one
process serves every message and a rejection is a result, not a crash.
"""
import json
import re
import sys

sys.path.insert(0, sys.argv[1])
import realtime_contract  # noqa: E402  (the path is only known at run time)


def converter(title: str, suffix: str):
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", title).lower()
    return getattr(realtime_contract, f"{snake}_{suffix}")


for line in sys.stdin:
    title, message = json.loads(line)
    try:
        result = {"ok": converter(title, "to_dict")(converter(title, "from_dict")(message))}
    except Exception as error:  # every failure is reported against its message
        result = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(result))
