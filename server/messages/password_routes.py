"""Password reset by e-mail: the "forgot your password?" form and the page that a reset link opens."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath

from server.errors import DomainError, NotFound
from server.i18n import gettext as _
from server.messages import password_reset
from server.people.account_routes import NewPasswordForm
from server.web.access import PUBLIC, TOKEN
from server.web.forms import Form, Text
from server.web.rendering import redirect, render
from server.web.security import SecretLinkHeaders

FORGOT_PAGE = "accounts/password_forgot.html"
RESET_PAGE = "accounts/password_reset.html"


class ForgotForm(Form):
    fields = {"identifier": Text(required=True, max_length=200)}


@get("/password/forgot", opt=PUBLIC, name="password_forgot")
async def forgot_page(request: Request) -> Any:
    return render(request, FORGOT_PAGE, {"form": ForgotForm(), "sent": False})


# Counted by the per-address limit of sign-in attempts (server/app.py); the service caps the links per account.
@post("/password/forgot", opt={**PUBLIC, "rate_limited": True}, name="password_forgot_submit")
async def forgot_submit(request: Request) -> Any:
    form = ForgotForm(await request.form())
    if not form.is_valid():
        return render(request, FORGOT_PAGE, {"form": form, "sent": False}, block="forgot_form", status_code=400)
    base_url = request.app.state.settings.base_url

    def link(token: str) -> str:
        return base_url + request.app.route_reverse("password_reset", token=token)

    response = render(request, FORGOT_PAGE, {"form": ForgotForm(), "sent": True}, block="forgot_form")
    # The same answer, sent before any account is looked up: neither its words, its status nor its timing tell
    # whether an account matched. The lookup and the message happen once the answer has left.
    response.background = BackgroundTask(password_reset.request_reset, form["identifier"], link)
    return response


@get("/password/reset/{token:str}", opt=TOKEN, name="password_reset", middleware=[SecretLinkHeaders()])
async def reset_page(request: Request, token: FromPath[str]) -> Any:
    if not await password_reset.link_is_open(token):
        raise NotFound("password_reset")
    return render(request, RESET_PAGE, {"form": NewPasswordForm(), "token": token})


@post("/password/reset/{token:str}", opt=TOKEN, name="password_reset_submit", middleware=[SecretLinkHeaders()])
async def reset_submit(request: Request, token: FromPath[str]) -> Any:
    if not await password_reset.link_is_open(token):
        raise NotFound("password_reset")
    form = NewPasswordForm(await request.form())
    if form.is_valid():
        try:
            await password_reset.reset_with_link(token, form["new_password"])
        except NotFound:
            raise
        except DomainError as refusal:
            # The rule names the account's "password"; on this form the new one is meant.
            form.add_error("new_password", refusal.translated())
        else:
            message = _("Your new password is set, and every session of yours has ended. Sign in with it.")
            return redirect(request, request.app.route_reverse("login"), message)
    context = {"form": form, "token": token}
    return render(request, RESET_PAGE, context, block="reset_form", status_code=form.status_code)


ROUTES = [forgot_page, forgot_submit, reset_page, reset_submit]
