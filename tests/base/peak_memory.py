"""How much a process's peak resident memory grows while it checks or inspects files, measured
in a fresh Python process (so that nothing this test process did before counts). The probe runs
each file through the web check (``check_upload``, as the forms call it) or the worker's
inspection (``contests.inspection.inspect``) and reports, per file, the growth of its peak
resident set (Linux's VmHWM, reset before each file through /proc/self/clear_refs) and what the
check said."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = ["pdf", "docx", "pptx", "odt", "jpeg", "png"]

PROBE = r"""
import gc, io, json, resource, sys
from pathlib import Path

import django

django.setup()

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kuzbib_site.base.uploads import check_upload

mode, folder, kinds = sys.argv[1], Path(sys.argv[2]), sys.argv[3].split(",")
MAX_BYTES = 20 * 1024 * 1024


def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # KiB


def run(name, data):
    if mode == "web":
        try:
            return check_upload(SimpleUploadedFile(name, data), kinds, MAX_BYTES)
        except ValidationError as error:
            return " ".join(error.messages)
    from contests import inspection

    report = inspection.inspect(io.BytesIO(data), name, kinds, MAX_BYTES)
    preview = None
    if report.preview:
        from PIL import Image

        preview = Image.open(io.BytesIO(report.preview)).size
    return {"kind": report.kind, "problem": report.problem, "preview": preview}


# First use of each library (imports, caches, pdfium's fonts) is not what is measured.
for path in sorted((folder / "warm").iterdir()):
    run(path.name, path.read_bytes())

# A safety net for the code under test, not the measure: a check that would take gigabytes
# fails with MemoryError here instead of taking the machine.
mapped = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (mapped + 2 * 1024**3, resource.RLIM_INFINITY))

results = {}
for path in sorted((folder / "files").iterdir()):
    data = path.read_bytes()
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from the current RSS
    start = status("VmRSS")
    try:
        outcome = run(path.name, data)
    except MemoryError:
        outcome = "MemoryError"
    results[path.name] = {"grew_mib": (status("VmHWM") - start) / 1024, "outcome": outcome}
print(json.dumps(results))
"""


def peak_growth(mode, files, warm, tmp_path, kinds=KINDS):
    """Run the probe in ``mode`` ("web" or "worker") on ``files`` (name → bytes) after the
    ``warm`` ones; returns name → {"grew_mib": …, "outcome": …}."""
    for folder, content in (("files", files), ("warm", warm)):
        (tmp_path / folder).mkdir()
        for name, data in content.items():
            (tmp_path / folder / name).write_bytes(data)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(tmp_path), ",".join(kinds)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
