"""The `coursesite` command group, and its two everyday commands: `init` and `serve`."""

import errno
import logging
import re
import signal
from pathlib import Path

import click
import segno
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from coursesite import create_app, services
from coursesite.data.safekeeping.health import how_to_restore
from coursesite.data.safekeeping.private_files import fix_modes
from coursesite.web import logs

log = logging.getLogger(__name__)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def main():
    """Bilingual step-by-step lessons for a community tech-help lab."""


@click.command("init")
@with_appcontext
def init_command():
    """Create the instance folder, its secret key and the database, or upgrade the database."""
    # create_app has already made all three and applied any pending migration; say so.
    from coursesite.data.schema.migrations import stored_version

    refuse_a_damaged_database(current_app)
    db = services.database()
    with db.connection_context():
        version = stored_version(db)
    click.echo(f"Instance folder: {current_app.instance_path}")
    database_url = redact_password(current_app.config["DATABASE_URL"])
    click.echo(f"Database: {database_url} (schema version {version})")
    click.echo(f"Lessons: {current_app.config['LESSONS']}")
    url = current_app.config["DATABASE_URL"]
    database = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    changed = fix_modes(Path(current_app.instance_path), database)
    if changed:
        click.echo(f"Made {len(changed)} files and folders readable by this account only:")
        for path in changed:
            click.echo(f"  {path}")


def refuse_a_damaged_database(app) -> None:
    """Stop with the way back (restore) when the SQLite file is damaged, not a traceback."""
    problem = services.database_problem(app)
    if not problem:
        return
    url = app.config["DATABASE_URL"]
    database = Path(url.removeprefix("sqlite:///"))
    raise click.ClickException(
        f"the database file {database} is damaged ({problem}).\n"
        + how_to_restore(database, Path(app.instance_path))
    )


def redact_password(url: str) -> str:
    """Return a database URL without its password, fit to print."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
# At most this many threads for what is not a quick page (web/serving.py): one runs them,
# another starts only while every running one is held by something slow
# (web/worker_threads.py). 4 is waitress's own default.
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="At most this many requests at once, while some wait on something slow.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    help="The least important messages written to the terminal (default: LOG_LEVEL, info).",
)
@with_appcontext
def serve_command(host, port, threads, log_level):
    """Serve the site on the lab network with waitress."""
    logs.configure(log_level or current_app.config["LOG_LEVEL"])
    from coursesite.learn import start_background_work
    from coursesite.web.collector import set_aside_start_up_objects
    from coursesite.web.network import site_urls
    from coursesite.web.serving import make_server

    app = current_app._get_current_object()
    refuse_a_damaged_database(app)
    urls = site_urls(host, port)
    if not app.config.get("PUBLIC_URL"):
        app.config["PUBLIC_URL"] = urls[0]
    proxy = {}
    if app.config.get("TRUSTED_PROXY"):
        # Behind a reverse proxy: believe its X-Forwarded-* headers (and only its), so the
        # sign-in throttle sees each learner's address and HTTPS requests get Secure cookies.
        proxy = {
            "trusted_proxy": app.config["TRUSTED_PROXY"],
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
            "clear_untrusted_proxy_headers": True,
        }
    try:
        server = make_server(
            app, host=host, port=port, threads=threads, ident="coursesite", **proxy
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} is already in use on {host}: another coursesite, or another "
                f"program, is listening there. Stop it, or choose another port: --port {port + 1}"
            ) from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    # Only once the port is ours: a server that cannot listen exits at once, before the
    # index's thread starts watching the lessons (at exit it would find its watch closed).
    set_aside_start_up_objects()  # before the index's thread starts making its own
    start_background_work(app)
    log.info("listening on %s:%d with at most %d threads", host, port, threads)
    log.debug(
        "lessons from %s, database %s",
        app.config["LESSONS"],
        redact_password(app.config["DATABASE_URL"]),
    )
    click.echo("coursesite is running. Open one of these addresses:")
    for url in urls:
        click.echo(f"  {url}")
    click.echo()
    segno.make(urls[0], error="m").terminal(compact=True)
    click.echo(f"Scan to open {urls[0]} on a phone. Press Ctrl-C to stop.")

    def stop(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C too, even when started from a script that runs it in the background (a shell
    # without job control starts background commands with Ctrl-C ignored).
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        click.echo("coursesite stopped.")
