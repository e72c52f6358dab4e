"""What the harnesses that start real processes share: the faults suite
(tests/faults/), the benchmark (bench/), the audit (audit/), and the integration and
browser tests where they wait for something.

- processes.py: `Process`, one command in a session of its own logging to a file,
  started, stopped, killed, frozen and thawed by its id (never by name), and
  `stop_all` for whatever is left; `free_port`, `tail`, `children`,
  `pid_with_local_port`.
- polling.py: `wait_until(predicate, timeout=, what=)`, the one polling loop, and
  the `Timeout` it raises, naming what it waited for.
- forms.py: the enquiry form as a person sends it: `hidden_fields(html)` from the
  page, `valid_answers()`, `PHONE`.
- visitor.py: `send`, one request as production's proxy and a browser make it
  (cookies kept, a POST with its page's Origin); the audit's `Client` and the faults
  suite's `Browser` are built on it.
- nginx.py: `write_nginx_conf`, the shipped deploy/nginx/referral.conf on loopback.
- smtp_sink.py: a real SMTP server, run as a script (`python harness/smtp_sink.py
  PORT FOLDER`), whose refusals and delays a test switches with flag files.

Nothing here imports Django or the apps: the benchmark and the audit drive the site
from outside, and the production image never imports this package.
"""
