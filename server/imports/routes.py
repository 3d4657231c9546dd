"""Pages of the participant import: upload a file, choose each column's field, preview every row, import."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile

from server.config import settings
from server.errors import DomainError
from server.i18n import gettext as _
from server.imports import uploads
from server.imports.checking import Preview, check_rows
from server.imports.forms import UploadForm, columns_form, decisions
from server.imports.mapping import field_choices, guess_all
from server.imports.reading import MAX_ROWS, Sheet, read_sheet
from server.imports.services import import_participants, open_programs, unresolved
from server.web.access import ORGANIZER
from server.web.rendering import redirect, render

SESSION_KEY = "participant_import"
# The multipart envelope around the file: a file just over the limit still reaches the reader, which says so in
# words; a much larger one is refused by the server before it is read (a "too large" page).
ENVELOPE_BYTES = 256 * 1024


def _limits() -> dict[str, Any]:
    return {"max_mb": round(settings.import_max_bytes / (1024 * 1024), 1), "max_rows": f"{MAX_ROWS:,}"}


class ParticipantImportController(Controller):
    path = "/participants/import"
    opt = ORGANIZER

    @get("/", name="import_start")
    async def start(self, request: Request) -> Any:
        return render(request, "imports/upload.html", {"form": UploadForm(), **_limits()})

    @post("/", name="import_upload", request_max_body_size=settings.import_max_bytes + ENVELOPE_BYTES)
    async def upload(self, request: Request) -> Any:
        data = await request.form()
        form = UploadForm({})
        form.is_valid()
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            form.add_error("file", _("Choose a CSV or Excel file to upload."))
            return render(request, "imports/upload.html", {"form": form, **_limits()}, status_code=400)
        content = await upload.read(settings.import_max_bytes + 1)
        filename = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:120]
        try:
            read_sheet(filename, content, settings.import_max_bytes)
        except DomainError as refusal:
            form.refuse(refusal)
            return render(request, "imports/upload.html", {"form": form, **_limits()}, status_code=form.status_code)
        uploads.forget(request.session.get(SESSION_KEY, ""))
        token = uploads.keep(content, filename, request.user.id)
        request.set_session({**request.session, SESSION_KEY: token})
        return redirect(request, request.app.route_reverse("import_columns"))

    @get("/columns", name="import_columns")
    async def columns(self, request: Request) -> Any:
        loaded = _loaded(request)
        if loaded is None:
            return _start_again(request)
        sheet, meta = loaded
        initial: dict[str, Any] = {f"column_{i}": name for i, name in enumerate(guess_all(sheet.headers))}
        form = columns_form(len(sheet.headers), initial=initial)
        return render(request, "imports/columns.html", await _columns_context(form, sheet, meta))

    @post("/columns", name="import_preview")
    async def preview(self, request: Request) -> Any:
        loaded = _loaded(request)
        if loaded is None:
            return _start_again(request)
        sheet, meta = loaded
        form = columns_form(len(sheet.headers), await request.form())
        programs = {program["id"]: program for program in await open_programs()}
        if form.is_valid() and form["program_id"] is not None and form["program_id"] not in programs:
            form.add_error("program_id", _("Choose one of the options."))
        if form.errors:
            context = await _columns_context(form, sheet, meta)
            return render(request, "imports/columns.html", context, status_code=400)
        choice = {
            "mapping": form.mapping(),
            "consent_date": form["consent_date"].isoformat() if form["consent_date"] else "",
            "program_id": form["program_id"],
        }
        uploads.remember(request.session[SESSION_KEY], **choice)
        program = programs.get(form["program_id"]) if form["program_id"] else None
        checked = await check_rows(sheet, choice["mapping"], default_date=form["consent_date"], program=program)
        return render(request, "imports/preview.html", _preview_context(checked, meta, program, {}, []))

    @post("/run", name="import_run")
    async def run(self, request: Request) -> Any:
        loaded = _loaded(request)
        if loaded is None or "mapping" not in loaded[1]:
            return _start_again(request)
        sheet, meta = loaded
        programs = {program["id"]: program for program in await open_programs()}
        program = programs.get(meta["program_id"]) if meta.get("program_id") else None
        default_date = date.fromisoformat(meta["consent_date"]) if meta.get("consent_date") else None
        data = await request.form()
        chosen = decisions(data, [number for number, _cells in sheet.rows])
        checked = await check_rows(sheet, meta["mapping"], default_date=default_date, program=program)
        waiting = unresolved(checked, chosen)
        error = ""
        if not waiting:
            try:
                outcome = await import_participants(
                    request.user,
                    sheet,
                    meta["mapping"],
                    chosen,
                    filename=meta["filename"],
                    default_date=default_date,
                    program_id=program["id"] if program else None,
                )
            except DomainError as refusal:
                error = refusal.translated()
            else:
                uploads.forget(request.session.get(SESSION_KEY, ""))
                request.set_session({k: v for k, v in request.session.items() if k != SESSION_KEY})
                message = _(
                    "%(created)s people imported (%(enrolled)s enrolled, %(waitlisted)s on the waiting list); "
                    "%(skipped)s rows skipped.",
                    created=outcome.created,
                    enrolled=outcome.enrolled,
                    waitlisted=outcome.waitlisted,
                    skipped=outcome.skipped,
                )
                return redirect(request, request.app.route_reverse("participant_list"), message)
        context = _preview_context(checked, meta, program, chosen, waiting)
        context["error"] = error or _(
            "Nothing was imported. Some rows still need a decision: skip the rows with errors, "
            "and skip or import each possible duplicate."
        )
        return render(request, "imports/preview.html", context, status_code=400 if waiting else 409)


def _loaded(request: Request) -> tuple[Sheet, dict[str, Any]] | None:
    found = uploads.load(request.session.get(SESSION_KEY, ""), request.user.id)
    if found is None:
        return None
    content, meta = found
    try:
        return read_sheet(meta["filename"], content, settings.import_max_bytes), meta
    except DomainError:
        return None


def _start_again(request: Request) -> Any:
    return redirect(
        request,
        request.app.route_reverse("import_start"),
        _("The uploaded file is no longer here (it is kept for an hour). Upload it again."),
        "warning",
    )


async def _columns_context(form: Any, sheet: Sheet, meta: dict[str, Any]) -> dict[str, Any]:
    columns = [{"index": i, "header": header, "samples": sheet.samples(i)} for i, header in enumerate(sheet.headers)]
    programs = [(program["id"], program["title"]) for program in await open_programs()]
    return {
        "form": form,
        "filename": meta["filename"],
        "row_count": len(sheet.rows),
        "skipped_empty": sheet.skipped_empty,
        "columns": columns,
        "field_choices": field_choices(),
        "programs": programs,
    }


def _preview_context(
    checked: Preview, meta: dict[str, Any], program: dict[str, Any] | None, chosen: dict[int, str], waiting: list[int]
) -> dict[str, Any]:
    return {
        "preview": checked,
        "filename": meta["filename"],
        "program": program,
        "chosen": chosen,
        "waiting": set(waiting),
        "error": "",
    }


ROUTES = [ParticipantImportController]
