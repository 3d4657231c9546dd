"""Admin pages for staff accounts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server.errors import DomainError
from server.i18n import gettext as _
from server.people import staff as accounts
from server.people.forms import EditStaffForm, NewStaffForm
from server.web.access import ADMIN, ROLES
from server.web.rendering import redirect, render


class StaffAdminController(Controller):
    path = "/admin/staff"
    opt = ADMIN

    @get("/", name="staff_list")
    async def staff_list(self, request: Request) -> Any:
        context = {
            "staff": await accounts.list_staff(),
            "form": NewStaffForm(initial={"role": "facilitator"}),
            "roles": ROLES,
        }
        return render(request, "people/staff_list.html", context)

    @post("/", name="staff_create")
    async def staff_create(self, request: Request) -> Any:
        form = NewStaffForm(await request.form())
        if form.is_valid():
            try:
                await accounts.create_staff(
                    username=form["username"],
                    email=form["email"],
                    password=form["password"],
                    display_name=form["display_name"],
                    role=form["role"],
                )
                return redirect(request, request.app.route_reverse("staff_list"), _("Account created."))
            except DomainError as refusal:
                form.refuse(refusal, "username")
        context = {"staff": await accounts.list_staff(), "form": form, "roles": ROLES}
        return render(request, "people/staff_list.html", context, block="new_staff_form", status_code=form.status_code)

    @get("/{staff_id:int}", name="staff_edit")
    async def staff_edit(self, request: Request, staff_id: FromPath[int]) -> Any:
        member = await accounts.get_staff(staff_id)
        return render(
            request, "people/staff_edit.html", {"member": member, "form": EditStaffForm(initial=member), "roles": ROLES}
        )

    @post("/{staff_id:int}", name="staff_update")
    async def staff_update(self, request: Request, staff_id: FromPath[int]) -> Any:
        member = await accounts.get_staff(staff_id)
        form = EditStaffForm(await request.form())
        if form.is_valid():
            try:
                await accounts.update_staff(
                    staff_id,
                    actor=request.user,
                    role=form["role"],
                    active=form["active"],
                    display_name=form["display_name"],
                    licence_number=form["licence_number"],
                    licence_expires_on=form["licence_expires_on"],
                )
                return redirect(request, request.app.route_reverse("staff_list"), _("Account updated."))
            except DomainError as refusal:
                form.refuse(refusal, "role")
        context = {"member": member, "form": form, "roles": ROLES}
        return render(request, "people/staff_edit.html", context, block="staff_form", status_code=form.status_code)


@get("/admin", opt=ADMIN, name="admin")
async def admin_home(request: Request) -> Any:
    return redirect(request, request.app.route_reverse("staff_list"))


ROUTES = [StaffAdminController, admin_home]
