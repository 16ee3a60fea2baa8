"""What the demo's meetings are made of: the pre-school liaison group of last month with the six
children it discussed, the referrals waiting for next month's, and a team around the child
meeting (`demo/meetings.py` writes them through the services).

Every person here is invented; telephone numbers are from the range kept for drama
(01632 960xxx). Families are not at the liaison group: their voice there is the questionnaire
before it, and the letter after it answers their own questions in plain words. `{n}` is the
child's name; days are counted from the meeting that discusses the child (negative: before).
"""

from __future__ import annotations

from dataclasses import dataclass

from earlyyears_desktop.domain.enums import LIAISON_ROLES

(
    OCCUPATIONAL_THERAPIST,
    PAEDIATRICIAN,
    PSYCHOLOGIST,
    PHYSIOTHERAPIST,
    SENSORY_SUPPORT,
    HEALTH_VISITOR,
    SPEECH_THERAPIST,
    PORTAGE,
    DISABILITY_COORDINATOR,
    COMMUNITY_NURSE,
) = LIAISON_ROLES

HEALTH = "Oxford Health NHS Foundation Trust"
THERAPIES = "Children's Integrated Therapies"
TEAM = "Cherwell Early Years SEND Team"
SENSORY = "Sensory Support Service"

#: the liaison group's name, where it meets, and when it starts
GROUP_NAME = "Banbury pre-school liaison group"
GROUP_VENUE = "Orchard Children's Centre, Banbury"

#: the signed-in practitioner: owns actions, refers, takes answers by phone
ME = ""

#: (name, role, agency) of the liaison group's members, in the order the minutes list them;
#: the last sent apologies. ME stands for the signed-in practitioner.
MEMBERS: tuple[tuple[str, str, str], ...] = (
    ("Dr Helen Okafor", PAEDIATRICIAN, HEALTH),
    ("Kwame Asante", OCCUPATIONAL_THERAPIST, THERAPIES),
    ("Dr Ananya Krishnan", PSYCHOLOGIST, HEALTH),
    ("Gareth Morgan", PHYSIOTHERAPIST, THERAPIES),
    ("Siobhán Ní Dhonnchadha", SENSORY_SUPPORT, SENSORY),
    ("Małgorzata Nowak", HEALTH_VISITOR, HEALTH),
    ("Deepa Nair", SPEECH_THERAPIST, THERAPIES),
    (ME, PORTAGE, TEAM),
    ("Tendai Moyo", DISABILITY_COORDINATOR, TEAM),
    ("Esperanza Ruiz", COMMUNITY_NURSE, HEALTH),
)
CHAIR = MEMBERS[0]


@dataclass(frozen=True)
class DemoAnswers:
    """The family's questionnaire, as it came back."""

    #: `QuestionnaireReturn`
    how: str
    #: days after the questionnaire was sent
    after: int
    going_well: str
    concerns: str
    to_talk_about: str
    hear_back_how: str
    #: (the family's question, the group's answer; "" before the meeting)
    questions: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoReferral:
    #: one of FAMILIES, by position
    family: int
    #: (name, role, agency) of the professional who referred
    referrer: tuple[str, str, str]
    #: days from the meeting (negative: before it)
    referred: int
    agreed_how: str
    reason: str
    #: the referrer's questions for the group, one per line
    questions: str = ""
    #: days after the referral the questionnaire went (None: not yet)
    sent: int | None = 3
    answers: DemoAnswers | None = None


@dataclass(frozen=True)
class DemoAction:
    what: str
    #: who will do it (ME: the signed-in practitioner)
    owner: str
    #: days after the meeting it is due (for the team around the child: days from today)
    due: int
    #: days after the meeting it was done (None: still open)
    done: int | None = None


@dataclass(frozen=True)
class DemoDiscussion:
    #: the child's family (one of FAMILIES, by position)
    family: int
    #: the referral that put the child on the liaison group's agenda (None: team around the
    #: child)
    referral: DemoReferral | None
    summary: str
    outcome: str
    next_steps: str
    contact: str
    #: (`DecisionKind`, detail)
    decisions: tuple[tuple[str, str], ...]
    actions: tuple[DemoAction, ...]
    #: the reason given to the local authority, when the group notifies it
    notify_reason: str = ""
    #: how the parents were told of the notification
    parents_told_how: str = ""
    #: how the family's letter was sent
    letter_how: str = "By post"


_GARETH = ("Gareth Morgan", PHYSIOTHERAPIST, THERAPIES)
_HELEN = CHAIR
_DEEPA = ("Deepa Nair", SPEECH_THERAPIST, THERAPIES)
_KWAME = ("Kwame Asante", OCCUPATIONAL_THERAPIST, THERAPIES)
_SIOBHAN = ("Siobhán Ní Dhonnchadha", SENSORY_SUPPORT, SENSORY)
_MALGORZATA = ("Małgorzata Nowak", HEALTH_VISITOR, HEALTH)
_ANANYA = ("Dr Ananya Krishnan", PSYCHOLOGIST, HEALTH)
_ESPERANZA = ("Esperanza Ruiz", COMMUNITY_NURSE, HEALTH)

#: the six children the liaison group discussed last month, in the agenda's order
DISCUSSED: tuple[DemoDiscussion, ...] = (
    DemoDiscussion(
        2,
        DemoReferral(
            2,
            _GARETH,
            -58,
            "In person, at a physiotherapy appointment",
            "{n} is not yet walking on her own and tires quickly; her hands are weak for her "
            "age. Rhodri and I talked about how much help she may need when she starts school.",
            "Does {n} need to be known to the local authority before she starts school?",
            answers=DemoAnswers(
                "paper",
                9,
                "{n} loves books and songs, in Welsh and in English. She cruises all round the "
                "furniture now and is so proud of herself.",
                "She gets very tired and cross by the afternoon. We worry about her falling "
                "over at nursery when it is busy.",
                "Getting ready for school. Could she have a walking frame at nursery?",
                "A letter in large print, please",
                (
                    (
                        "Will she be able to go to our local school?",
                        "Yes. {n} can go to your local school, with the help she needs. We "
                        "will plan her move with you and the school in the term before she "
                        "starts, so that the staff know what helps her.",
                    ),
                    (
                        "Can she have a walking frame at nursery as well as at home?",
                        "Yes. Gareth will bring a second walking frame to nursery and show the "
                        "staff how to use it safely with her.",
                    ),
                ),
            ),
        ),
        "Not yet walking independently; cruises well and walks with a frame at home. Fine "
        "motor weak for age (pincer grasp emerging). Good understanding and talking in Welsh "
        "and English. Family want their local school. Likely to need support at school: "
        "agreed to notify the local authority.",
        "The group agreed that {n} is likely to need extra help with moving about and with "
        "using her hands when she starts school.\nWith your agreement, we have told the "
        "local authority about {n}, so that they can plan the support she will need in good "
        "time.",
        "Gareth will bring a walking frame to nursery and show the staff how to use it. The "
        "local authority's early years SEND team will write to you about what happens next. "
        "We will meet you and the school to plan {n}'s move into school.",
        "Gareth Morgan, senior paediatric physiotherapist, 01632 960 412",
        (
            ("notify_local_authority", ""),
            ("support_for_school", "Plan her move into school with the family and the school"),
        ),
        (
            DemoAction(
                "Take a walking frame to nursery and show the staff", "Gareth Morgan", 14, 9
            ),
            DemoAction("Add the move into school to {n}'s next support plan review", ME, 35),
        ),
        notify_reason="Delay in walking and in fine motor skills; likely to need support "
        "when she starts school.",
        parents_told_how="By phone (Rhodri), then in the letter",
    ),
    DemoDiscussion(
        7,
        DemoReferral(
            7,
            _MALGORZATA,
            -44,
            "In person at home, with a Bengali interpreter",
            "{n} has very few words in Bengali or in English, finds it hard to play with other "
            "children and gets very upset at any change. Farhana asked for help.",
            "Would an assessment of {n}'s communication help the family?",
            answers=DemoAnswers(
                "phone",
                6,
                "She is loving and laughs a lot with her big brother. She likes music and "
                "watching things spin.",
                "She does not talk yet. She cries a lot when we go out. My family say she will "
                "talk when she is ready, but I am worried.",
                "Is it autism? Who can help us at home?",
                "A phone call with a Bengali interpreter, then the letter",
                (
                    (
                        "Does {n} have autism?",
                        "We cannot say yet. The group has asked the Child Development Centre "
                        "to see {n} to understand how she communicates and plays. They will "
                        "explain what they find, with an interpreter there, and you can ask "
                        "them anything.",
                    ),
                    (
                        "Should we speak only English at home to help her talk?",
                        "No. Please keep speaking Bengali at home. Children learn to talk best "
                        "in the language their family uses with them most, and it will not "
                        "slow down her English.",
                    ),
                ),
            ),
        ),
        "Few words in either language; limited shared attention; distressed by change. "
        "Hearing checked last year and clear. Mum worried and keen for help; wider family "
        "less sure. Agreed: social communication assessment and speech and language therapy.",
        "The group thinks {n} would be helped by an assessment of how she communicates and "
        "plays.\nWe have asked the Child Development Centre to see her. They will send you an "
        "appointment, and a Bengali interpreter will be there.",
        "Deepa will offer you a place at the Chatterbox group, where you can learn ways to "
        "help {n} talk at home. Amira will phone you with an interpreter to explain this "
        "letter.",
        "Amira Haddad, Portage practitioner, 01632 960 118",
        (
            (
                "request_assessment",
                "Social communication assessment at the Child Development Centre",
            ),
            ("refer_to_service", "Speech and language therapy"),
        ),
        (
            DemoAction("Phone Farhana with an interpreter to explain the outcome", ME, 3, 2),
            DemoAction("Offer a place at Chatterbox, with an interpreter", "Deepa Nair", 21),
        ),
    ),
    DemoDiscussion(
        9,
        DemoReferral(
            9,
            _SIOBHAN,
            -37,
            "At a home visit, with a Turkish interpreter",
            "{n} has a moderate hearing loss in both ears and has worn hearing aids since the "
            "summer. Elif would like to know what help he will have at pre-school.",
            answers=DemoAnswers(
                "email",
                5,
                "{n} wears his hearing aids all day now. He says 'anne', 'su' and 'top' "
                "(mummy, water, ball).",
                "He gets cross when we cannot understand him. Pre-school is very noisy.",
                "Help at pre-school, and whether he should learn to sign.",
                "By email, please",
                (
                    (
                        "Will the pre-school staff know how to look after his hearing aids?",
                        "Yes. Siobhán will visit the pre-school to show the staff how to check "
                        "and change his hearing aids, and how to make the room quieter for him.",
                    ),
                    (
                        "Should he learn sign language?",
                        "Signs can help {n} while his talking grows, and they will not stop "
                        "him learning to talk. Siobhán will show you and the pre-school some "
                        "everyday signs to start with.",
                    ),
                ),
            ),
        ),
        "Moderate bilateral hearing loss; aids worn consistently. Single words emerging in "
        "Turkish. Frustration when not understood. Pre-school room noisy.",
        "{n} is doing well with his hearing aids, and his talking is growing.\nThe group "
        "agreed that the sensory support service will visit his pre-school every half term "
        "to help the staff, and will plan his move into school with you well ahead of time.",
        "Siobhán will visit the pre-school this half term and show you some everyday signs.",
        "Siobhán Ní Dhonnchadha, sensory support practitioner, 01632 960 377",
        (
            ("refer_to_service", "Sensory support service: a visit to pre-school each half term"),
            ("support_for_school", "Start planning the move into school a year ahead"),
        ),
        (
            DemoAction(
                "Visit the pre-school to show the staff the hearing aids",
                "Siobhán Ní Dhonnchadha",
                21,
                12,
            ),
        ),
        letter_how="By email",
    ),
    DemoDiscussion(
        12,
        DemoReferral(
            12,
            _HELEN,
            -51,
            "In person, at the child development clinic",
            "{n} was born early and has a heart condition. She is behind with sitting, feeding "
            "and talking. Her grandmother, Astrid, cares for her and agreed to the referral.",
            "Would Portage home visits help {n} and her grandmother?",
        ),
        "Astrid did not return the questionnaire: she asks for things to be read to her. "
        "Sitting with support; feeding slow, weight on the low side. Portage agreed.",
        "The group agreed that {n} and you would be helped by Portage home visits.\nA Portage "
        "practitioner will come to your home every fortnight to play with {n} and share ideas "
        "for helping her learn. The children's community nurse will also visit to talk about "
        "feeding.",
        "Amira will phone you to arrange the first visit. We would still like to hear your "
        "views: Amira can go through the questionnaire with you at that visit.",
        "Amira Haddad, Portage practitioner, 01632 960 118",
        (("refer_to_service", "Portage home visits"),),
        (
            DemoAction("Offer Portage home visits and arrange the first one", ME, 14, 10),
            DemoAction("Visit at home about feeding and weight", "Esperanza Ruiz", 28),
        ),
    ),
    DemoDiscussion(
        11,
        DemoReferral(
            11,
            _DEEPA,
            -65,
            "By phone, after the two-year check",
            "{n} had very few words at his two-year check and was hard to understand.",
        ),
        "Questionnaire not returned. Talking has come on well since the referral: now "
        "two- and three-word phrases in Spanish and English. Speech sounds still unclear.",
        "Good news: {n}'s talking has come on well since he was referred, and the group "
        "agreed that he does not need any more help from the group.\nDeepa Nair will keep "
        "seeing him for his speech sounds for a few more months.",
        "Deepa will see {n} at the clinic for his speech sounds.",
        "Deepa Nair, speech and language therapist, 01632 960 205",
        (
            (
                "no_further_action",
                "Talking now at the level expected; therapy continues for speech sounds",
            ),
        ),
        (),
    ),
    DemoDiscussion(
        18,
        DemoReferral(
            18,
            _KWAME,
            -40,
            "In person, at an occupational therapy appointment",
            "{n} finds noise, busy rooms and some clothes very hard. She has many meltdowns a "
            "day and sleeps little. Chidi agreed that she may have special educational needs.",
            "What support could {n} have at nursery?",
            answers=DemoAnswers(
                "paper",
                8,
                "{n} is clever with puzzles and knows all her letters. She loves the park early "
                "in the morning, when it is quiet.",
                "Getting dressed takes an hour. She screams at hand dryers. None of us sleeps.",
                "Sleep. Help at nursery. What happens when she goes to school?",
                "A letter in large print",
                (
                    (
                        "Can someone help us with her sleep?",
                        "Yes. Małgorzata Nowak, the specialist health visitor, runs a sleep "
                        "clinic. She will write to you with a date for your first appointment.",
                    ),
                    (
                        "Will she have to go to a special school?",
                        "It is too early to say. Most children with needs like {n}'s go to "
                        "their local school with the right help, and nothing will be decided "
                        "without you.",
                    ),
                    (
                        "What can I do when she screams at the hand dryer?",
                        "Kwame will send you a sensory plan with ideas to try. Many children "
                        "find ear defenders help in noisy places like toilets and shops.",
                    ),
                ),
            ),
        ),
        "Marked sensory differences (sound, touch, clothing); frequent distress; poor sleep. "
        "Strong visual skills. Family exhausted. Agreed to notify the local authority; sleep "
        "clinic; sensory plan for home and nursery.",
        "The group agreed that {n} may need extra help at nursery and at school because of "
        "how she feels noise, touch and busy places.\nWith your agreement, we have told the "
        "local authority about {n}, so that they can plan the support she will need.",
        "Kwame will send you and the nursery a sensory plan. Małgorzata will offer you an "
        "appointment at the sleep clinic.",
        "Kwame Asante, senior occupational therapist, 01632 960 530",
        (("notify_local_authority", ""),),
        (
            DemoAction("Offer a sleep clinic appointment", "Małgorzata Nowak", 14, 8),
            DemoAction("Write a sensory plan for home and nursery", "Kwame Asante", 21),
        ),
        notify_reason="Marked sensory and communication needs; likely to need support at "
        "nursery and at school.",
        parents_told_how="In person (Chidi), at the occupational therapy clinic",
    ),
)

#: the referrals on the agenda of next month's meeting (days from last month's meeting)
WAITING: tuple[DemoReferral, ...] = (
    DemoReferral(
        1,
        (ME, PORTAGE, TEAM),
        2,
        "At a home visit, with a Polish interpreter",
        "{n} is slow to sit up and to reach for toys. Agnieszka and I talked at a home visit "
        "about the help {n} may need at nursery.",
        answers=DemoAnswers(
            "paper",
            8,
            "{n} smiles at everyone and loves bath time and Polish lullabies.",
            "She cannot sit up by herself yet. Nursery starts next year and I am afraid they "
            "will not manage her.",
            "Nursery, and exercises we can do at home.",
            "A letter, and please phone me with an interpreter",
            (
                ("Can her dad come to the meeting?", ""),
                ("Will she be able to go to nursery with her cousin?", ""),
            ),
        ),
    ),
    DemoReferral(
        6,
        _ANANYA,
        5,
        "In person, at the clinic, with a Portuguese interpreter",
        "{n} is not yet using words and has long, hard tantrums; Inês agreed that he may "
        "have special educational needs.",
        sent=2,
    ),
    DemoReferral(
        23,
        _MALGORZATA,
        12,
        "At a home visit, with a Somali interpreter",
        "{n} does not play with toys and does not answer to her name. Her aunt Halima, who "
        "cares for her, agreed to the referral.",
        sent=None,
    ),
)

#: referred this week, not yet on an agenda (days from today)
JUST_REFERRED = DemoReferral(
    22,
    _ESPERANZA,
    -2,
    "By phone",
    "{n} has severe eczema and feeding difficulties, and is behind with his walking.",
    sent=None,
)

#: the team around the child meeting: for FAMILIES[0], chaired by the lead professional
TAC_FAMILY = 0
TAC_NAME = "Team around the child meeting, Bicester"
TAC_VENUE = "Bicester Family Centre, Market Square, Bicester"
#: (name, role, agency, present) besides the chair, the family and the signed-in practitioner
TAC_PEOPLE: tuple[tuple[str, str, str, bool], ...] = (
    ("Deepa Nair", SPEECH_THERAPIST, THERAPIES, True),
    ("Bethan Rees", "Key person", "Rainbow Day Nursery", True),
    ("Kwame Asante", OCCUPATIONAL_THERAPIST, THERAPIES, False),
)
TAC = DemoDiscussion(
    TAC_FAMILY,
    None,
    "Funmi, nursery and the therapists shared how {n} is getting on. Ten words and signs "
    "every day now; Now and Next board used at home and nursery. Funmi would like to start "
    "toilet training. {n} often does not turn to her name: hearing to be checked.",
    "{n} is making good progress: she now uses about ten words and signs every day.\n"
    "Everyone agreed to keep using the Now and Next board at home and at nursery, and to "
    "start helping {n} to use the toilet in the same way in both places.",
    "Amira will make a picture strip for the toilet routine. Dr Okafor has asked for a "
    "hearing check. We will all meet again in about three months.",
    "Dr Helen Okafor, lead professional, 01632 960 100",
    (("refer_to_service", "Audiology: a hearing check"),),
    (
        DemoAction("Make a toilet-routine picture strip for home and nursery", ME, 3),
        DemoAction("Ask for a hearing check at audiology", "Dr Helen Okafor", -7, 2),
        DemoAction("Model signs at snack time at nursery", "Deepa Nair", -4),
        DemoAction("Bring the nursery's two-year check to the next meeting", "Funmi Adeyemi", 30),
    ),
)
