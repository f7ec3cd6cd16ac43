"""Run the Flask app under gunicorn from `prom web`, without a separate config file."""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app


def serve(app: Flask, *, host: str, port: int, workers: int) -> None:
    """Serve with pre-forked workers; each worker starts with an empty pool of its own after the fork."""
    engine = app.extensions["prom"].engine

    def post_fork(_server, _worker) -> None:
        engine.dispose(close=False)

    _Server(app, {"bind": f"{host}:{port}", "workers": workers, "post_fork": post_fork,
                  "accesslog": None, "errorlog": "-"}).run()
