from project import identity


def site(request):
    """The programme's identity on every page: ``SITE_NAME`` (its name) and ``PROGRAMME`` (all of it)."""
    programme = identity.current()
    return {"SITE_NAME": programme.name, "PROGRAMME": programme}
