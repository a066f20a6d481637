"""The life cycles of the events app's records, free of HTTP and Celery: one module of transition
functions per record (``registration``, ``proposal``). Views, the admin, tasks and signals call
them; nothing else assigns a registration's or a proposal's ``status``."""
