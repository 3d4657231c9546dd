"""An organizer, on a phone, imports a spreadsheet of 30 people from paper registration forms: two of them may
already be registered, so she decides for each (one skipped, one imported anyway), and everyone else is enrolled
into a workshop, the places first and then its waiting list."""

import random
import re

from browser_helpers import page_width, sign_in_with_language, unique
from playwright.sync_api import expect

WORKSHOP = "Manajemen Stres untuk Relawan"
HEADER = "Nama;Nama lengkap;No. HP;Persetujuan ikut;Persetujuan dihubungi"


def _spreadsheet() -> bytes:
    suffix = unique()
    base = random.randint(1000, 8999)
    lines = [HEADER]
    for number in range(1, 29):
        lines.append(f"Relawan {suffix} {number};Relawan Nomor {number};0857 {base:04d} {number:04d};ya;ya")
    # Ujang and Euis came from the demo's earlier import: the same phone, and the same legal name.
    lines.append(f"Kang Ujang {suffix};Ujang S.;0813 2201 4410;ya;ya")
    lines.append(f"Euis Komalasari;;0857 {base + 1:04d} 0099;ya;ya")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_organizer_imports_thirty_people_resolves_duplicates_and_enrols_them(phone):
    sign_in_with_language(phone, "siti", "Bahasa Indonesia")
    phone.goto("/participants")
    phone.get_by_role("button", name="Impor dari spreadsheet").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Impor peserta")
    phone.get_by_label("Spreadsheet").set_input_files(
        {"name": "relawan.csv", "mimeType": "text/csv", "buffer": _spreadsheet()}
    )
    phone.get_by_role("button", name="Unggah").click()

    # The columns were guessed from their Indonesian headers; the paper forms' date and the workshop are chosen.
    expect(phone.get_by_role("heading", level=1)).to_have_text("Apa isi setiap kolom?")
    expect(phone.get_by_text("relawan.csv: 30 baris.")).to_be_visible()
    expect(phone.get_by_role("combobox", name='Kolom "No. HP"')).to_have_value("phone")
    phone.get_by_label("Tanggal formulir kertas").fill("2026-01-15")
    phone.get_by_role("combobox", name="Daftarkan semua orang ke program").select_option(label=WORKSHOP)
    width = page_width(phone)
    assert width <= 360, f"the column choices scroll sideways on a 360 px phone ({width}px)"
    phone.get_by_role("button", name="Pratinjau").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Pratinjau impor")
    expect(phone.get_by_text("28 baru, 2 kemungkinan duplikat, 0 dengan kesalahan")).to_be_visible()
    ujang, euis = phone.locator("#row-30"), phone.locator("#row-31")
    expect(ujang).to_contain_text("telepon sama")
    expect(euis).to_contain_text("nama sama")
    expect(ujang.get_by_role("link", name="Ujang", exact=True)).to_have_attribute(
        "href", re.compile(r"/participants/\d+$")
    )
    width = page_width(phone)
    assert width <= 360, f"the preview scrolls sideways on a 360 px phone ({width}px)"

    # Nothing is imported while a possible duplicate waits for a decision.
    phone.get_by_role("button", name="Impor", exact=True).click()
    expect(phone.get_by_role("alert")).to_contain_text("Belum ada yang diimpor")
    expect(ujang).to_contain_text("Tentukan apa yang terjadi pada baris ini.")

    phone.locator("#row-30").get_by_label("Lewati baris ini").check()
    phone.locator("#row-31").get_by_label("Tetap impor: ini orang lain").check()
    phone.get_by_role("button", name="Impor", exact=True).click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Peserta")
    flash = phone.locator(".flash")
    expect(flash).to_contain_text("29 orang diimpor")
    expect(flash).to_contain_text("di daftar tunggu")
    expect(flash).to_contain_text("1 baris dilewati")
