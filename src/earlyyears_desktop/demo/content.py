"""What the demo is made of: invented families, observations, strategies and session themes.

Every person here is invented. NHS numbers use the 999 prefix, which is never issued to a
real patient, with a valid check digit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

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

#: the strategies of the library's starter set (`resources/strategies/starter.toml`) that the
#: demo agrees with its first children, by title
STRATEGIES = [
    "Now and next board",
    "Ready, steady... wait",
    "Sand timer for turns",
    "Messy play little and often",
    "Commenting, not questioning",
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


@dataclass(frozen=True)
class PortageTarget:
    """A teaching target set with a family: its small steps in order, and how many visits
    each step takes this child to become secure."""

    skill_area: str
    #: the target, with {n} for the child's name
    target: str
    steps: tuple[str, ...]
    pace: int
    #: set at the first visit (False: set half way through the term)
    from_the_start: bool = True


@dataclass(frozen=True)
class PortageFamily:
    """A family on the Portage caseload: one of FAMILIES, by position."""

    family: int
    rhythm: str
    #: the next visit, in days from the demo's today (negative: overdue)
    next_in_days: int
    activities: str
    practise: str
    #: an observation at the latest visit, with {n} for the child's name
    observed: str
    targets: tuple[PortageTarget, ...]
    #: referred this week: on the caseload, first visit not made yet
    new: bool = False


_MORE = PortageTarget(
    "Communication",
    "{n} will ask for 'more' using a word or sign",
    (
        "Looks at the adult when the activity stops",
        "Reaches or points to ask for more",
        "Uses the sign or word 'more' with a model",
        "Uses 'more' without a model",
    ),
    pace=4,
)
_POSTING = PortageTarget(
    "Play and learning",
    "{n} will post three shapes into the shape sorter",
    (
        "Posts a ball through a large hole",
        "Posts a round shape with hand-over-hand help",
        "Posts a round shape on their own",
        "Posts round, square and triangle shapes, with a point to the hole",
    ),
    pace=4,
)
_SPOON = PortageTarget(
    "Self-help",
    "{n} will feed themself yoghurt with a spoon",
    (
        "Holds the spoon while an adult guides it",
        "Brings a loaded spoon to the mouth",
        "Scoops and brings it to the mouth with a little spill",
    ),
    pace=5,
)
_STANDING = PortageTarget(
    "Physical",
    "{n} will walk five steps holding one hand",
    (
        "Pulls to stand at the sofa",
        "Cruises along the sofa two steps each way",
        "Stands holding one hand for ten seconds",
        "Takes three steps holding one hand",
        "Takes five steps holding one hand",
    ),
    pace=3,
)
_TURNS = PortageTarget(
    "Social and emotional",
    "{n} will take turns with an adult in a simple game",
    (
        "Watches an adult's turn with the drum",
        "Waits for 'my turn' with a hand-over-hand cue",
        "Takes a turn when the adult says 'your turn'",
    ),
    pace=5,
    from_the_start=False,
)
_NAMES = PortageTarget(
    "Communication",
    "{n} will point to a named picture in a book",
    (
        "Looks at the picture the adult points to",
        "Touches a picture when it is named",
        "Points to one of two named pictures",
        "Points to one of four named pictures",
    ),
    pace=3,
    from_the_start=False,
)
_WASHING = PortageTarget(
    "Self-help",
    "{n} will wash and dry their hands with help",
    (
        "Puts hands under the running tap",
        "Rubs hands together with soap when shown",
        "Dries hands on the towel with a prompt",
    ),
    pace=6,
)

#: the Portage caseload of the demo's unlocking practitioner: mixed rhythms; on the demo's
#: day two families overdue, three due this week (one newly referred), the rest later
PORTAGE_CASELOAD = (
    PortageFamily(
        0,
        "weekly",
        -8,
        "Bubbles, posting box, action rhymes",
        "Pause during bubbles and wait for a look or a sign before blowing more.",
        "Home visit: {n} reached for the bubble wand and looked at Mum when she paused.",
        (_MORE, _TURNS),
    ),
    PortageFamily(
        1,
        "fortnightly",
        -3,
        "Shape sorter, stacking cups, songs in Polish and English",
        "Shape sorter after breakfast: one round shape, help only when needed.",
        "Home visit: {n} posted the round shape twice and clapped when it dropped.",
        (_POSTING, _NAMES),
    ),
    PortageFamily(
        2,
        "weekly",
        0,
        "Cruising along the sofa to reach the drum; snack time with a spoon",
        "Put the drum at the end of the sofa so it takes a few steps to reach it.",
        "Home visit: {n} cruised three steps along the sofa to reach the drum.",
        (_STANDING, _SPOON),
    ),
    PortageFamily(
        3,
        "fortnightly",
        2,
        "Picture book, posting, hand washing before snack",
        "Name two pictures at story time and wait for a point.",
        "Home visit: {n} touched the dog when Mum said 'where's the dog?'.",
        (_NAMES, _WASHING),
    ),
    PortageFamily(
        4,
        "weekly",
        6,
        "Drum turn-taking, bubbles, shape sorter",
        "Drum game at bath time: 'my turn, your turn'.",
        "Home visit: {n} waited for 'your turn' and then banged the drum twice.",
        (_TURNS, _POSTING),
    ),
    PortageFamily(
        5,
        "every_three_weeks",
        9,
        "Yoghurt with a spoon, action rhymes",
        "Yoghurt at lunch with a loaded spoon handed over; praise each mouthful.",
        "Home visit: {n} brought the loaded spoon to the mouth three times.",
        (_SPOON, _MORE),
    ),
    PortageFamily(
        6,
        "fortnightly",
        13,
        "Standing at the sofa, picture book in Portuguese",
        "Stand at the sofa for a song each morning, holding one hand.",
        "Home visit: {n} stood holding one hand for a whole verse.",
        (_STANDING, _NAMES),
    ),
    PortageFamily(
        7,
        "weekly",
        1,
        "",
        "",
        "",
        (),
        new=True,
    ),
)

#: how visits went, in words for the family's visit record
HOW_IT_WENT = (
    "A settled visit; lots of smiles and good attention for the activities.",
    "Tired after a poor night, so we kept the activities short.",
    "Really engaged today; Mum noticed the progress too.",
    "A sibling joined in, which helped with the turn-taking.",
)


@dataclass(frozen=True)
class DemoOutcome:
    outcome: str
    area_of_need: str
    support: str
    expected_impact: str
    responsible: str
    #: observations linked to the outcome as evidence, one per review period
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class DemoReview:
    #: (progress, note) for each outcome, in the plan's order
    outcomes: tuple[tuple[str, str], ...]
    progress: str
    parent_views: str
    child_views: str
    child_views_how: str
    changes_agreed: str


@dataclass(frozen=True)
class DemoPlan:
    title: str
    assessment_summary: str
    key_person: str
    interventions: str
    parents_told_how: str
    #: (name, role, agency, which parent agreed)
    specialist: tuple[str, str, str, str]
    profile: tuple[str, str, str]
    outcomes: tuple[DemoOutcome, ...]
    reviews: tuple[DemoReview, ...]


#: the two demo plans with their reviews ({n}: the child's name); every word invented
SUPPORT_PLANS = (
    DemoPlan(
        title="My support plan: talking and playing",
        assessment_summary=(
            "{n} understands simple routines and loves music, but uses few words and leads "
            "adults by the hand to ask. Play is mostly alone, lining up cars. Mum, the key "
            "person and the SENCO agree that {n} needs extra help to communicate and to play "
            "alongside other children."
        ),
        key_person="Jess Hartley",
        interventions="Small language group twice a week; a Now and Next board at home and nursery.",
        parents_told_how="In person, at a meeting with Mum at nursery",
        specialist=(
            "Dr Olwen Brightwater",
            "Speech and language therapist",
            "Cherwell Children's Therapy Service",
            "Mum",
        ),
        profile=(
            "{n} has a big laugh, loves to dance and is gentle with the baby at home.",
            "The red bus, the song 'Wheels on the Bus', knowing what comes next, Nana's visits.",
            "Show {n} pictures of what comes next; give time to answer; keep the room calm "
            "when it gets noisy.",
        ),
        outcomes=(
            DemoOutcome(
                "{n} will use 10 words or signs to ask for things",
                "communication_and_interaction",
                "Objects of reference and signs at snack time; adults model one word at a time.",
                "More requests with a word or a sign, fewer upsets when not understood.",
                "Key person daily at snack; Mum at bath time; SENCO checks fortnightly",
                (
                    "{n} signed 'more' for the bubbles after a model.",
                    "{n} said 'bus' and pointed to ask for the book.",
                    "{n} asked for 'drink' with a word and a sign, no prompt.",
                ),
            ),
            DemoOutcome(
                "{n} will play alongside another child for five minutes",
                "social_emotional_mental_health",
                "Short turn-taking games with one friend and an adult; a sand timer for turns.",
                "{n} stays near other children in play and shares space calmly.",
                "Key person at free play; group leader on group days",
                (
                    "{n} rolled the car to a friend twice with the adult's help.",
                    "{n} stayed at the sand tray beside a friend for three minutes.",
                    "{n} played at the train track next to two children for five minutes.",
                    "{n} passed a train to a friend and laughed when it came back.",
                ),
            ),
        ),
        reviews=(
            DemoReview(
                (
                    ("some_progress", "Four signs used with a model."),
                    ("little_progress", "Moves away when another child comes near."),
                ),
                "A settled start; signs are coming.",
                "Mum says {n} is using the 'more' sign at home and bedtimes are calmer.",
                "{n} smiled and reached for the bubbles photo, then the bus photo.",
                "Choosing between photos of favourite activities with the key person",
                "Add the sand timer to turn-taking games; Mum to try signs at bath time.",
            ),
            DemoReview(
                (
                    ("good_progress", "Seven words or signs, some without a model."),
                    ("some_progress", "Stays beside a friend for a few minutes."),
                ),
                "Good progress with words; play alongside others is growing.",
                "Mum is pleased: {n} asked Nana for 'bus' on the phone.",
                "{n} pointed to the train track photo and said 'more'.",
                "Watching play at nursery and talking with Mum about what {n} enjoys",
                "Speech and language therapist to visit nursery; keep the sand timer.",
            ),
            DemoReview(
                (
                    ("achieved", "Ten words and signs, used every day."),
                    ("good_progress", "Five minutes beside two friends at the train track."),
                ),
                "The first outcome is met; play alongside others is nearly there.",
                "Mum would like the next plan to help with dressing and the toilet.",
                "{n} chose the dancing photo and the train photo as favourite things.",
                "Picture choices with the key person, and watching free play",
                "End the first outcome as met; agree a new one on two-word phrases.",
            ),
        ),
    ),
    DemoPlan(
        title="My support plan: settling and moving",
        assessment_summary=(
            "{n} finds busy rooms hard, covers ears and runs to the door. Walking is "
            "unsteady on steps. Dad, the key person and the SENCO agree on support for "
            "settling calmly and for moving with confidence."
        ),
        key_person="Tariq Aziz",
        interventions="A quiet corner with ear defenders; a movement circuit three times a week.",
        parents_told_how="By phone with Dad, followed by a letter",
        specialist=(
            "Marek Thistlewood",
            "Physiotherapist",
            "Cherwell Children's Therapy Service",
            "Dad",
        ),
        profile=(
            "{n} is kind, notices everything and has a great memory for songs.",
            "A favourite blanket, knowing who will be there, the swings in the park.",
            "Warn {n} before noisy times; offer the quiet corner; hold a hand on the steps.",
        ),
        outcomes=(
            DemoOutcome(
                "{n} will settle within ten minutes of arriving",
                "social_emotional_mental_health",
                "A visual timetable at the door; the same greeting each day; the quiet corner.",
                "Calmer arrivals and more time spent playing.",
                "Key person at arrival; Dad to use the same goodbye words",
                (
                    "{n} settled with the blanket in six minutes today.",
                    "{n} went to the quiet corner alone, then joined the group.",
                ),
            ),
            DemoOutcome(
                "{n} will climb three steps holding the rail",
                "sensory_physical",
                "A short movement circuit with steps and a beam, three times a week.",
                "Steadier walking and more confidence on the climbing frame.",
                "Key person for the circuit; physiotherapist advises monthly",
                (
                    "{n} climbed two steps holding the rail and one hand.",
                    "{n} walked along the beam with one hand held.",
                ),
            ),
        ),
        reviews=(
            DemoReview(
                (
                    ("good_progress", "Settles in about ten minutes most days."),
                    ("some_progress", "Two steps with the rail and a hand held."),
                ),
                "Arrivals are calmer; steps are coming on.",
                "Dad says mornings are easier since the visual timetable.",
                "{n} chose the swings photo and the blanket photo.",
                "Choosing photos with the key person",
                "Physiotherapist to show the key person new step exercises.",
            ),
        ),
    ),
)
