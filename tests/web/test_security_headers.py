"""Security headers on pages, feeds, static files and errors."""


async def test_pages_carry_a_strict_csp_and_no_referrer(client, db):
    for url in ("/", "/login", "/no-such-page", "/static/app.css", "/calendar.ics"):
        response = await client.get(url)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp, url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in response.headers  # only in production


async def test_templates_have_no_inline_scripts_or_styles():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "<script " not in text.replace('<script src="{{ static_url(', ""), template
        assert " style=" not in text and "<style" not in text, template
        assert "hx-on" not in text and "onclick" not in text, template


async def test_production_adds_hsts(db):
    from litestar.testing import AsyncTestClient

    from server.app import create_app
    from server.config import load_settings

    settings = load_settings(
        {
            "GOTONG_ENV": "production",
            "GOTONG_SECRET_KEY": "s" * 40,
            "DATABASE_URL": __import__("os").environ["DATABASE_URL"],
            "GOTONG_DB_POOL": "0",
        }
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/healthz")
        assert "max-age" in response.headers["strict-transport-security"]
