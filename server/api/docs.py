"""The API's OpenAPI document (/api/schema/openapi.json) and its human docs (/api/schema), rendered on the server
as plain HTML: no script from a CDN, so the page works offline and under the site's content security policy."""

from __future__ import annotations

import html
from typing import Any

from litestar import Request, Router
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import MediaType, ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.web.access import PUBLIC
from server.web.security import PRIVATE_NO_STORE

SCHEMA_PATH = "/api/schema"
DOCS_ROUTE = "api_docs"  # the docs page's route name, for url_for (Litestar names only its JSON handler)
# Shapes, never data, the same for everyone: any cache may keep them a while (they change with a new release).
# /api/ is read without a session, so a signed-in browser gets exactly what anyone gets.
DOCS_CACHE_CONTROL = "public, max-age=3600"
DESCRIPTION = (
    "Read-only counts and aggregates of Gotong: programs (public facts), sessions, enrolment and attendance "
    "counts, survey results with the small-group rule, and data-check counts. No personal data. Send an API key "
    "made by an administrator as `Authorization: Bearer <key>` or `X-API-Key: <key>`."
)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


class PlainDocsPlugin(OpenAPIRenderPlugin):
    """Endpoints, parameters and response shapes as one HTML page (no JavaScript)."""

    def __init__(self, path: str = "/") -> None:
        super().__init__(path=path, media_type=MediaType.HTML)

    def receive_router(self, router: Router) -> None:
        """Names the handler Litestar made for this page (before the app registers the router), so templates reach
        it with url_for(DOCS_ROUTE)."""
        for route in router.routes:
            for handler in getattr(route, "route_handlers", []):
                if handler.name is None and set(handler.paths) & set(self.paths):
                    handler.name = DOCS_ROUTE

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        info = openapi_schema.get("info", {})
        schemas = openapi_schema.get("components", {}).get("schemas", {})
        parts = [
            '<!doctype html><html lang="en"><head><meta charset="utf-8">',
            f"<title>{_e(info.get('title', 'API'))}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "</head><body><main>",
            f"<h1>{_e(info.get('title', 'API'))} {_e(info.get('version', ''))}</h1>",
            f"<p>{_e(info.get('description', ''))}</p>",
            f'<p><a href="{_e(self.get_openapi_json_route(request))}">OpenAPI document (JSON)</a></p>',
            "<h2>Endpoints</h2>",
        ]
        for path, operations in sorted(openapi_schema.get("paths", {}).items()):
            for method, operation in operations.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                parts.append(f"<section><h3><code>{_e(method.upper())} {_e(path)}</code></h3>")
                parts.append(f"<p>{_e(operation.get('summary', ''))}</p>")
                if operation.get("description"):
                    parts.append(f"<p>{_e(operation['description'])}</p>")
                parameters = [p for p in operation.get("parameters", []) if p.get("in") in ("path", "query")]
                if parameters:
                    parts.append("<ul>")
                    for parameter in parameters:
                        text = f"<code>{_e(parameter['name'])}</code> ({_e(parameter['in'])})"
                        if parameter.get("description"):
                            text += " — " + _e(parameter["description"])
                        parts.append(f"<li>{text}</li>")
                    parts.append("</ul>")
                ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
                reference = ok.get("schema", {}).get("$ref", "")
                if reference:
                    parts.append(
                        f'<p>Answers <a href="#{_e(reference.rsplit("/", 1)[-1])}">'
                        f"{_e(reference.rsplit('/', 1)[-1])}</a>.</p>"
                    )
                parts.append("</section>")
        parts.append("<h2>Shapes</h2>")
        for name, schema in sorted(schemas.items()):
            parts.append(f'<section id="{_e(name)}"><h3>{_e(name)}</h3><ul>')
            for field, spec in schema.get("properties", {}).items():
                kind = spec.get("type") or spec.get("$ref", "").rsplit("/", 1)[-1] or "see OpenAPI"
                parts.append(f"<li><code>{_e(field)}</code>: {_e(kind)}</li>")
            parts.append("</ul></section>")
        parts.append("</main></body></html>")
        return "".join(parts).encode()


class DocsHeaders(ASGIMiddleware):
    """Cache-Control of the docs: public caching for what they answer, no-store for an error (a 404 under them)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async def send_with_caching(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["Cache-Control"] = DOCS_CACHE_CONTROL if message["status"] == 200 else PRIVATE_NO_STORE
            await send(message)

        await next_app(scope, receive, send_with_caching)


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Gotong API",
        version="1",
        description=DESCRIPTION,
        components=Components(
            security_schemes={
                "BearerKey": SecurityScheme(type="http", scheme="bearer", description="An API key."),
                "HeaderKey": SecurityScheme(type="apiKey", name="X-API-Key", security_scheme_in="header"),
            }
        ),
        render_plugins=[PlainDocsPlugin("/"), JsonRenderPlugin(path="/openapi.json")],
        # The documentation is public: it describes shapes, never data, and needs no key. Left out of the document.
        openapi_router=Router(
            path=SCHEMA_PATH,
            route_handlers=[],
            opt=PUBLIC,
            include_in_schema=False,
            middleware=[DocsHeaders()],
        ),
    )
