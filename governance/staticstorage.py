"""Static files under hashed, compressed names in both modes (`make run` as `make stack`)."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed manifest storage, its hashed names used with DEBUG on as well.

    Django gives the plain name whenever DEBUG is on, so `make run` (DEBUG on) could not let
    the browser keep a file: whitenoise marks a response immutable, cached for years, only
    under a hashed name. scripts/run.py runs collectstatic, so the manifest is there and its
    names are used. With DEBUG on and no manifest entry (a bare `manage.py runserver`, a file
    added since the last collectstatic) the plain name is given instead, and whitenoise serves
    it from the app folders uncached, rather than the page failing as it must without DEBUG.
    """

    def url(self, name, force=False):
        if settings.DEBUG and not force:
            if self.hashed_files.get(self.hash_key(self.clean_name(name))):
                force = True
        return super().url(name, force=force)
