"""Pre-reform Russian spelling folded to the modern letters, in the index and in queries alike:
«библиотека» finds «библіотека», «город» finds «городѣ». The 1918 reform replaced ѣ with е,
і with и, ѳ with ф and ѵ with и, and dropped the hard sign at the end of words («городъ» →
«город»); folding both sides with one function makes either spelling find the other."""

import re

LETTERS = str.maketrans(
    {
        "ѣ": "е",
        "Ѣ": "Е",
        "і": "и",
        "І": "И",
        "ї": "и",
        "Ї": "И",
        "ѳ": "ф",
        "Ѳ": "Ф",
        "ѵ": "и",
        "Ѵ": "И",
    }
)
#: A hard sign ending a word (after a consonant): «городъ», «съ». Not one inside a word
#: («объявленіе»), which the reform kept.
FINAL_HARD_SIGN = re.compile(r"(?<=[^\W\d_])[ъЪ](?![^\W\d_])")


def fold(text):
    """``text`` in modern letters: the old letters replaced, a word's final hard sign dropped."""
    return FINAL_HARD_SIGN.sub("", text.translate(LETTERS))
