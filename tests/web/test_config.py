"""Settings and the app's refusal to start unsafely."""

import pytest

from server.config import ConfigError, load_settings


def test_production_refuses_default_secret():
    settings = load_settings({"GOTONG_ENV": "production"})
    assert any("GOTONG_SECRET_KEY" in problem for problem in settings.problems())
    from server.app import create_app

    with pytest.raises(ConfigError, match="GOTONG_SECRET_KEY"):
        create_app(settings)


def test_production_with_a_real_secret_is_fine():
    settings = load_settings({"GOTONG_ENV": "production", "GOTONG_SECRET_KEY": "k" * 40})
    assert settings.problems() == []


def test_database_url_chooses_the_engine():
    assert load_settings({"DATABASE_URL": "postgresql://u@h/db"}).is_postgres
    assert not load_settings({}).is_postgres


def test_every_route_declares_who_may_use_it():
    from server.app import create_app
    from server.web.access import undeclared_routes

    app = create_app(load_settings({}))
    assert undeclared_routes(app) == []
