"""The `coursesite` command: serve, init, and the commands staff and helpers run."""

import signal
import sys
from pathlib import Path

import click
import segno
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from coursesite.lessons.catalogue import Catalogue


def make_app():
    from coursesite import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=make_app, add_default_commands=False)
def main():
    """Bilingual step-by-step lessons for a community tech-help lab."""


@click.command("init")
@with_appcontext
def init_command():
    """Create the instance folder, its secret key and the database."""
    # create_app has already made all three; say where they are.
    click.echo(f"Instance folder: {current_app.instance_path}")
    click.echo(f"Database: {current_app.config['DATABASE_URL']}")
    click.echo(f"Lessons: {current_app.config['LESSONS']}")


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host, port, threads):
    """Serve the site on the lab network with waitress."""
    from waitress import create_server

    from coursesite.network import site_urls

    app = current_app._get_current_object()
    urls = site_urls(host, port)
    if not app.config.get("PUBLIC_URL"):
        app.config["PUBLIC_URL"] = urls[0]
    server = create_server(app, host=host, port=port, threads=threads, ident="coursesite")
    click.echo("coursesite is running. Open one of these addresses:")
    for url in urls:
        click.echo(f"  {url}")
    click.echo()
    segno.make(urls[0], error="m").terminal(compact=True)
    click.echo(f"Scan to open {urls[0]} on a phone. Press Ctrl-C to stop.")

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        click.echo("coursesite stopped.")


@click.group("lessons")
def lessons_group():
    """Check and prepare lesson files."""


@lessons_group.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@with_appcontext
def lessons_check_command(path):
    """Report problems in lesson files as path:line: severity: message."""
    root = path or Path(current_app.config["LESSONS"])
    catalogue = Catalogue(root, current_app.config["LANGUAGES"], reload_interval=float("inf"))
    problems = catalogue.problems()
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    click.echo(f"{len(catalogue.current().lessons)} lessons read, {errors} errors, "
               f"{len(problems) - errors} warnings.", err=True)
    sys.exit(1 if errors else 0)


def init_app(app):
    """Register the commands on the app (for `flask --app coursesite` too)."""
    for command in (init_command, serve_command, lessons_group):
        app.cli.add_command(command)


if __name__ == "__main__":
    main()
