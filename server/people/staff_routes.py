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


def _edit_context(member: dict[str, Any], form: EditStaffForm | None = None, **extra: str) -> dict[str, Any]:
    context = {"member": member, "form": form or EditStaffForm(initial=member), "roles": ROLES}
    return {**context, "temporary_password": "", "password_error": "", **extra}


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
        return render(request, "people/staff_edit.html", _edit_context(member))

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
        context = _edit_context(member, form)
        return render(request, "people/staff_edit.html", context, block="staff_form", status_code=form.status_code)

    @post("/{staff_id:int}/password", name="staff_password_reset")
    async def staff_password_reset(self, request: Request, staff_id: FromPath[int]) -> Any:
        """A temporary password for someone who forgot theirs (no e-mail needed): shown in this answer, once."""
        member = await accounts.get_staff(staff_id)
        password = accounts.temporary_password()
        try:
            await accounts.reset_password(staff_id, password, actor=request.user)
        except DomainError as refusal:
            context = _edit_context(member, password_error=refusal.translated())
            return render(request, "people/staff_edit.html", context, status_code=refusal.status)
        response = render(request, "people/staff_edit.html", _edit_context(member, temporary_password=password))
        response.headers["Cache-Control"] = "no-store"
        return response


@get("/admin", opt=ADMIN, name="admin")
async def admin_home(request: Request) -> Any:
    return redirect(request, request.app.route_reverse("staff_list"))


ROUTES = [StaffAdminController, admin_home]
