"""An organizer builds and publishes a short survey, someone answers it on a phone, four more on paper, and the results
show them as charts — only once five people have answered, because results of fewer could identify them."""

import re

from browser_helpers import page_width, sign_in_with_language, unique
from playwright.sync_api import expect

CHOICE_QUESTION = "Dari mana Anda mendengar tentang kegiatan ini?"
RATING_QUESTION = "Seberapa besar kemungkinan Anda mengajak tetangga?"


def _add_question(page, kind: str, text: str, options: str = "") -> None:
    builder = page.get_by_role("region", name="Questions")
    adding = builder.get_by_role("group").filter(has=page.get_by_text("Add a question", exact=True))
    if not adding.get_by_role("button", name="Add question").is_visible():
        adding.get_by_text("Add a question", exact=True).click()
    adding.get_by_role("combobox", name="Type").select_option(label=kind)
    adding.get_by_role("textbox", name="Question", exact=True).fill(text)
    adding.get_by_role("checkbox", name="An answer is required").check()
    if options:
        adding.get_by_role("textbox", name="Options (choice and ranking questions)").fill(options)
    adding.get_by_role("button", name="Add question").click()
    expect(builder.get_by_role("listitem").filter(has_text=text)).to_be_visible()


def test_survey_is_built_answered_on_a_phone_and_charted(page, phone):
    title = unique("Survei kepuasan warga ")

    sign_in_with_language(page, "siti", "English")
    page.goto("/surveys/new")
    expect(page.get_by_role("heading", name="New survey")).to_be_visible()
    page.get_by_role("textbox", name="Title", exact=True).fill(title)
    page.get_by_role("combobox", name="Program (optional)").select_option(label="Air Bersih untuk Kampung Cibaduyut")
    page.get_by_role("button", name="Create survey").click()

    expect(page).to_have_url(re.compile(r"/surveys/\d+/questions$"))
    survey_url = re.sub(r"/questions$", "", page.url)
    expect(page.get_by_text("Survey created. Now add its questions.")).to_be_visible()
    _add_question(page, "Single choice", CHOICE_QUESTION, "Tetangga\nPuskesmas\nMedia sosial")
    _add_question(page, "Rating from 0 to 10", RATING_QUESTION)
    # The live preview follows the builder.
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("group", name=re.compile(re.escape(RATING_QUESTION)))).to_be_visible()

    page.get_by_role("navigation", name="Survey pages").get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The survey is published: its link now works.")).to_be_visible()
    public_link = page.get_by_role("textbox", name="Link to share").input_value()
    assert re.search(r"/s/[\w-]+$", public_link), public_link

    # Someone answers on their phone, in Indonesian.
    phone.goto(public_link)
    expect(phone.get_by_role("heading", name=title)).to_be_visible()
    expect(phone.get_by_role("heading", name="Sebelum Anda mulai")).to_be_visible()
    expect(phone.get_by_text(CHOICE_QUESTION)).to_have_count(0)  # no question before the consent
    phone.get_by_role("checkbox", name="Saya telah membaca informasi ini dan saya setuju untuk ikut serta.").check()
    phone.get_by_role("button", name="Lanjut ke pertanyaan").tap()

    choice = phone.get_by_role("group", name=re.compile(re.escape(CHOICE_QUESTION)))
    rating = phone.get_by_role("group", name=re.compile(re.escape(RATING_QUESTION)))
    expect(choice).to_be_visible()
    choice.get_by_role("radio", name="Puskesmas").check()
    rating.get_by_role("radio", name="8", exact=True).check()
    width = page_width(phone)
    assert width <= 360, f"the survey scrolls sideways on a 360 px phone ({width}px)"
    phone.get_by_role("button", name="Kirim jawaban saya").tap()
    expect(phone.get_by_role("heading", name="Terima kasih!")).to_be_visible()

    # Back at the office: one response is too few to show anything about it.
    page.goto(survey_url + "/results")
    expect(page.get_by_role("heading", name=f"Results: {title}")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Too few responses to show results (fewer than 5).")
    expect(page.get_by_role("img", name=re.compile(r"^Chart of the answers"))).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^\s*1 response(\s|$)"))).to_have_count(0)

    # Four more people filled in the survey on paper at a meeting; the organizer types their forms in.
    paper_forms = [("Tetangga", "6"), ("Puskesmas", "9"), ("Puskesmas", "7"), ("Media sosial", "10")]
    page.get_by_role("navigation", name="Survey pages").get_by_role("link", name="Type in paper forms").click()
    choice = page.get_by_role("group", name=re.compile(re.escape(CHOICE_QUESTION)))
    rating = page.get_by_role("group", name=re.compile(re.escape(RATING_QUESTION)))
    for number, (heard_from, score) in enumerate(paper_forms, start=1):
        expect(page.get_by_role("heading", name="Type in paper forms")).to_be_visible()
        choice.get_by_role("radio", name=heard_from).check()
        rating.get_by_role("radio", name=score, exact=True).check()
        page.get_by_role("checkbox", name="The person agreed to the consent text on the paper form").check()
        last = number == len(paper_forms)
        with page.expect_navigation():  # each form is saved by a full page load that starts the next one
            page.get_by_role("button", name="Save" if last else "Save and enter another", exact=True).click()
    expect(page.get_by_text("Response saved.", exact=True)).to_be_visible()

    # Five people: now the results show, with every answer counted.
    page.goto(survey_url + "/results")
    expect(page.get_by_role("heading", name=f"Results: {title}")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\s*5 responses(\s|$)"))).to_be_visible()
    choice_chart = page.get_by_role("img", name="Chart of the answers to question 1")
    expect(choice_chart).to_be_visible()
    expect(choice_chart).to_contain_text("Puskesmas")
    expect(choice_chart).to_contain_text("3 (60%)")  # the phone's answer and two paper forms
    rating_chart = page.get_by_role("img", name="Chart of the answers to question 2")
    expect(rating_chart).to_be_visible()
    expect(rating_chart).to_contain_text("1 (20%)")
    rating_result = page.get_by_role("region", name=re.compile(re.escape(RATING_QUESTION)))
    expect(rating_result).to_contain_text("answered by 5 of 5")
    expect(rating_result.get_by_role("definition").first).to_have_text("8.00")  # (8 + 6 + 9 + 7 + 10) / 5
