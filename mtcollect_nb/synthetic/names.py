"""Static vocabularies of the synthetic districts: names, towns, the course catalog.

Names include characters that exist in Windows-1252 but not in ASCII ("Peña", "Ó'Neil",
"O’Brien") so the loader's encoding handling is exercised.

Example:
    >>> "Peña" in LAST_NAMES and all(n.encode("cp1252") for n in LAST_NAMES)
    True
"""

from __future__ import annotations

from dataclasses import dataclass

LAST_NAMES: tuple[str, ...] = (
    "Anderson", "Johnson", "Smith", "Olson", "Peterson", "Nelson", "Miller", "Larson", "Hansen",
    "Brown", "Williams", "Jones", "Davis", "Wilson", "Moore", "Taylor", "Thomas", "Jackson",
    "White", "Harris", "Martin", "Thompson", "Garcia", "Martinez", "Robinson", "Clark",
    "Rodriguez", "Lewis", "Lee", "Walker", "Hall", "Allen", "Young", "King", "Wright", "Lopez",
    "Hill", "Scott", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts",
    "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart",
    "Sanchez", "Morris", "Rogers", "Reed", "Cook", "Morgan", "Bell", "Murphy", "Bailey",
    "Schmidt", "Schultz", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch", "Lund", "Berg",
    "Peña", "Nuñez", "Ó'Neil", "O’Brien", "Müller", "Zúñiga", "Ibáñez", "Céspedes",
    "Running Crane", "Old Coyote", "Real Bird", "Spotted Bear", "Little Light", "Many Hides",
    "Two Leggins", "Bird In Ground", "Stops Pretty Places", "Plenty Hoops", "Whiteman Runs Him",
    "Fisher", "Hughes", "Price", "Myers", "Long", "Ross", "Foster", "Jenkins", "Perry",
    "Butler", "Barnes", "Henderson", "Coleman", "Simmons", "Patterson", "Jordan", "Reynolds",
)
FIRST_NAMES: tuple[str, ...] = (
    "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry",
    "Theodore", "Jack", "Levi", "Wyatt", "Carter", "Owen", "Hudson", "Colt", "Ryder", "Tucker",
    "Emma", "Olivia", "Charlotte", "Amelia", "Sophia", "Mia", "Harper", "Evelyn", "Abigail",
    "Emily", "Ella", "Avery", "Scarlett", "Madison", "Layla", "Brooklyn", "Paisley", "Hazel",
    "Aurora", "Willow", "Sadie", "Josie", "Ruby", "Piper", "Cora", "Quinn", "Kinsley",
    "José", "Renée", "Zoë", "Chloé", "Noé", "Inés", "Sofía", "Maréa", "Björn", "Anaïs",
    "Dakota", "Cheyenne", "Sage", "River", "Shiloh", "Tatum", "Jace", "Brody", "Kade", "Easton",
)
STAFF_FIRST_NAMES: tuple[str, ...] = (
    "Karen", "Susan", "Linda", "Lisa", "Michelle", "Jennifer", "Amy", "Angela", "Heather",
    "Dawn", "Tracy", "Brian", "Mark", "Jeff", "Scott", "Troy", "Chad", "Darren", "Todd",
    "Kevin", "Jason", "Eric", "Ramón", "Agnès", "Søren", "Jürgen", "Frédéric", "Mónica",
)

#: Montana towns (district and school names).
TOWNS: tuple[str, ...] = (
    "Billings", "Missoula", "Great Falls", "Bozeman", "Butte", "Helena", "Kalispell", "Havre",
    "Anaconda", "Miles City", "Belgrade", "Livingston", "Laurel", "Whitefish", "Lewistown",
    "Sidney", "Glendive", "Polson", "Hamilton", "Dillon", "Hardin", "Glasgow", "Shelby",
    "Cut Bank", "Wolf Point", "Conrad", "Columbia Falls", "Red Lodge", "Deer Lodge", "Libby",
    "Choteau", "Big Timber", "Malta", "Chinook", "Plentywood", "Scobey", "Ekalaka", "Jordan",
    "Winnett", "Roundup", "Harlowton", "White Sulphur Springs", "Townsend", "Boulder", "Ennis",
    "Twin Bridges", "Philipsburg", "Superior", "Thompson Falls", "Eureka", "Browning",
    "Lame Deer", "Lodge Grass", "Pryor", "Box Elder", "Hays", "Frazer", "Poplar", "Circle",
    "Terry", "Broadus", "Baker", "Forsyth", "Hysham", "Stanford", "Geraldine", "Fort Benton",
    "Big Sandy", "Chester", "Valier", "Augusta", "Lincoln", "Seeley Lake", "Darby", "Corvallis",
    "Stevensville", "Florence", "Frenchtown", "St. Ignatius", "Arlee", "Ronan", "Charlo",
    "Bigfork", "Troy", "Noxon", "Manhattan", "Three Forks", "Gardiner", "Absarokee",
    "Columbus", "Joliet", "Bridger", "Fromberg", "Huntley", "Shepherd", "Lockwood",
)
#: Elementary school name stems (a district's elementary schools are "<stem> Elementary").
SCHOOL_STEMS: tuple[str, ...] = (
    "Lincoln", "Washington", "Jefferson", "Meadowlark", "Bitterroot", "Big Sky", "Sunnyside",
    "Prairie View", "Mountain View", "Riverside", "Hawthorne", "Longfellow", "Roosevelt",
    "Glacier", "Yellowstone", "Custer", "Sacajawea", "Paxson", "Emerson", "Whittier",
)
#: Neighbouring districts that send non-resident students (residentDistrict values).
NEIGHBOR_DISTRICTS: tuple[str, ...] = ("0101", "0217", "0342", "0455", "0588", "0731")
WBL_PARTNERS: tuple[str, ...] = (
    "Northwestern Energy", "Billings Clinic", "Montana Rail Link", "Town Pump",
    "Bozeman Health", "Sletten Construction",
)


@dataclass(frozen=True)
class CourseSpec:
    """One catalog course: where it is taught and its SCED/CTE attributes."""

    key: str
    name: str
    dept: str
    sced_area: str
    sced_course: str
    level: str = "G"
    grades: tuple[str, ...] = ()  # core course of these grades; () = elective
    cte: bool = False
    pathways: str = ""
    wbl: bool = False


def _core(key: str, name: str, dept: str, code: str, grades: tuple[str, ...]) -> CourseSpec:
    return CourseSpec(key, name, dept, code[:2], code[2:], "G", grades)


def _elective(key: str, name: str, dept: str, code: str, cte: bool = False,
              pathways: str = "", wbl: bool = False) -> CourseSpec:
    return CourseSpec(key, name, dept, code[:2], code[2:], "G", (), cte, pathways, wbl)


#: Middle-school catalog (grades 06..08). Codes are SCED-shaped (area + course id).
MIDDLE_CATALOG: tuple[CourseSpec, ...] = tuple(
    [_core(f"ELA{g}", f"English {int(g)}", "ELA", c, (g,))
     for g, c in (("06", "01051"), ("07", "01052"), ("08", "01053"))]
    + [_core(f"MTH{g}", f"Math {int(g)}", "MTH", c, (g,))
       for g, c in (("06", "02052"), ("07", "02053"), ("08", "02054"))]
    + [_core(f"SCI{g}", f"Science {int(g)}", "SCI", c, (g,))
       for g, c in (("06", "03001"), ("07", "03051"), ("08", "03101"))]
    + [_core(f"SOC{g}", f"Social Studies {int(g)}", "SOC", c, (g,))
       for g, c in (("06", "04051"), ("07", "04001"), ("08", "04101"))]
    + [_core("PE-MS", "Physical Education", "PE", "08001", ("06", "07", "08"))]
    + [_elective("ART-MS", "Art", "ART", "05154"), _elective("BND-MS", "Band", "MUS", "05101"),
       _elective("CHR-MS", "Choir", "MUS", "05110"),
       _elective("CMP-MS", "Computer Applications", "CTE", "10004", True, "BUS-IT"),
       _elective("EXP-MS", "Career Exploration", "CTE", "22151", True, "BUS-MKT")]
)
#: High-school catalog (grades 09..12), with CTE courses, pathways and work-based learning.
HIGH_CATALOG: tuple[CourseSpec, ...] = tuple(
    [_core(f"ENG{g}", f"English {int(g)}", "ELA", c, (g,))
     for g, c in (("09", "01001"), ("10", "01002"), ("11", "01003"), ("12", "01004"))]
    + [_core(f"MTH{g}", n, "MTH", c, (g,))
       for g, n, c in (("09", "Algebra I", "02052"), ("10", "Geometry", "02072"),
                       ("11", "Algebra II", "02056"), ("12", "Pre-Calculus", "02110"))]
    + [_core(f"SCI{g}", n, "SCI", c, (g,))
       for g, n, c in (("09", "Earth Science", "03001"), ("10", "Biology", "03051"),
                       ("11", "Chemistry", "03101"), ("12", "Physics", "03151"))]
    + [_core(f"SOC{g}", n, "SOC", c, (g,))
       for g, n, c in (("09", "Montana History", "04061"), ("10", "World History", "04051"),
                       ("11", "U.S. History", "04101"), ("12", "Government", "04151"))]
    + [_core("PE-HS", "Health and PE", "PE", "08051", ("09", "10", "11", "12"))]
    + [_elective("ART-HS", "Art I", "ART", "05154"), _elective("BND-HS", "Band", "MUS", "05101"),
       _elective("SPN1", "Spanish I", "WL", "06101"),
       _elective("SPN2", "Spanish II", "WL", "06102"),
       _elective("STD", "Study Skills", "GEN", "22003"),
       _elective("AGS", "Agricultural Science I", "CTE", "18001", True, "AG-ANIMAL;AG-PLANT"),
       _elective("WLD", "Welding I", "CTE", "13055", True, "MFG-WELD"),
       _elective("ENG-SM", "Small Engines", "CTE", "20103", True, "TRANS-AUTO"),
       _elective("CUL", "Culinary Arts", "CTE", "16052", True, "HOSP-CULIN"),
       _elective("MED", "Medical Terminology", "CTE", "14051", True, "HS-THERA"),
       _elective("ACC", "Accounting I", "CTE", "12104", True, "BUS-FIN"),
       _elective("CSP", "Computer Programming", "CTE", "10152", True, "IT-PROG;BUS-IT"),
       _elective("INT", "Internship", "CTE", "22153", True, "HS-THERA", True),
       _elective("APP", "Registered Apprenticeship", "CTE", "22154", True, "MFG-WELD", True)]
)
#: Electives held back from ordinary scheduling (work-based learning is arranged one by one).
WBL_KEYS: tuple[str, ...] = ("INT", "APP")
