"""Line breaks in posted text counted as the browser counts them.

A browser sends each line break of a text box as CR LF (two characters) but counts it as one
against the box's ``maxlength``: text that fits in the browser came to the server longer than
its limit ("at most 10000 characters (it has 11998)"). ``NewlinesMiddleware`` (just after
CSRF in ``MIDDLEWARE``) turns every CR LF in a posted form's fields into LF before any view or
form reads them, so the limits count what the person typed, and what is stored has one kind of
line break. Uploaded files (``request.FILES``) are untouched.
"""

from __future__ import annotations

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NewlinesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            posted = request.POST
            if any("\r\n" in value for _key, values in posted.lists() for value in values):
                fixed = posted.copy()
                for key, values in posted.lists():
                    fixed.setlist(key, [value.replace("\r\n", "\n") for value in values])
                fixed._mutable = False
                request.POST = fixed
        return self.get_response(request)
