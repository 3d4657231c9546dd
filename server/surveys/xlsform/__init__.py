"""Surveys as XLSForm (the spreadsheet form format of KoBoToolbox and ODK): reading.py reads a workbook,
importing.py makes it a survey, writing.py writes a survey as a workbook, responses.py exports responses in
KoBoToolbox's CSV layout, routes.py holds the pages."""
