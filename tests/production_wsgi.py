"""The test server's WSGI application (tests/production.py): ppid/wsgi.py's, with the public
page cache reading the shared generation counter at every request instead of every second, so
that a test's reset (a new generation, AppServer.reset) holds from the very next request."""

from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()  # sets Django up: import the project after it
from ppid.pagecache import PublicPageCache  # noqa: E402

application = PublicPageCache(django_application, check_seconds=0)
