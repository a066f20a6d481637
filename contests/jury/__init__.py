"""The jury room (``/jury/``): jurors sign in, see their contests and the entries assigned to
them, score them on a score sheet, declare conflicts of interest; the chair closes judging,
reads the results with their agreement charts, records decisions and publishes. A site
includes ``contests.jury.urls`` at ``jury/``."""
