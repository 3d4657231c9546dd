"""Ready-made surveys written for Gotong: a community needs assessment and a wellbeing-and-skills pre/post pair.

Texts are English msgids; a survey made from a template is written in its first language through the catalogs.
Option values and question codes never change: results, cross-tabs and pre/post pairs rely on them.
"""

from __future__ import annotations

from typing import Any

from server.i18n import N_

YES_NO = (("yes", N_("Yes")), ("no", N_("No")))
NEIGHBOURHOODS = tuple((f"rw{n:02d}", f"RW {n:02d}") for n in range(1, 7))
NEED_DOMAINS = (
    ("health", N_("Health")),
    ("education", N_("Education")),
    ("livelihood", N_("Work and income")),
    ("housing", N_("Housing, water and sanitation")),
    ("safety", N_("Safety")),
    ("social_ties", N_("Social ties and mutual help")),
)

NEEDS_ASSESSMENT = {
    "title": N_("Community needs assessment"),
    "purpose": "needs_assessment",
    "anonymous": True,
    "intro": N_(
        "This survey asks about life in your neighbourhood, so that residents, volunteers and partners can decide "
        "together what to work on first. It takes about 10 minutes. The results will be shared at a community meeting."
    ),
    "questions": [
        {
            "code": "neighbourhood",
            "kind": "single",
            "required": True,
            "text": N_("Which neighbourhood (RW) do you live in?"),
            "options": NEIGHBOURHOODS,
        },
        {
            "code": "household_size",
            "kind": "number",
            "min": 1,
            "max": 30,
            "text": N_("How many people live in your household, including you?"),
        },
        {
            "code": "health_access",
            "kind": "likert",
            "required": True,
            "text": N_("Health services (puskesmas, posyandu) are easy for my household to reach."),
        },
        {
            "code": "health_unmet",
            "kind": "single",
            "text": N_("In the last three months, did anyone in your household need health care but not get it?"),
            "options": YES_NO,
        },
        {
            "code": "health_barrier",
            "kind": "single",
            "show_if": ("health_unmet", "yes"),
            "text": N_("What was the main reason they did not get care?"),
            "options": (
                ("cost", N_("It cost too much")),
                ("distance", N_("It was too far")),
                ("waiting", N_("The wait was too long")),
                ("documents", N_("No BPJS card or other documents")),
                ("other", N_("Another reason")),
            ),
        },
        {
            "code": "education_access",
            "kind": "likert",
            "required": True,
            "text": N_("The children in my household can go to school regularly."),
        },
        {
            "code": "livelihood_income",
            "kind": "likert",
            "required": True,
            "text": N_("My household's income covers our basic needs."),
        },
        {
            "code": "livelihood_source",
            "kind": "single",
            "text": N_("What is your household's main source of income?"),
            "options": (
                ("daily_wage", N_("Daily wage work")),
                ("small_business", N_("Small business or trading")),
                ("farming_fishing", N_("Farming or fishing")),
                ("employed", N_("Regular employment")),
                ("remittances", N_("Money sent by family")),
                ("assistance", N_("Social assistance")),
                ("none", N_("No income")),
            ),
        },
        {
            "code": "housing_condition",
            "kind": "likert",
            "required": True,
            "text": N_("Our home is safe and in good condition."),
        },
        {
            "code": "water_source",
            "kind": "single",
            "text": N_("Where does your household get its drinking water?"),
            "options": (
                ("piped", N_("Piped water (PDAM)")),
                ("well", N_("Own or shared well")),
                ("refill", N_("Bought refill water")),
                ("river_spring", N_("River or spring")),
                ("other", N_("Somewhere else")),
            ),
        },
        {
            "code": "safety_night",
            "kind": "likert",
            "required": True,
            "text": N_("I feel safe walking in my neighbourhood after dark."),
        },
        {
            "code": "social_support",
            "kind": "likert",
            "required": True,
            "text": N_("I can count on my neighbours when I need help."),
        },
        {
            "code": "social_participation",
            "kind": "single",
            "options": YES_NO,
            "text": N_(
                "In the last three months, did you take part in a community activity "
                "(gotong royong, arisan, pengajian, posyandu)?"
            ),
        },
        {
            "code": "vulnerable_groups",
            "kind": "multiple",
            "text": N_("Which groups in your neighbourhood most need support?"),
            "help": N_("Choose all that apply."),
            "options": (
                ("older_people", N_("Older people")),
                ("disability", N_("People with disabilities")),
                ("children_youth", N_("Children and young people")),
                ("women_heads", N_("Women heading a household")),
                ("sick", N_("People with long-term illness")),
                ("newcomers", N_("Newcomers and migrant workers")),
            ),
        },
        {
            "code": "priority_needs",
            "kind": "ranking",
            "required": True,
            "options": NEED_DOMAINS,
            "text": N_("Put these needs in order of priority for your neighbourhood."),
            "help": N_("Give 1 to the most urgent need, 2 to the next, and so on. Each number once."),
        },
        {
            "code": "willingness",
            "kind": "rating",
            "text": N_("How likely are you to join activities to improve your neighbourhood?"),
            "help": N_("0 means not at all, 10 means certainly."),
        },
        {
            "code": "comments",
            "kind": "long_text",
            "text": N_("What else should we know about the needs in your neighbourhood?"),
        },
    ],
}

# The scale questions shared by the pre and post surveys; the same codes pair them up.
WELLBEING_SCALES = [
    {
        "code": "wb_calm",
        "kind": "likert",
        "required": True,
        "text": N_("In the last two weeks, I have felt calm and in control."),
    },
    {
        "code": "wb_coping",
        "kind": "likert",
        "required": True,
        "text": N_("When problems come up, I know what I can do."),
    },
    {
        "code": "wb_support",
        "kind": "likert",
        "required": True,
        "text": N_("I have someone to talk to when I feel troubled."),
    },
    {"code": "wb_hopeful", "kind": "likert", "required": True, "text": N_("I feel hopeful about the future.")},
    {
        "code": "sk_know",
        "kind": "likert",
        "required": True,
        "text": N_("I know how to use the skills this program is about."),
    },
    {
        "code": "sk_confident",
        "kind": "rating",
        "required": True,
        "text": N_("How confident are you in using these skills in daily life?"),
        "help": N_("0 means not at all, 10 means completely."),
    },
    {
        "code": "wb_life",
        "kind": "rating",
        "required": True,
        "text": N_("Overall, how satisfied are you with your life these days?"),
        "help": N_("0 means not at all, 10 means completely."),
    },
]

WELLBEING_PRE = {
    "title": N_("Wellbeing and skills: before the program"),
    "purpose": "pre",
    "anonymous": False,
    "intro": N_(
        "Before the program starts, we would like to know how you are doing. At the end you will answer the same "
        "questions, so that together we can see what changed. It takes about 5 minutes."
    ),
    "questions": [
        *WELLBEING_SCALES,
        {"code": "hopes", "kind": "short_text", "text": N_("What do you hope to gain from this program?")},
    ],
}

WELLBEING_POST = {
    "title": N_("Wellbeing and skills: after the program"),
    "purpose": "post",
    "anonymous": False,
    "intro": N_(
        "The program has ended. These are the same questions you answered at the start, so that together we can see "
        "what changed. It takes about 5 minutes."
    ),
    "questions": [
        *WELLBEING_SCALES,
        {"code": "most_useful", "kind": "long_text", "text": N_("What was most useful for you?")},
        {
            "code": "recommend",
            "kind": "single",
            "text": N_("Would you recommend this program to a friend?"),
            "options": (("yes", N_("Yes")), ("maybe", N_("Maybe")), ("no", N_("No"))),
        },
    ],
}

SESSION_FEEDBACK = {
    "title": N_("Session feedback"),
    "purpose": "session_feedback",
    "anonymous": True,
    "intro": N_("Three minutes about today's session help us make the next one better."),
    "questions": [
        {"code": "fb_useful", "kind": "likert", "required": True, "text": N_("Today's session was useful to me.")},
        {"code": "fb_safe", "kind": "likert", "required": True, "text": N_("I felt safe and respected in the group.")},
        {
            "code": "fb_overall",
            "kind": "rating",
            "text": N_("How would you rate today's session overall?"),
            "help": N_("0 means very poor, 10 means excellent."),
        },
        {"code": "fb_better", "kind": "long_text", "text": N_("What could be better next time?")},
    ],
}

TEMPLATES: dict[str, dict[str, Any]] = {
    "needs_assessment": {
        "name": N_("Community needs assessment"),
        "description": N_(
            "Health, education, work and income, housing and water, safety and social ties, with a priority ranking "
            "of needs and the neighbourhood (RW) for comparisons. Anonymous."
        ),
        "surveys": [NEEDS_ASSESSMENT],
    },
    "wellbeing_pair": {
        "name": N_("Wellbeing and skills, before and after"),
        "description": N_(
            "Two surveys with the same scale questions, one at the start and one at the end of a program, "
            "so that each person's change can be shown. Answered through personal links."
        ),
        "surveys": [WELLBEING_PRE, WELLBEING_POST],
    },
    "session_feedback": {
        "name": N_("Session feedback"),
        "description": N_("Four short questions after a session. Anonymous."),
        "surveys": [SESSION_FEEDBACK],
    },
}
