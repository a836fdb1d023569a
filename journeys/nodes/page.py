"""A flow step's page, named rather than imported.

The flows are declarations the pages depend on (a page finishes its step through a service),
so a flow must not import its pages: ``page("journeys.views.steps.ReviewRequest")`` names the
class view and imports it the first time the step is served. viewflow calls a node's view only
when a request comes, so the flow module stays free of views, forms and services.
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

from ..flows.driver import serving


class Page:
    """A callable view: ``dotted`` (a class-based view) with ``as_view(**initkwargs)``, built on first use."""

    def __init__(self, dotted: str, **initkwargs: Any) -> None:
        self.dotted = dotted
        self.initkwargs = initkwargs
        self._view = None

    @property
    def view_class(self):
        return import_string(self.dotted)

    @property
    def view(self):
        if self._view is None:
            self._view = self.view_class.as_view(**self.initkwargs)
        return self._view

    def __call__(self, request, *args, **kwargs):
        # A POST runs inside viewflow's lock of the step's process, with the task read under it.
        activation = getattr(request, "activation", None)
        task = activation.task if activation is not None and request.method == "POST" else None
        with serving(task):
            return self.view(request, *args, **kwargs)

    def over(self, request, *args, **kwargs):
        """The page's answer once its step no longer waits on its owner (``participant_step.step_view``):
        its view's ``over()``, with the request as ``dispatch`` would have it; None if it has none."""
        view = self.view_class(**self.initkwargs)
        if not hasattr(view, "over"):
            return None
        view.setup(request, *args, **kwargs)
        return view.over()

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.initkwargs.items())
        return f"page({self.dotted!r}{extra})"


def page(dotted: str, **initkwargs: Any) -> Page:
    return Page(dotted, **initkwargs)
