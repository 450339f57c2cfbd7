"""Form widgets that cost less per request."""

from collections import OrderedDict
from threading import Lock
from typing import Any

from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# Rendered drop-downs kept per process: a filter's lists (kelurahan, job types) are the same
# for thousands of requests, and Django renders each option through a template.
_KEPT = 512


class RememberedSelect(forms.Select):
    """A Select whose HTML is kept for the same name, value, attributes, choices and
    language. Only for choices that hold no personal data (areas, job types, statuses): the
    HTML is shared between users."""

    _rendered: "OrderedDict[tuple[Any, ...], SafeString]" = OrderedDict()
    _lock = Lock()

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        key = (
            type(self),
            name,
            str(value),
            tuple(sorted((attrs or {}).items())),
            tuple(sorted(self.attrs.items())),
            tuple((str(k), str(v)) for k, v in self.choices),
            get_language(),
        )
        with self._lock:
            html = self._rendered.get(key)
            if html is not None:
                self._rendered.move_to_end(key)
                return html
        html = super().render(name, value, attrs, renderer)
        with self._lock:
            self._rendered[key] = html
            while len(self._rendered) > _KEPT:
                self._rendered.popitem(last=False)
        return html
