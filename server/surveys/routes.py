"""Survey pages, one module per audience: staff_routes (surveys, data entry, results, exports, pre/post),
builder_routes (the question builder), xlsform/routes (XLSForm import and export) and answer_routes (the public
answering links)."""

from __future__ import annotations

from typing import Any

from server.surveys.answer_routes import AnswerController
from server.surveys.builder_routes import SurveyBuilderController
from server.surveys.staff_routes import SurveyController
from server.surveys.xlsform.routes import XLSFormController

ROUTES: list[Any] = [SurveyController, SurveyBuilderController, XLSFormController, AnswerController]
