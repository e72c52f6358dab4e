"""nginx (Debian's) as production's proxy, on loopback: the shipped
deploy/nginx/referral.conf pointed at a gunicorn of ours. Used by the benchmark
(bench/stack.py) and tests/integration/test_proxy_cache.py."""

import os
from pathlib import Path

from .processes import ROOT

NGINX_CONF = ROOT / "deploy" / "nginx" / "referral.conf"


def write_nginx_conf(
    folder: Path, *, web_port: int, proxy_port: int, static_port: int, log: Path
) -> Path:
    """folder/nginx.conf: the shipped deploy/nginx/referral.conf in front of
    127.0.0.1:`web_port` on `proxy_port`, beside a static server of
    folder/floor.html on `static_port`. ValueError when the shipped file no longer
    says what is replaced here."""
    shipped = NGINX_CONF.read_text()
    ours = shipped
    for old, new in (
        ("server web:8000;", f"server 127.0.0.1:{web_port};"),
        ("listen 80;", f"listen 127.0.0.1:{proxy_port};"),
        ("/var/cache/nginx/referral_pages", str(folder / "nginx-cache")),
    ):
        if old not in ours:
            raise ValueError(f"deploy/nginx/referral.conf no longer says {old!r}")
        ours = ours.replace(old, new)
    (folder / "referral.conf").write_text(ours)
    temp = folder / "nginx-temp"
    temp.mkdir(exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""{user}
worker_processes auto;
pid {folder}/nginx.pid;
error_log {log} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    # The machine's limit: the article page's own bytes, from a file.
    server {{
        listen 127.0.0.1:{static_port};
        location = /article {{
            alias {folder}/floor.html;
            default_type "text/html; charset=utf-8";
        }}
    }}
    include {folder}/referral.conf;
}}
""")
    return folder / "nginx.conf"
