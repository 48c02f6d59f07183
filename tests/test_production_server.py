"""The production server, started for real in subprocesses with production settings from the environment (as
systemd would start it, deploy/systemd/): `manage.py check --deploy` is clean (Django's deployment checklist,
https://docs.djangoproject.com/en/stable/howto/deployment/checklist/, whose first step is that command); gunicorn
refuses DEBUG and the repository's SECRET_KEY with a clear message and a non-zero exit; with good settings it
serves, believes X-Forwarded-Proto only when a trusted proxy is configured, and sends HSTS over HTTPS; and
scripts/serve_production.py refuses bad settings and stops everything when one of its processes ends."""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
START_DEADLINE = 120  # seconds: a generous bound on a busy machine, never a measured timing


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """The environment of deploy/pingan.env.example, on an embedded database of its own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PINGAN_", "DATABASE_URL", "DJANGO_"))  # nothing of the test run's settings
    }
    env.update(
        {
            "PINGAN_SECRET_KEY": secrets.token_urlsafe(50),
            "PINGAN_DEBUG": "0",
            "PINGAN_ALLOWED_HOSTS": "pingan.example.gov.cn,127.0.0.1",
            "PINGAN_HTTPS": "1",
            "PINGAN_TRUSTED_PROXY_COUNT": "1",
            "PINGAN_TASK_BACKEND": "database",
            "PINGAN_VAR_DIR": str(tmp_path / "var"),
            "PINGAN_WEB_WORKERS": "1",
            "PINGAN_WEB_THREADS": "2",
            # The data keys from the environment (never the first run's generated file, which check --deploy
            # refuses: pingan.E102).
            "PINGAN_DATA_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "PINGAN_DATA_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_check_deploy_is_clean_with_production_settings(production_env):
    result = subprocess.run(
        [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_reports_debug_and_the_default_key(production_env):
    del production_env["PINGAN_SECRET_KEY"]
    production_env["PINGAN_DEBUG"] = "1"
    result = subprocess.run(
        [*MANAGE, "check", "--deploy"], env=production_env, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode != 0
    assert result.stderr.count("(pingan.E001)") == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"PINGAN_SECRET_KEY": None}, "SECRET_KEY is the repository's default"), ({"PINGAN_DEBUG": "1"}, "DEBUG is on")],
)
def test_gunicorn_refuses_to_start_with_unsafe_settings(production_env, change, reason):
    for key, value in change.items():
        if value is None:
            del production_env[key]
        else:
            production_env[key] = value
    production_env["PINGAN_BIND"] = f"127.0.0.1:{free_port()}"
    result = subprocess.run(
        GUNICORN, env=production_env, capture_output=True, text=True, cwd=ROOT, timeout=START_DEADLINE
    )
    assert result.returncode != 0
    assert "Ping'an refuses to serve with these settings" in result.stderr
    assert reason in result.stderr


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def wait_until_up(server: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server ended with {server.returncode}"
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer")


@pytest.mark.parametrize("proxies", [1, 0])
def test_gunicorn_serves_and_believes_the_scheme_only_from_a_trusted_proxy(production_env, proxies):
    production_env["PINGAN_TRUSTED_PROXY_COUNT"] = str(proxies)
    port = free_port()
    production_env["PINGAN_BIND"] = f"127.0.0.1:{port}"
    server = subprocess.Popen(GUNICORN, env=production_env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(server, f"{base}/healthz")
        status, headers = get(f"{base}/healthz")  # a local monitor, straight to gunicorn over HTTP
        assert status == 200 and "Strict-Transport-Security" not in headers
        status, headers = get(f"{base}/accounts/login/")  # plain HTTP is sent to HTTPS
        assert status == 301 and headers["Location"] == f"https://127.0.0.1:{port}/accounts/login/"
        status, headers = get(f"{base}/healthz", {"X-Forwarded-Proto": "https"})  # from nginx, on loopback
        if proxies:
            assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        else:  # nobody's word on the scheme is believed
            assert "Strict-Transport-Security" not in headers
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=START_DEADLINE)
    assert server.returncode == 0


def test_serve_production_refuses_bad_settings_before_touching_anything(production_env, tmp_path):
    del production_env["PINGAN_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "serve_production.py")],
        env=production_env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=START_DEADLINE,
    )
    assert result.returncode == 2
    assert "refusing to start" in result.stderr and "pingan.E001" in result.stderr
    assert not (tmp_path / "var" / "staticfiles").exists()  # nothing collected (nor migrated: it comes first)


def _serve_production(monkeypatch, children):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import serve_production
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    monkeypatch.setattr(serve_production, "CHILDREN", children)
    monkeypatch.setattr(serve_production, "RESTART_DELAY", 0.1)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        return serve_production.supervise(dict(os.environ))
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def test_serve_production_restarts_the_worker_and_keeps_serving(monkeypatch, tmp_path):
    """A worker that ends (the database is down: it cannot start) is started again while the web server keeps
    answering (503 while the database is away); the web server's own end stops the site with its status."""
    starts = tmp_path / "starts"
    worker = f"open({str(starts)!r}, 'a').write('x'); import sys; sys.exit(3)"
    web = (  # serves until the worker has been started three times, then ends with status 4
        f"import time, os, sys\np = {str(starts)!r}\n"
        "while not os.path.exists(p) or os.path.getsize(p) < 3: time.sleep(0.05)\nsys.exit(4)"
    )
    status = _serve_production(
        monkeypatch, {"web": [sys.executable, "-c", web], "worker": [sys.executable, "-c", worker]}
    )
    assert status == 4  # the web server's end is the site's end
    assert len(starts.read_text()) >= 3  # the worker was started again after each end
