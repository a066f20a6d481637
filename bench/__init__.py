"""``make bench``: how fast the public pages are, measured against a bare Django view.

What it measures, on a throwaway database filled with the demo site plus a larger generated
dataset (see ``bench.dataset``), served by gunicorn with the project's ``gunicorn.conf.py`` and
production settings, twice: with the anonymous page cache (as in production) and without it:

* latency (p50, p95) and throughput (requests/s) of each URL in ``bench.run.PAGES``, a fixed
  number of requests per URL with a few concurrent users (``bench.load``, locust as a library),
  on both gunicorns, with a check that the cached one answers the pages it should from the cache;
* the SQL queries each URL runs once caches are warm (``bench.queries``, in-process), with the
  page cache off and on (a hit's);
* the morning of the conference (``bench.burst``): 200 visitors at once on the conference page
  and its programme for 30 s, p95 and requests per second;
* the peak resident memory of the gunicorn workers;
* contest entries (``bench.contests``, its Django side ``bench.contest_steps``, participants
  ``bench.participants``, files from ``bench.files``): the entry form's multipart
  POST on the same gunicorn (p50 over the bare view's), the processing pipeline's entries per
  minute with one real Celery worker, and a worker's peak memory on a 50 MB PDF (over the same
  worker idle).

Why ratios: absolute timings depend on the machine, on what else runs on it and on the load
generator, which shares the CPUs with gunicorn. A bare view (``/bench/bare/``: the full
middleware stack, no template, no query) served by the same gunicorn in the same run absorbs
all of that, so "p50 is 6x bare" compares across machines and runs where "p50 is 12 ms" does not.

Nothing here is imported by the site; ``bench.settings`` and ``bench.urls`` exist only to add
the bare view to the production configuration for the run.
"""
