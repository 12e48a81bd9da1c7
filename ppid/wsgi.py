import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")
from ppid.pagecache import PublicPageCache

application = PublicPageCache(get_wsgi_application())
