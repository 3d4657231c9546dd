"""XLSForm pages: importing a form as a new survey, downloading a survey as an XLSForm, and its responses in
KoBoToolbox's CSV layout."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath

from server import clock
from server.audit import record_audit
from server.errors import DomainError
from server.i18n import N_
from server.i18n import gettext as _
from server.surveys import services as surveys
from server.surveys.views import min_group
from server.surveys.xlsform.forms import ImportForm
from server.surveys.xlsform.importing import import_survey, translated_note
from server.surveys.xlsform.reading import MAX_BYTES, ParsedForm, read_xlsform
from server.surveys.xlsform.responses import kobo_responses_csv
from server.surveys.xlsform.writing import survey_xlsform
from server.web.access import STAFF
from server.web.rendering import redirect, render

NO_STORE = {"Cache-Control": "private, no-store"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SAFE_NAME = re.compile(r"[^\w .()-]+")


def _download(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )


class XLSFormController(Controller):
    """Staff who may build surveys import XLSForms; staff who may see a survey download it and its responses."""

    path = "/surveys"
    opt = STAFF

    async def _context(self, request: Request, form: ImportForm, notes: list[Any] | None = None) -> dict[str, Any]:
        return {
            "form": form,
            "programs": await surveys.program_choices(request.user),
            "max_mb": MAX_BYTES // (1024 * 1024),
            "notes": notes or [],
        }

    @get("/import", name="survey_import")
    async def import_page(self, request: Request) -> Any:
        form = ImportForm(initial={"purpose": "needs_assessment", "anonymous": True})
        return render(request, "surveys/import.html", await self._context(request, form))

    @post("/import", name="survey_import_upload")
    async def import_upload(self, request: Request) -> Any:
        data = await request.form()
        form = ImportForm(data)
        upload = data.get("file")
        parsed: ParsedForm | None = None
        if form.is_valid():
            try:
                if not isinstance(upload, UploadFile) or not upload.filename:
                    raise DomainError("no_file", N_("Choose an XLSForm file (.xlsx)."), field="file")
                content = await upload.read(MAX_BYTES + 1)
                filename = _SAFE_NAME.sub("_", upload.filename.rsplit("/", 1)[-1])[:200]
                parsed = read_xlsform(content)
                survey_id, _notes = await import_survey(request.user, parsed, filename, dict(form.cleaned))
            except DomainError as error:
                form.refuse(error, "file")
            else:
                url = request.app.route_reverse("survey_overview", survey_id=survey_id)
                return redirect(request, url, _("The XLSForm was imported as a draft survey. Check the report below."))
        notes = [translated_note(note.as_dict()) for note in parsed.notes] if parsed else []
        context = await self._context(request, form, notes)
        return render(request, "surveys/import.html", context, status_code=form.status_code)

    @get("/{survey_id:int}/xlsform.xlsx", name="survey_xlsform")
    async def xlsform(self, request: Request, survey_id: FromPath[int]) -> Response:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        content = survey_xlsform(survey, await surveys.list_questions(survey_id))
        return _download(content, XLSX, f"survey-{survey_id}-xlsform.xlsx")

    @get("/{survey_id:int}/responses-kobo.csv", name="survey_kobo_csv")
    async def kobo_csv(self, request: Request, survey_id: FromPath[int]) -> Response:
        survey = await surveys.survey_for_staff(request.user, survey_id)
        questions = await surveys.list_questions(survey_id)
        try:
            content = await kobo_responses_csv(survey, questions, clock.organisation_timezone(), min_group(request))
        except DomainError as error:
            return Response(
                content=error.translated(),
                media_type="text/plain; charset=utf-8",
                status_code=error.status,
                headers=NO_STORE,
            )
        await record_audit(request.user, "view", "survey", survey_id, N_("responses exported"))
        return _download(content, "text/csv; charset=utf-8", f"survey-{survey_id}-responses-kobo.csv")
