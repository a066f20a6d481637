"""OCR of one scanned page with tesseract (the Debian packages ``tesseract-ocr`` and
``tesseract-ocr-rus``), whose ALTO is the page's master text.

    available()          # whether tesseract runs here and knows every language of OCR_LANGUAGES
    version()            # «tesseract 5.3.0», kept as the page's ``ocr_engine``
    recognise(path)      # ALTO (bytes) of the image at ``path``; raises OcrFailed

tesseract runs as a child process, one page at a time: ``OMP_THREAD_LIMIT=1`` (its OpenMP
threads would otherwise take every core a worker shares with the others), at most
``OCR_SECONDS`` seconds and ``OCR_MEGABYTES`` of address space (RLIMIT_AS, set in the child
before it starts), so a page that would take the machine fails alone.

Where tesseract or its Russian data is missing, ``available()`` is false: the admin says so
(``checks.py``, the issue's pages view), pages are tiled and made ready without text, and can be
run again once it is installed."""

import os
import subprocess
import time

from django.utils.translation import gettext as _

from .conf import setting

#: How long ``available()`` trusts what it found (seconds): installing the package needs no
#: restart.
CHECK_EVERY = 60
#: What tesseract, leptonica or the loader say when memory runs out.
MEMORY_SIGNS = ("alloc", "memory", "failed to map", "pix not defined")
_found = {"at": None, "key": None, "available": False, "version": ""}


class OcrFailed(Exception):
    """OCR of a page failed, with a translated ``message``."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _program():
    return setting("TESSERACT")


def _run(args, timeout=30):
    return subprocess.run(  # noqa: S603 — the program is a setting, the arguments ours
        [_program(), *args],
        capture_output=True,
        timeout=timeout,
        check=False,
        env=_environment(),
    )


def _environment():
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _look():
    key = (_program(), setting("OCR_LANGUAGES"))
    now = time.monotonic()
    if _found["key"] == key and _found["at"] is not None and now - _found["at"] < CHECK_EVERY:
        return _found
    available, version = False, ""
    try:
        languages = _run(["--list-langs"])
        said = _run(["--version"])
    except (OSError, subprocess.SubprocessError):
        pass
    else:
        known = set(languages.stdout.decode("utf-8", "replace").split())
        wanted = set(setting("OCR_LANGUAGES").split("+"))
        available = languages.returncode == 0 and wanted <= known
        lines = (said.stdout or said.stderr).decode("utf-8", "replace").splitlines()
        version = lines[0].strip()[:100] if lines else ""
    _found.update(at=now, key=key, available=available, version=version)
    return _found


def available():
    """Whether tesseract runs here with every language of ``OCR_LANGUAGES``."""
    return _look()["available"]


def version():
    """tesseract's version line («tesseract 5.3.0»), or empty."""
    return _look()["version"]


def _limit_memory():  # pragma: no cover — runs in the child, between fork and exec
    import resource  # noqa: PLC0415

    limit = setting("OCR_MEGABYTES") * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def recognise(path):
    """The ALTO (bytes) tesseract writes for the image at ``path``. Raises ``OcrFailed``: too
    slow, out of memory, or tesseract failing on the image."""
    command = [_program(), path, "stdout", "-l", setting("OCR_LANGUAGES"), "alto"]
    try:
        done = subprocess.run(  # noqa: S603 — the program is a setting, the arguments ours
            command,
            capture_output=True,
            timeout=setting("OCR_SECONDS"),
            check=False,
            env=_environment(),
            preexec_fn=_limit_memory,  # noqa: PLW1509 — in a worker process, before exec only
        )
    except subprocess.TimeoutExpired:
        raise OcrFailed(
            _("Recognising the text took longer than %(seconds)s seconds.")
            % {"seconds": setting("OCR_SECONDS")}
        ) from None
    except OSError:
        raise OcrFailed(_("The OCR program could not be started.")) from None
    said = done.stderr.decode("utf-8", "replace").lower()
    # Past its address-space limit tesseract fails in several ways: the loader cannot map a
    # library, an allocation throws, or leptonica gets no image and tesseract goes on with an
    # «Empty page!!» and exit status 0.
    out_of_memory = done.returncode < 0 or any(sign in said for sign in MEMORY_SIGNS)
    if out_of_memory or done.returncode != 0 or not done.stdout.strip():
        if out_of_memory:
            raise OcrFailed(
                _("Recognising the text needed more memory than the %(megabytes)s MB allowed.")
                % {"megabytes": setting("OCR_MEGABYTES")}
            )
        raise OcrFailed(_("The OCR program could not read the page's image."))
    return done.stdout
