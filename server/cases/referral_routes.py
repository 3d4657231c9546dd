"""Staff pages of referrals: referring a case's person, a referral's status, and the open referrals of the
organisation (or of one partner)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath

from server.cases import referrals
from server.cases.referral_forms import ReferralFilterForm, ReferralForm, ReferralStatusForm
from server.cases.routes import CasePages
from server.errors import DomainError
from server.i18n import gettext as _
from server.web.access import STAFF
from server.web.pagination import PageRequest, paginate
from server.web.rendering import redirect, render

LIST_PAGE = "cases/referral_list.html"
PAGE_SIZE = 50


class ReferralPages(Controller):
    """The list answers every staff member with what is theirs to follow (organizers and administrators: the
    organisation's); a case's referrals answer only to who may see the case (anyone else: 404)."""

    path = "/cases"
    opt = STAFF
    # The case page, shown again with a refused form's errors (its own controller builds it).
    _detail: Any = CasePages._detail

    @get("/referrals", name="referral_list")
    async def referral_list(self, request: Request) -> Any:
        staff = request.user
        form = ReferralFilterForm(dict(request.query_params))
        partners = await referrals.partner_choices()
        context: dict[str, Any] = {"form": form, "partners": [(str(p["id"]), p["name"]) for p in partners]}
        if not form.is_valid():
            context.update(referrals=[], page=None, partner=None)
            return render(request, LIST_PAGE, context, status_code=400)
        partner_id = form["partner"]
        page = await paginate(
            PageRequest.of(request, PAGE_SIZE),
            count=lambda: referrals.count_open_referrals(staff, partner_id=partner_id),
            fetch=lambda limit, offset: referrals.open_referrals(
                staff, partner_id=partner_id, limit=limit, offset=offset
            ),
        )
        partner = next((p for p in partners if p["id"] == partner_id), None)
        context.update(referrals=page.items, page=page, partner=partner)
        return render(request, LIST_PAGE, context)

    def _back(self, request: Request, case_id: int, message: str) -> Any:
        url = request.app.route_reverse("case_detail", case_id=case_id) + "#referrals-heading"
        return redirect(request, url, message)

    @post("/{case_id:int}/referrals", name="case_referral")
    async def refer(self, request: Request, case_id: FromPath[int]) -> Any:
        form = ReferralForm(await request.form())
        if form.is_valid():
            try:
                await referrals.refer(
                    request.user,
                    case_id,
                    reason=form["reason"],
                    partner_id=form["partner"],
                    program_id=form["program"],
                    shares_named_details=form["shares_named_details"],
                    follow_up_on=form["follow_up_on"],
                )
            except DomainError as error:
                if error.code == "not_found":
                    raise
                form.refuse(error)
            else:
                return self._back(request, case_id, _("Referral sent."))
        return await self._detail(request, case_id, status_code=form.status_code, referral_form=form)

    @post("/{case_id:int}/referrals/{referral_id:int}", name="case_referral_status")
    async def status(self, request: Request, case_id: FromPath[int], referral_id: FromPath[int]) -> Any:
        # Someone who may not see the case learns nothing from the form's errors: the case is checked first.
        await referrals.referral_for_staff(request.user, case_id, referral_id)
        form = ReferralStatusForm(await request.form())
        if form.is_valid():
            try:
                await referrals.set_status(
                    request.user, case_id, referral_id, form["status"], follow_up_on=form["follow_up_on"]
                )
            except DomainError as error:
                if error.code == "not_found":
                    raise
                form.refuse(error)
            else:
                return self._back(request, case_id, _("Referral updated."))
        form.referral_id = referral_id  # type: ignore[attr-defined]  # which referral's form the errors belong to
        return await self._detail(request, case_id, status_code=form.status_code, status_form=form)


ROUTES = [ReferralPages]
