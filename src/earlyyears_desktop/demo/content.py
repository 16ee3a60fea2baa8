"""What the demo is made of: invented families, observations, strategies and session themes.

Every person here is invented. NHS numbers use the 999 prefix, which is never issued to a
real patient, with a valid check digit.
"""

from __future__ import annotations

import random

# (given names, family name, preferred, carer, relationship, language, interpreter, format)
FAMILIES = [
    ("Zoë Grace", "Adeyemi", "Zoë", "Funmi Adeyemi", "Mother", "English", False, "standard"),
    ("Łucja", "Wiśniewska", "", "Agnieszka Wiśniewska", "Mother", "Polish", True, "standard"),
    ("Siân Elin", "Pritchard", "Siân", "Rhodri Pritchard", "Father", "Welsh", False, "large_print"),
    ("Aarav", "Sharma", "", "Priya Sharma", "Mother", "Hindi", False, "standard"),
    ("Chiamaka", "Okonkwo", "Amaka", "Ngozi Okonkwo", "Mother", "English", False, "standard"),
    (
        "Oisín Patrick",
        "Ó Briain",
        "Oisín",
        "Niamh Ó Briain",
        "Mother",
        "English",
        False,
        "standard",
    ),
    ("Mateus", "Gonçalves", "", "Inês Gonçalves", "Mother", "Portuguese", True, "standard"),
    ("Aisha", "Rahman", "", "Farhana Rahman", "Mother", "Bengali", True, "high_contrast"),
    ("Léa", "Dubois-Martin", "", "Camille Dubois", "Mother", "French", False, "standard"),
    ("Yusuf", "Demir", "", "Elif Demir", "Mother", "Turkish", True, "standard"),
    ("Mei Lin", "Chen", "Mei", "Wei Chen", "Father", "Mandarin", False, "standard"),
    ("Tomás", "Ramírez López", "Tomás", "Lucía López", "Mother", "Spanish", False, "standard"),
    ("Freya", "Johansson", "", "Astrid Johansson", "Grandmother", "English", False, "read_aloud"),
    ("Kofi", "Mensah", "", "Ama Mensah", "Mother", "English", False, "standard"),
    ("Hana", "Nováková", "", "Petra Nováková", "Mother", "Czech", False, "standard"),
    ("Ibrahim", "Haddad", "Ibi", "Rania Haddad", "Mother", "Arabic", True, "standard"),
    ("Ffion", "Llewellyn", "", "Dafydd Llewellyn", "Father", "English", False, "standard"),
    ("Jakub", "Dvořák", "Kuba", "Martina Dvořáková", "Mother", "Czech", False, "standard"),
    ("Amara", "Nwosu", "", "Chidi Nwosu", "Father", "English", False, "large_print"),
    ("Noah", "Thompson", "", "Sarah Thompson", "Foster carer", "English", False, "standard"),
    ("Saoirse", "Kavanagh", "", "Aoife Kavanagh", "Mother", "English", False, "standard"),
    ("Arjun", "Patel", "", "Meera Patel", "Mother", "Gujarati", False, "standard"),
    ("Björn", "Eriksen", "", "Ingrid Eriksen", "Mother", "English", False, "standard"),
    ("Zainab", "Yusuf", "", "Halima Yusuf", "Aunt", "Somali", True, "standard"),
    ("Émile", "Lefèvre", "", "Chloé Lefèvre", "Mother", "French", False, "standard"),
    ("Rosa", "Kowalski", "", "Tomasz Kowalski", "Father", "Polish", False, "standard"),
]

OBSERVATIONS = [
    (
        "communication_and_interaction",
        "{n} pointed to the bubbles and said 'more' twice, looking at the adult.",
    ),
    (
        "communication_and_interaction",
        "{n} joined in with the actions to 'Row, row, row your boat' for the first time.",
    ),
    (
        "communication_and_interaction",
        "{n} used the 'finished' sign at the end of snack time without a prompt.",
    ),
    (
        "social_emotional_mental_health",
        "{n} waited for a turn on the slide when the timer was shown.",
    ),
    (
        "social_emotional_mental_health",
        "{n} found the hall noisy today and settled in the quiet corner with the ear defenders.",
    ),
    ("sensory_physical", "{n} walked along the balance beam holding one hand, five steps."),
    (
        "sensory_physical",
        "{n} explored the cornflour tray with both hands; tolerated it on fingers for a minute.",
    ),
    (
        "cognition_and_learning",
        "{n} matched three colours in the posting box and clapped when each one dropped.",
    ),
    (
        "cognition_and_learning",
        "{n} completed the four-piece inset puzzle with a little help turning the pieces.",
    ),
    (
        "sensory_physical",
        "{n} pulled to stand at the low table and cruised two steps to reach the drum.",
    ),
]

STRATEGIES = [
    (
        "Now and Next board",
        "communication_and_interaction",
        "Use a two-picture Now/Next board at transitions; point and name each picture.",
        "Show two pictures: what we do now and what comes next. Point to each and say it simply.",
    ),
    (
        "Ready, steady... go",
        "communication_and_interaction",
        "Pause before 'go' in anticipation games to create an opportunity to communicate.",
        "Play 'ready, steady...' and wait. Give your child time to look, move or make a sound before 'go!'",
    ),
    (
        "Sand timer for turns",
        "social_emotional_mental_health",
        "Use a visual timer to show turn length; praise waiting specifically.",
        "Use a sand timer when sharing toys, and say 'good waiting!' when they wait.",
    ),
    (
        "Messy play little and often",
        "sensory_physical",
        "Graded exposure to textures, starting dry, child in control of touch.",
        "Try a little messy play each day, starting with dry things like rice. Let your child choose to touch.",
    ),
    (
        "Commenting, not questioning",
        "communication_and_interaction",
        "Reduce questions; comment on what the child is doing with one or two words.",
        "Instead of asking questions, say what your child is doing in a few words: 'car... fast car!'",
    ),
]

THEMES = [
    "Bubbles and blowing",
    "Under the sea",
    "Autumn leaves",
    "Music and movement",
    "Messy play",
    "Going on a bear hunt",
    "Bonfire night colours",
    "Shapes and posting",
    "Animals on the farm",
    "Winter sensory",
    "Stories and rhymes",
    "Parachute games",
    "Christmas lights",
]


def nhs_number_with_check_digit(first_nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return None if check == 10 else first_nine + str(check)


def fictional_nhs_number(rng: random.Random) -> str:
    while True:
        number = nhs_number_with_check_digit(
            "999" + "".join(rng.choice("0123456789") for _ in range(6))
        )
        if number:
            return number
