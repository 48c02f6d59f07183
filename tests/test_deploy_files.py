"""The example deployment in deploy/ agrees with the code it serves: nginx proxies to where gunicorn listens,
is the one trusted proxy the settings assume, lets an attachment at the size limit through, serves the
collected static files and not the attachments; the systemd units load the same settings and start what
scripts/serve_production.py starts."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "pingan.conf").read_text()
ENV = dict(
    line.split("=", 1)
    for line in (DEPLOY / "pingan.env.example").read_text().splitlines()
    if line and not line.startswith("#")
)


def _megabytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([km]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def test_nginx_proxies_to_gunicorns_address_as_the_one_trusted_proxy():
    gunicorn_conf = (ROOT / "gunicorn.conf.py").read_text()
    bind = re.search(r'"PINGAN_BIND", "([^"]+)"', gunicorn_conf).group(1)
    assert f"server {bind} " in NGINX
    assert ENV["PINGAN_TRUSTED_PROXY_COUNT"] == "1"
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX  # appends exactly one entry
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX  # overwrites what a client sent


def test_nginx_takes_an_attachment_at_the_limit_and_waits_longer_than_gunicorn():
    body = _megabytes(re.search(r"client_max_body_size (\w+);", NGINX).group(1))
    assert body >= settings.PINGAN_ATTACHMENT_MAX_BYTES + 1024 * 1024  # the file and the rest of the form
    gunicorn_timeout = int(re.search(r'"PINGAN_WEB_TIMEOUT", "(\d+)"', (ROOT / "gunicorn.conf.py").read_text())[1])
    assert int(re.search(r"proxy_read_timeout (\d+)s;", NGINX).group(1)) > gunicorn_timeout


def test_nginx_serves_static_files_and_never_the_attachments():
    assert "alias /srv/pingan/var/staticfiles/;" in NGINX and ENV["PINGAN_VAR_DIR"] == "/srv/pingan/var"
    assert "location /media" not in NGINX


def test_the_units_share_the_settings_and_start_the_three_processes():
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {
        "pingan-prepare.service",
        "pingan-web.service",
        "pingan-worker.service",
        "pingan-scheduler.service",
    }
    for text in units.values():
        assert "EnvironmentFile=/etc/pingan/pingan.env" in text
    assert "serve_production.py --prepare" in units["pingan-prepare.service"]
    assert "gunicorn --config gunicorn.conf.py" in units["pingan-web.service"]
    assert "manage.py db_worker" in units["pingan-worker.service"]
    assert "manage.py scheduler" in units["pingan-scheduler.service"]
    assert ENV["PINGAN_TASK_BACKEND"] == "database" and ENV["PINGAN_HTTPS"] == "1" and ENV["PINGAN_DEBUG"] == "0"
