"""The `klimawerk` command line: one typer app, one module per command group."""

from __future__ import annotations

import typer

from app.cli import baseline, db, exporting, importing, keys, load, proxy, serve

app = typer.Typer(
    help="Klima.Werk measure registry: serve the API, manage the database, load data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(load.app, name="load")
app.add_typer(keys.app, name="keys")
app.add_typer(baseline.app, name="baseline")
app.add_typer(proxy.app, name="proxy")
app.command("serve")(serve.serve)
app.command("import")(importing.import_measures)
app.command("export")(exporting.export_measures)

if __name__ == "__main__":
    app()
