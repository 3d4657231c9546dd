"""Admin pages for staff accounts."""
from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server.errors import DomainError
from server.i18n import gettext as _
from server.people import services
from server.people.forms import EditStaffForm, NewStaffForm
from server.web.access import ADMIN, ROLES, STAFF
from server.web.forms import Form, Text
from server.web.identity import sign_in
from server.web.rendering import redirect, render


class StaffAdminController(Controller):
    path = "/admin/staff"
    opt = ADMIN

    @get("/", name="staff_list")
    async def staff_list(self, request: Request) -> Any:
        return render(request, "people/staff_list.html", {"staff": await services.list_staff(), "form": NewStaffForm(initial={"role": "facilitator"}), "roles": ROLES})

    @post("/", name="staff_create")
    async def staff_create(self, request: Request) -> Any:
        form = NewStaffForm(await request.form())
        if form.is_valid():
            try:
                await services.create_staff(
                    username=form["username"],
                    email=form["email"],
                    password=form["password"],
                    display_name=form["display_name"],
                    role=form["role"],
                )
                return redirect(request, "/admin/staff", _("Account created."))
            except DomainError as error:
                form.add_error(error.field or "username", error.translated())
        return render(
            request,
            "people/staff_list.html",
            {"staff": await services.list_staff(), "form": form, "roles": ROLES},
            block="new_staff_form",
            status_code=400,
        )

    @get("/{staff_id:int}", name="staff_edit")
    async def staff_edit(self, request: Request, staff_id: FromPath[int]) -> Any:
        member = await services.get_staff(staff_id)
        return render(request, "people/staff_edit.html", {"member": member, "form": EditStaffForm(initial=member), "roles": ROLES})

    @post("/{staff_id:int}", name="staff_update")
    async def staff_update(self, request: Request, staff_id: FromPath[int]) -> Any:
        member = await services.get_staff(staff_id)
        form = EditStaffForm(await request.form())
        if form.is_valid():
            try:
                await services.update_staff(
                    staff_id,
                    actor=request.user,
                    role=form["role"],
                    active=form["active"],
                    display_name=form["display_name"],
                    licence_number=form["licence_number"],
                    licence_expires_on=form["licence_expires_on"],
                )
                return redirect(request, "/admin/staff", _("Account updated."))
            except DomainError as error:
                form.add_error(error.field or "role", error.translated())
        return render(request, "people/staff_edit.html", {"member": member, "form": form, "roles": ROLES}, block="staff_form", status_code=400)


class PasswordForm(Form):
    fields = {
        "current_password": Text(required=True, max_length=128),
        "new_password": Text(required=True, max_length=128),
        "repeat_password": Text(required=True, max_length=128),
    }

    def clean(self) -> None:
        if self["new_password"] != self["repeat_password"]:
            self.add_error("repeat_password", _("The two new passwords differ."))


@get("/account/password", opt=STAFF, name="password")
async def password_page(request: Request) -> Any:
    return render(request, "people/password.html", {"form": PasswordForm()})


@post("/account/password", opt=STAFF, name="password_change")
async def password_change(request: Request) -> Any:
    form = PasswordForm(await request.form())
    if form.is_valid():
        if await services.authenticate(request.user.username, form["current_password"]) is None:
            form.add_error("current_password", _("The current password is not correct."))
        else:
            try:
                version = await services.change_password(request.user.id, form["new_password"])
                # This device stays signed in under a fresh session; every other session has ended.
                sign_in(request, request.user, version)
                return redirect(request, "/dashboard", _("Password changed. Your other devices were signed out."))
            except DomainError as error:
                form.add_error("new_password", error.translated())
    return render(request, "people/password.html", {"form": form}, block="password_form", status_code=400)


@get("/admin", opt=ADMIN, name="admin")
async def admin_home(request: Request) -> Any:
    return redirect(request, "/admin/staff")


ROUTES = [StaffAdminController, admin_home, password_page, password_change]
