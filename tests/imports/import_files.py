"""Spreadsheets for the import tests: CSV text and .xlsx workbooks built with openpyxl, and the upload steps."""

from __future__ import annotations

import io

from conftest import csrf_token
from openpyxl import Workbook

HEADER = ["Nama", "Nama lengkap", "No. HP", "Email", "Bahasa", "Desa", "Persetujuan ikut", "Persetujuan dihubungi"]


def person(number: int, **overrides) -> list[str]:
    values = {
        "name": f"Peserta {number}",
        "legal": f"Peserta Nomor {number}",
        "phone": f"0812 7000 {number:04d}",
        "email": f"peserta{number}@contoh.id",
        "language": "id",
        "area": "",
        "participation": "2026-03-01",
        "contact": "ya",
    }
    values.update(overrides)
    return list(values.values())


def rows(count: int, start: int = 1) -> list[list[str]]:
    return [person(number) for number in range(start, start + count)]


def csv_bytes(body: list[list[str]], header: list[str] = HEADER, delimiter: str = ",", bom: bool = False) -> bytes:
    lines = [delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in line) for line in [header, *body]]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(body: list[list[object]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for line in body:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(client, content: bytes, filename: str = "peserta.csv"):
    token = await csrf_token(client)
    return await client.post(
        "/participants/import",
        files={"file": (filename, content, "application/octet-stream")},
        headers={"x-csrftoken": token},
        follow_redirects=False,
    )


async def choose_columns(client, fields: list[str], consent_date: str = "2026-03-01", program_id: int | None = None):
    token = await csrf_token(client)
    data = {f"column_{i}": name for i, name in enumerate(fields)}
    data["consent_date"] = consent_date
    data["program_id"] = str(program_id or "")
    return await client.post(
        "/participants/import/columns", data=data, headers={"x-csrftoken": token}, follow_redirects=False
    )


async def run_import(client, decisions: dict[int, str] | None = None):
    token = await csrf_token(client)
    data = {f"row_{number}": value for number, value in (decisions or {}).items()}
    return await client.post(
        "/participants/import/run", data=data, headers={"x-csrftoken": token}, follow_redirects=False
    )


GUESSED = [
    "display_name",
    "legal_name",
    "phone",
    "email",
    "preferred_locale",
    "area",
    "consent_participation",
    "consent_contact",
]
