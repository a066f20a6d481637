"""The application form's POST data for tests: a family of three generations as a family would
type it, with the formsets' management fields."""

MEMBER_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "maiden_name",
    "sex",
    "birth",
    "death",
    "parent1",
    "parent2",
    "spouse",
    "marriage_year",
    "sibling",
)
PERIOD_FIELDS = ("member", "library", "library_name", "position", "start", "end")

MEMBERS = [
    {"last_name": "Иванова", "first_name": "Мария", "patronymic": "Петровна", "sex": "f",
     "birth": "1925", "death": "2001"},
    {"last_name": "Иванов", "first_name": "Пётр", "patronymic": "Иванович", "sex": "m",
     "birth": "1950", "parent1": "1", "spouse": "3", "marriage_year": "1974"},
    {"last_name": "Иванова", "first_name": "Анна", "maiden_name": "Смирнова", "sex": "f",
     "birth": "март 1952"},
    {"last_name": "Иванова", "first_name": "Ольга", "sex": "f", "birth": "1980",
     "parent1": "2", "parent2": "3"},
]  # fmt: skip
PERIODS = [
    {"member": "1", "library_name": "Кемеровская областная библиотека",
     "position": "библиотекарь", "start": "1950", "end": "1985"},
    {"member": "3", "library_name": "Библиотека шахты «Северная»", "start": "1975", "end": "1990"},
    {"member": "4", "library_name": "Городская библиотека", "start": "2005"},
]  # fmt: skip


def rows(prefix, names, items):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for name in names:
            data[f"{prefix}-{index}-{name}"] = item.get(name, "")
    return data


def application_data(municipality, members=None, periods=None, **overrides):
    data = {
        "family_name": "Ивановы",
        "municipality": str(municipality.pk),
        "last_name": "Иванова",
        "first_name": "Ольга",
        "patronymic": "Петровна",
        "email": "olga@example.ru",
        "phone": "+7 900 000-00-00",
        "position": "библиограф",
        "new_library_name": "Городская библиотека",
        "story": "Наша семья служит книге три поколения.",
        "consent": "on",
        **rows("member", MEMBER_FIELDS, MEMBERS if members is None else members),
        **rows("period", PERIOD_FIELDS, PERIODS if periods is None else periods),
    }
    data.update(overrides)
    return data
