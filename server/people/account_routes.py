"""A staff member's own account: signing in and out, the password, the daily digest, and the language they read the
site in."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from server.config import SUPPORTED_LOCALES
from server.errors import DomainError
from server.i18n import gettext as _
from server.people import staff as accounts
from server.web import login_limit
from server.web.access import PUBLIC, STAFF
from server.web.forms import Checkbox, Form, Text
from server.web.identity import LOCALE_COOKIE, sign_in, sign_out
from server.web.rendering import redirect, render


class LoginForm(Form):
    fields = {"username": Text(required=True, max_length=100), "password": Text(required=True, max_length=128)}


class NewPasswordForm(Form):
    """A new password, typed twice (also the form of a password-reset link: server/messages/password_routes.py)."""

    fields = {
        "new_password": Text(required=True, max_length=128),
        "repeat_password": Text(required=True, max_length=128),
    }

    def clean(self) -> None:
        if self["new_password"] != self["repeat_password"]:
            self.add_error("repeat_password", _("The two new passwords differ."))


class PasswordForm(NewPasswordForm):
    fields = {"current_password": Text(required=True, max_length=128), **NewPasswordForm.fields}


class DigestForm(Form):
    fields = {"warning_digest": Checkbox()}


class LanguageForm(Form):
    fields = {"lang": Text(required=True, max_length=5), "next": Text(max_length=500), "remember": Checkbox()}


def local_path(target: str | None) -> bool:
    """Only local paths: an open redirect after sign-in or a language switch would be a phishing aid."""
    return target is not None and target.startswith("/") and not target.startswith("//") and "\\" not in target


def safe_next(request: Request, target: str | None) -> str:
    return target if target and local_path(target) else request.app.route_reverse("dashboard")


@get("/login", opt=PUBLIC, name="login")
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Any:
    if request.user is not None:
        return Redirect(path=safe_next(request, next), status_code=303)
    return render(request, "auth/login.html", {"form": LoginForm(), "next": safe_next(request, next)})


@post("/login", opt={**PUBLIC, "rate_limited": True}, name="login_submit")
async def login_submit(request: Request) -> Any:
    data = await request.form()
    form = LoginForm(data)
    next_url = safe_next(request, data.get("next"))
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
            return render(
                request, "auth/login.html", {"form": form, "next": next_url}, block="login_form", status_code=429
            )
        found = await accounts.authenticate(form["username"], form["password"])
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
    return Redirect(path=request.app.route_reverse("home"), status_code=303)


async def _digest_form(request: Request) -> DigestForm:
    return DigestForm(initial={"warning_digest": await accounts.warning_digest(request.user.id)})


@get("/account/password", opt=STAFF, name="password")
async def password_page(request: Request) -> Any:
    return render(request, "people/password.html", {"form": PasswordForm(), "digest_form": await _digest_form(request)})


@post("/account/password", opt=STAFF, name="password_change")
async def password_change(request: Request) -> Any:
    form = PasswordForm(await request.form())
    if form.is_valid():
        if await accounts.authenticate(request.user.username, form["current_password"]) is None:
            form.add_error("current_password", _("The current password is not correct."))
        else:
            try:
                version = await accounts.change_password(request.user.id, form["new_password"])
                # This device stays signed in under a fresh session; every other session has ended.
                sign_in(request, request.user, version)
                message = _("Password changed. Your other devices were signed out.")
                return redirect(request, request.app.route_reverse("dashboard"), message)
            except DomainError as refusal:
                # The rule names the account's "password"; on this form the new one is meant.
                form.add_error("new_password", refusal.translated())
    context = {"form": form, "digest_form": await _digest_form(request)}
    return render(request, "people/password.html", context, block="password_form", status_code=form.status_code)


@post("/account/digest", opt=STAFF, name="warning_digest")
async def warning_digest_change(request: Request) -> Any:
    form = DigestForm(await request.form())
    wanted = form.is_valid() and bool(form["warning_digest"])
    await accounts.set_warning_digest(request.user.id, wanted)
    if wanted:
        message = _("You will get a daily e-mail of the people who stopped coming, on the days there are any.")
    else:
        message = _("You will not get the daily e-mail of the people who stopped coming.")
    return redirect(request, request.app.route_reverse("password"), message)


@post("/language", opt=PUBLIC, name="language")
async def switch_language(request: Request) -> Any:
    home = request.app.route_reverse("home")
    form = LanguageForm(await request.form())
    if not form.is_valid() or form["lang"] not in SUPPORTED_LOCALES:
        return Redirect(path=home, status_code=303)
    target = form["next"] if local_path(form["next"]) else home
    response = Redirect(path=target, status_code=303)
    response.set_cookie(LOCALE_COOKIE, form["lang"], max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    if request.user is not None:
        await accounts.set_locale_preference(request.user.id, form["lang"])
    return response


ROUTES = [login_page, login_submit, logout, password_page, password_change, warning_digest_change, switch_language]
