"""Site-wide routes: home, sign-in and sign-out, language switch, health check."""
from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from server.config import SUPPORTED_LOCALES
from server.db import engine
from server.i18n import gettext as _
from server.people import services as people
from server.schedule import services as schedule
from server.web import login_limit
from server.web.access import PUBLIC, STAFF
from server.web.forms import Checkbox, Form, Text
from server.web.identity import LOCALE_COOKIE, sign_in, sign_out
from server.web.rendering import redirect, render


class LoginForm(Form):
    fields = {"username": Text(required=True, max_length=100), "password": Text(required=True, max_length=128)}


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect after sign-in would be a phishing aid."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/dashboard"


@get("/", opt=PUBLIC, name="home")
async def home(request: Request) -> Any:
    sessions = await schedule.upcoming_public_sessions(limit=8)
    return render(request, "home.html", {"sessions": sessions})


@get("/login", opt=PUBLIC, name="login")
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Any:
    if request.user is not None:
        return Redirect(path=safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"form": LoginForm(), "next": safe_next(next)})


@post("/login", opt={**PUBLIC, "rate_limited": True}, name="login_submit")
async def login_submit(request: Request) -> Any:
    data = await request.form()
    form = LoginForm(data)
    next_url = safe_next(data.get("next"))
    if form.is_valid():
        settings = request.app.state.settings
        failures = request.app.stores.get(login_limit.STORE_NAME)
        if await login_limit.is_locked(failures, form["username"], settings.login_failures_per_account):
            form.add_error(
                "password",
                _(
                    "Too many failed sign-ins for this account. Please wait %(minutes)s minutes and try again.",
                    minutes=settings.login_failure_window_minutes,
                ),
            )
            return render(request, "auth/login.html", {"form": form, "next": next_url}, block="login_form", status_code=429)
        found = await people.authenticate(form["username"], form["password"])
        if found is not None:
            staff, version = found
            await login_limit.clear(failures, form["username"])
            sign_in(request, staff, version)
            return redirect(request, next_url, _("Welcome, %(name)s.", name=staff.display_name))
        await login_limit.record_failure(failures, form["username"], settings.login_failure_window_minutes)
        form.add_error("password", _("The username or password is not correct."))
    return render(request, "auth/login.html", {"form": form, "next": next_url}, block="login_form", status_code=400)


@post("/logout", opt=STAFF, name="logout")
async def logout(request: Request) -> Any:
    sign_out(request)
    return Redirect(path="/", status_code=303)


class LanguageForm(Form):
    fields = {"lang": Text(required=True, max_length=5), "next": Text(max_length=500), "remember": Checkbox()}


@post("/language", opt=PUBLIC, name="language")
async def switch_language(request: Request) -> Any:
    form = LanguageForm(await request.form())
    if not form.is_valid() or form["lang"] not in SUPPORTED_LOCALES:
        return Redirect(path="/", status_code=303)
    target = form["next"] if form["next"].startswith("/") and not form["next"].startswith("//") else "/"
    response = Redirect(path=target, status_code=303)
    response.set_cookie(LOCALE_COOKIE, form["lang"], max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    if request.user is not None:
        await people.set_locale_preference(request.user.id, form["lang"])
    return response


@get("/healthz", opt={**PUBLIC, "skip_session": True}, name="healthz", media_type=MediaType.JSON, cache=False)
async def healthz() -> Response:
    try:
        await engine().run_ddl("SELECT 1")
        database = "ok"
    except Exception as error:  # the check must answer even when the database is down
        database = f"error: {type(error).__name__}"
    status = 200 if database == "ok" else 503
    return Response(content={"app": "ok", "database": database}, status_code=status, media_type=MediaType.JSON)


ROUTES = [home, login_page, login_submit, logout, switch_language, healthz]
