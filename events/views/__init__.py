"""The events app's public views, by page: ``calendar`` (.ics files), ``programme`` (the grid and
the Frab schedule), ``resolution`` (the PDF), ``registration`` and ``proposal`` (the public forms
and the private pages behind a token link).

Each is a plain function ``view(request, page, **route_kwargs)`` that a page model declares with
``kuzbib_site.base.routes.page_route`` by its dotted path: models never import this package."""
