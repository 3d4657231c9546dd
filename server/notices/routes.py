"""Staff pages of notices: writing an announcement to a program's participants, previewing it, sending it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post

from server.errors import DomainError
from server.i18n import gettext as _
from server.notices import announcements
from server.programs.dependencies import MANAGED_PROGRAM, ManagedProgram
from server.web.access import STAFF
from server.web.forms import Form, LongText, Text
from server.web.rendering import redirect, render

PAGE = "notices/announcements.html"


class AnnouncementForm(Form):
    fields = {
        "subject": Text(required=True, max_length=announcements.MAX_SUBJECT),
        "text": LongText(required=True, max_length=announcements.MAX_TEXT),
        # Issued with the preview (announcements.new_form_key); only the confirm button sends it.
        "form_key": Text(max_length=64),
    }


class AnnouncementController(Controller):
    """The program's team, organizers and admins (MANAGED_PROGRAM decides; someone else's program is a 403).
    Without JavaScript the preview is a plain form post that answers the whole page; with htmx, the composer block."""

    path = "/manage/programs/{slug:str}/announcements"
    opt = STAFF
    dependencies = MANAGED_PROGRAM

    async def _context(self, program: dict[str, Any], form: AnnouncementForm, **extra: Any) -> dict[str, Any]:
        return {
            "program": program,
            "tab": "announcements",
            "form": form,
            "audience": await announcements.audience(program),
            "previews": [],
            "past": await announcements.list_announcements(program["id"]),
            "max_text": announcements.MAX_TEXT,
            **extra,
        }

    def _checked(self, program: dict[str, Any], form: AnnouncementForm) -> bool:
        if not form.is_valid():
            return False
        try:
            announcements.check(program, form["subject"], form["text"])
        except DomainError as error:
            form.refuse(error)
            return False
        return True

    @staticmethod
    def _sent_url(request: Request, program: ManagedProgram) -> str:
        return request.app.route_reverse("program_announcements", slug=program["slug"])

    @staticmethod
    def _sent_message(sent: dict[str, Any]) -> str:
        if sent["repeated"]:  # the same preview confirmed again: what the first press did
            return _(
                "This announcement was already sent: it was queued for %(count)s participants.",
                count=sent["recipients"],
            )
        return _(
            "Announcement queued for %(count)s of %(enrolled)s enrolled participants.",
            count=sent["recipients"],
            enrolled=sent["enrolled"],
        )

    @get("/", name="program_announcements")
    async def page(self, request: Request, program: ManagedProgram) -> Any:
        return render(request, PAGE, await self._context(program, AnnouncementForm()))

    @post("/preview", name="announcement_preview")
    async def preview(self, request: Request, program: ManagedProgram) -> Any:
        form = AnnouncementForm(await request.form())
        if not self._checked(program, form):
            context = await self._context(program, form)
            return render(request, PAGE, context, block="composer", status_code=form.status_code)
        context = await self._context(program, form)
        context["previews"] = announcements.preview(program, form["subject"], form["text"], context["audience"])
        context["form_key"] = announcements.new_form_key()
        return render(request, PAGE, context, block="composer")

    @post("/", name="announcement_send")
    async def send(self, request: Request, program: ManagedProgram) -> Any:
        form = AnnouncementForm(await request.form())
        if self._checked(program, form):
            if not announcements.FORM_KEY.match(form["form_key"]):
                # Sending is the preview's confirm button: its key makes a second press send nothing.
                form.add_error("__all__", _("Preview the announcement, then send it from the preview."))
            else:
                try:
                    sent = await announcements.send_announcement(
                        program, request.user, form["subject"], form["text"], form_key=form["form_key"]
                    )
                except DomainError as error:
                    form.refuse(error)
                else:
                    return redirect(request, self._sent_url(request, program), self._sent_message(sent))
        context = await self._context(program, form)
        return render(request, PAGE, context, block="composer", status_code=form.status_code)


ROUTES = [AnnouncementController]
