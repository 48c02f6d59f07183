"""gunicorn's configuration for Ping'an (gunicorn reads ./gunicorn.conf.py by itself; scripts/serve_production.py
and deploy/systemd/pingan-web.service pass it explicitly). Everything sized or placed here can be overridden from
the environment; docs/deployment.md lists the variables.

gunicorn is the production WSGI server because it is the long-standing, well-kept pre-fork server for Django
(pure Python, no build step, documented by Django itself); it runs behind nginx, which terminates TLS, serves
nothing dynamic and buffers slow clients."""

import os

wsgi_app = "pingan.wsgi:application"

# Where nginx reaches us: loopback by default (deploy/nginx/pingan.conf proxies to 127.0.0.1:8000).
bind = os.environ.get("PINGAN_BIND", "127.0.0.1:8000").split(",")


def _cpus() -> int:
    """The CPUs this process may run on (a container's or a cgroup-pinned service's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Sized to the machine: gunicorn's rule of thumb of (2 x cores) + 1 processes, each with a few threads so that
# a request waiting on the database or a spreadsheet export does not hold a whole process.
workers = int(os.environ.get("PINGAN_WEB_WORKERS", str(2 * _cpus() + 1)))
worker_class = "gthread"
threads = int(os.environ.get("PINGAN_WEB_THREADS", "4"))
# A request that takes longer than this is killed and its worker replaced (the whole-city export runs as a
# background task, not in a request). nginx's proxy_read_timeout is set a little longer.
timeout = int(os.environ.get("PINGAN_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Workers are recycled now and then, so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# Load Django once in the master before forking: a broken configuration (DEBUG on, the default SECRET_KEY:
# pingan.core.deploy) stops the server at once with its message instead of failing worker after worker.
preload_app = True

# X-Forwarded-Proto is believed (wsgi.url_scheme) only from our own proxies, and only when the site says it has
# one: PINGAN_TRUSTED_PROXY_COUNT is the setting that also decides whether Django reads X-Forwarded-For
# (pingan.core.middleware.client_ip) and X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER). Without a trusted proxy
# no address may set them; with one, nginx's address (loopback unless PINGAN_FORWARDED_ALLOW_IPS says otherwise).
forwarded_allow_ips = (
    os.environ.get("PINGAN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
    if int(os.environ.get("PINGAN_TRUSTED_PROXY_COUNT", "0")) > 0
    else ""
)

# The access log goes to standard output (journald under systemd). It records the path without the query
# string: searches carry phone and ID numbers, which must not land in a plain-text log. %(h)s is the proxy;
# the client's address is the last X-Forwarded-For entry nginx added.
accesslog = os.environ.get("PINGAN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("PINGAN_WEB_LOG_LEVEL", "info")
proc_name = "pingan-web"
# gunicorn's run-time control socket (gunicornc) is not needed: systemd and signals manage the server.
control_socket_disable = True


def when_ready(server: object) -> None:
    """Before the workers are forked: close any database connection the master opened while loading Django,
    so that no two processes share one."""
    from django.db import connections

    connections.close_all()
