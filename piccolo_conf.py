"""Piccolo's entry point: the database engine chosen by DATABASE_URL, and the apps whose tables it holds."""

from piccolo.conf.apps import AppRegistry

from server.config import load_settings
from server.db import make_engine

DB = make_engine(load_settings())

APP_REGISTRY = AppRegistry(apps=["server.piccolo_app", "piccolo.apps.user.piccolo_app"])
