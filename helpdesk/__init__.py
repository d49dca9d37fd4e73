"""helpdesk: the Success Coach Client Center."""

import importlib
import logging
import os

from flask import Flask

# Feature packages, in the order their blueprints are registered. Each has `bp` (pages) in
# __init__.py and may have `api.py` with `blp` (the flask-smorest API blueprint).
FEATURES = (
    "auth", "home", "admin", "clients", "notifications", "inbox", "audits", "calibration", "moderation", "tickets",
    "rankings", "sla", "ingest", "imports", "mail", "generate", "demo", "live",
)


def create_app(config=None) -> Flask:
    """Build the app. `config` is a Config class or a dict of overrides; the environment applies on top."""
    from helpdesk import errors, jobs, oplog, security
    from helpdesk.auth import loaders
    from helpdesk.config import Config, production_warnings
    from helpdesk.db_setup import include_in_migrations
    from helpdesk.extensions import api, csrf, db, init_limiter, init_pool, login_manager, migrate

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(__name__, template_folder=os.path.join(root, "templates"),
                instance_path=os.environ.get("HELPDESK_INSTANCE") or os.path.join(root, "instance"))
    overrides = {}
    config_class = Config
    if isinstance(config, dict):
        overrides = config
    elif config is not None:
        config_class = config
    app.config.from_mapping(config_class.load(app.instance_path))
    app.config.update(overrides)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in loaders.csrf_unless_bearer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for warning in production_warnings(app.config):
        logging.getLogger("helpdesk.config").warning(warning)

    db.init_app(app)
    init_pool(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"), render_as_batch=True,
                     include_object=include_in_migrations)
    login_manager.init_app(app)
    csrf.init_app(app)
    init_limiter(app)
    api.init_app(app)
    loaders.init_app(app)
    errors.init_app(app)
    oplog.init_app(app)
    security.init_app(app)  # before the blueprints: their rules use its `int` converter
    jobs.init_app(app)

    for name in FEATURES:
        package = importlib.import_module(f"helpdesk.{name}")
        _import_optional(f"helpdesk.{name}.models")
        if hasattr(package, "bp"):
            app.register_blueprint(package.bp)
        api_module = _import_optional(f"helpdesk.{name}.api")
        if api_module is not None:
            api.register_blueprint(api_module.blp)
        cli_module = _import_optional(f"helpdesk.{name}.cli")
        if cli_module is not None:
            cli_module.register(app)

    from helpdesk import cli, gate, template_helpers

    template_helpers.init_app(app)
    cli.register(app)
    gate.init_app(app)  # last: it wraps the whole WSGI app
    return app


def _import_optional(module: str):
    """Import a feature's optional module (models, api, cli); None if the feature has none."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
