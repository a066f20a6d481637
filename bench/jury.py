"""The jury in ``make bench``: a contest of ``ENTRIES`` entries judged by ``JURORS`` jurors on
``CRITERIA`` criteria (the issue's scale), and what the jury and the public wait for on it.

``bench.run`` calls ``measure`` after the contest steps, on the run's database and gunicorn. The
Django side of each step is ``python -m bench.jury_steps COMMAND``, which prints one JSON object.

1. ``setup``: the contest under the demo's contests index, every juror assigned every entry,
   every sheet sent but the last juror's (drafts), judging open; bulk inserts.
2. ``compute``: ``contests.results.compute`` (mean, median, trimmed mean, z-scores, ranking,
   Kendall's W, leniency over every sheet) in the step's own process, median of ``ROUNDS``, and
   its SQL queries (the issue allows at most 10, whatever the size).
3. ``save``: the last juror saves a draft of one sheet ``SAVES`` times through gunicorn (a GET
   for the form's version, not timed, then the timed POST answered by a redirect); checked: the
   sheet's version went up once per save and the audit log has the changes.
4. ``chair``: the chair's results page (every figure, the agreement and the two SVG charts),
   ``CHAIR_GETS`` GETs through gunicorn.
5. ``publish``: judging closed and the results published; the contest's public ``results/``
   page is then loaded like the site's pages (``bench.load``).

Each figure is also given as a ratio to the bare view's p50 of the same run.
"""

import json

from bench.services import BenchError, log, run_python

CONTEST_SLUG = "bench-jury"
ENTRIES = 500
JURORS = 9
CRITERIA = 6
NOMINATIONS = 3
ROUNDS = 20
SAVES = 60
CHAIR_GETS = 30
SEED = 2009


def _json(args, env, what, timeout=900):
    return json.loads(run_python(["-m", "bench.jury_steps", *args], env, what, timeout=timeout))


def _ratio(value, base):
    return value / base if value is not None and base else None


def measure(env, base_url, bare_p50, load_url):
    """Run the steps, each on its own: one that fails is reported as failed (one failure
    counted) and the next still runs. ``load_url(url)`` loads a page like ``bench.run`` loads
    the site's. Returns the report's ``jury`` section."""
    report = {"failures": 0}
    try:
        setup = _json(["setup"], env, f"jury: {ENTRIES} entries × {JURORS} jurors × {CRITERIA}")
    except BenchError as error:
        log(f"jury setup failed: {error}")
        return {"setup": {"error": str(error)}, "failures": 1}
    report["setup"] = {key: setup[key] for key in ("entries", "jurors", "criteria", "sheets")}
    steps = {
        "compute": ["compute", f"--rounds={ROUNDS}"],
        "save": [
            "save",
            base_url,
            f"--cookie={setup['juror_cookie']}",
            f"--username=bench-juror-{JURORS - 1}",
            f"--number={setup['juror_entry']}",
            f"--requests={SAVES}",
        ],
        "chair": [
            "chair",
            base_url,
            f"--cookie={setup['chair_cookie']}",
            f"--requests={CHAIR_GETS}",
        ],
        "publish": ["publish"],
    }
    for name, args in steps.items():
        try:
            result = _json(args, env, f"jury: {name}")
        except BenchError as error:
            log(f"jury {name} failed: {error}")
            result = {"error": str(error), "failures": 1}
        result["p50_ratio"] = _ratio(result.get("p50_ms"), bare_p50)
        report[name] = result
        report["failures"] += result["failures"]
    page = load_url(setup["results_path"])
    report["results_page"] = {
        "path": setup["results_path"],
        "p50_ms": page["p50_ms"],
        "p95_ms": page["p95_ms"],
        "p50_ratio": _ratio(page["p50_ms"], bare_p50),
        "failures": page["failures"] + page["warmup_failures"],
    }
    report["failures"] += report["results_page"]["failures"]
    return report


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def section(report):
    """The jury's lines of the printed report."""
    setup = report.get("setup", {})
    lines = [
        f"jury: {setup.get('entries')} entries × {setup.get('jurors')} jurors × "
        f"{setup.get('criteria')} criteria ({setup.get('sheets')} sheets)"
    ]
    rows = [
        ("results computed (in process)", report.get("compute", {})),
        ("score sheet saved (POST)", report.get("save", {})),
        ("chair's results page", report.get("chair", {})),
        ("public results page", report.get("results_page", {})),
    ]
    for name, row in rows:
        lines.append(
            f"  {name:<32} p50 {fmt(row.get('p50_ms'), '8.2f')} ms  "
            f"{fmt(row.get('p50_ratio'), '7.2f')}x bare  fail {row.get('failures', '—')}"
        )
    compute = report.get("compute", {})
    lines.append(f"  results computation: {compute.get('queries', '—')} SQL queries")
    for name in ("compute", "save", "chair", "publish"):
        row = report.get(name, {})
        for problem in row.get("problems", []):
            lines.append(f"  problem: {problem}")
        if row.get("error"):
            lines.append(f"  {name} failed: {row['error'][:300]}")
    return "\n".join(lines)
