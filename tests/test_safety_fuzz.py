"""Fuzzing ``main.py check`` with mutations of the seed data.json files (hypothesis).

Whatever the mutation (a key deleted, a value swapped for junk of any type, NaN/Infinity, huge
or negative numbers, control characters and lone surrogates, deep nesting, cut or flipped
bytes), check answers 0, 1 or 2, never a traceback, and a refusal is one Chinese line.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import seed_dict

import main

SEEDS = {name: seed_dict(name) for name in ("000", "001", "004")}
CJK = re.compile(r"[\u4e00-\u9fff]")


def paths(value, prefix=()):
    """Every (container path, key) in a JSON tree."""
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append(prefix + (key,))
            out += paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append(prefix + (index,))
            out += paths(item, prefix + (index,))
    return out


# format/version/year/template are refused first whatever else is wrong (the hostile corpus covers
# them), and hypothesis favours the first paths: leave them alone so mutations reach the fields below.
PATHS = {name: [p for p in paths(data) if p[0] not in ("format", "version", "year", "template")]
         for name, data in SEEDS.items()}

HUGE_INT = "<an integer of 5,000 digits>"  # put in as text after json.dumps (repr of such an int fails)
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10 ** 40), max_value=10 ** 40),
    st.sampled_from([0, -1, 10 ** 9 + 1, 2 ** 63, HUGE_INT]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, float("nan"), float("inf")]),
    st.text(max_size=30),
    st.sampled_from(["", "—", "*", "-5", "1e308", "1.1234567", "NaN", "Infinity", "0x10", "１２３", "1,828.14",
                     "\x00", "\x1b[2J", "\ud800", "<b>&amp;", "=1+1", "2024-02-30", "../../etc", "9" * 5000,
                     "问题" * 120_000]),
)
junk = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


def nested(depth: int) -> str:
    """A marker replaced by ``depth`` nested brackets after json.dumps (which would recurse)."""
    return f"<nested {depth}>"


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = json.loads(json.dumps(SEEDS[name]))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = draw(st.sampled_from(PATHS[name]))
        parent = data
        try:
            for key in where[:-1]:
                parent = parent[key]
            key = where[-1]
            parent[key]  # the path may be gone after an earlier mutation
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["delete", "junk", "swap", "nest", "duplicate"]))
        if action == "delete":
            del parent[key]
        elif action == "junk":
            parent[key] = draw(junk)
        elif action == "swap":  # the same value as another JSON type
            value = parent[key]
            parent[key] = (str(value) if not isinstance(value, str)
                           else draw(st.sampled_from([len(value), [value], {"v": value}, None, True])))
        elif action == "nest":
            parent[key] = nested(draw(st.sampled_from([2, 60, 70, 5000])))
        elif isinstance(parent, list):
            parent.append(parent[key])
        else:
            parent[f"{key}_copy"] = parent[key]
    text = json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True)
    text = text.replace(json.dumps(HUGE_INT), "9" * 5000)
    for depth in (2, 60, 70, 5000):
        text = text.replace(json.dumps(nested(depth)), "[" * depth + "]" * depth)
    raw = text.encode("utf-8", "surrogatepass")
    byte_action = draw(st.sampled_from(["none"] * 6 + ["cut", "flip", "insert", "duplicate_key"]))
    if byte_action == "cut":
        raw = raw[: draw(st.integers(min_value=0, max_value=len(raw)))]
    elif byte_action == "flip":
        at = draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw = raw[:at] + bytes([raw[at] ^ draw(st.integers(min_value=1, max_value=255))]) + raw[at + 1:]
    elif byte_action == "insert":
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    elif byte_action == "duplicate_key":
        raw = raw.replace(b'"year":', b'"year": 2023, "year":', 1)
    return raw


def run_check(path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main(["check", str(path)])
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(raw=mutated())
def test_check_survives_mutated_data_json(raw, tmp_path):
    path = tmp_path / "data.json"
    path.write_bytes(raw)
    code, out, err = run_check(path)
    assert code in (0, 1, 2), (code, err[:500])
    assert "Traceback" not in out + err and "内部错误" not in err, err[:500]
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and CJK.search(lines[0]) and len(lines[0]) < 400, err[:500]
        assert out == ""
    else:
        assert out.strip(), "a report that was read is summarised on stdout"


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(raw=mutated())
def test_check_json_output_is_always_valid_json(raw, tmp_path):
    path = tmp_path / "data.json"
    path.write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main(["check", str(path), "--json"])
    assert code in (0, 1, 2)
    document = json.loads(out.getvalue())  # no NaN, no half line: a machine can read it
    assert set(document) == {"errors", "warnings", "derived"}
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in document["derived"].values())


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(raw=mutated())
def test_import_refuses_whole_or_stores_a_report_that_loads_back(raw, tmp_path):
    import hashlib
    import sqlite3

    from models.store import Store
    path = tmp_path / "data.json"
    path.write_bytes(raw)
    db = tmp_path / "fuzz.sqlite3"

    def digest() -> str:
        if not db.exists():
            return ""
        conn = sqlite3.connect(db)
        rows = list(conn.execute("SELECT * FROM report_part ORDER BY report_id, part, position"))
        conn.close()
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    before = digest()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main(["import", str(path), "--db", str(db), "--replace"])
    assert code in (0, 2), err.getvalue()[:500]
    assert "内部错误" not in err.getvalue()
    if code == 2:
        assert digest() == before
    else:
        with Store(db) as store:
            for summary in store.list_reports():
                store.load(summary.id)  # whatever was accepted can be opened again
