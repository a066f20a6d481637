"""The demo's pictures, drawn here with Pillow (nothing downloaded, no licence to keep): the
dynasties' sepia «old photographs» and the colour covers of events, contests and libraries.
Every picture says on itself that it is a demo picture, and so does its title in the image
library."""

import io
import random
from math import cos, radians, sin

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model

PICTURE_NOTE = "Демонстрационное изображение"
SEPIA = [(238, 224, 196), (214, 192, 158), (176, 146, 108), (132, 100, 68), (90, 66, 44)]
#: The covers' colours, light to dark: the site's blue with a warm ochre.
COLOUR = [(236, 242, 248), (196, 214, 232), (214, 160, 74), (46, 104, 160), (11, 52, 92)]
PICTURES = {
    "family": "семейный портрет",
    "shelves": "у книжных полок",
    "building": "здание библиотеки",
    "portrait": "портрет основателя династии",
    "hall": "зал конференции",
    "award": "награда конкурса",
}


def _font(size):
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:  # no DejaVu on this machine: the picture's title still says it is a demo
        return None


def _figure(draw, x, base, height, tone):
    """A person drawn as a head and shoulders on a body, standing at ``base``."""
    head = height // 6
    draw.ellipse((x - head // 2, base - height, x + head // 2, base - height + head), fill=tone)
    draw.polygon(
        [
            (x - head, base - height + head + 4),
            (x + head, base - height + head + 4),
            (x + head * 1.3, base),
            (x - head * 1.3, base),
        ],
        fill=tone,
    )


def _shelves(draw, rng, width, height, tones, rows=4):
    row_height = (height - 120) // rows
    for shelf in range(rows):
        top = 40 + shelf * row_height
        bottom = top + row_height - 20
        draw.rectangle((40, bottom, width - 40, bottom + 12), fill=tones[4])
        x = 50
        while x < width - 70:
            book = rng.randint(14, 34)
            draw.rectangle(
                (x, top + rng.randint(10, 40), x + book, bottom), fill=rng.choice(tones[2:])
            )
            x += book + 3


def _building(draw, width, height, tones):
    left, right, roof, ground = width // 8, width - width // 8, height // 3, height - 90
    draw.rectangle((left, roof, right, ground), fill=tones[2])
    draw.polygon([(left - 20, roof), (width // 2, roof - 110), (right + 20, roof)], fill=tones[3])
    columns = 6
    step = (right - left - 100) // columns
    for column in range(columns):
        for floor in range(2):
            x, y = left + 50 + column * step + step // 4, roof + 50 + floor * 130
            draw.rectangle((x, y, x + step // 2, y + 80), fill=tones[0])
    draw.rectangle((width // 2 - 45, ground - 130, width // 2 + 45, ground), fill=tones[4])
    draw.rectangle((width // 2 - 150, roof + 12, width // 2 + 150, roof + 40), fill=tones[0])
    font = _font(20)
    if font:
        draw.text((width // 2, roof + 26), "БИБЛИОТЕКА", fill=tones[4], font=font, anchor="mm")


def _hall(draw, rng, width, height, tones):
    """A conference hall seen from the back: a stage with a screen and a lectern, rows of heads."""
    draw.rectangle((width // 5, 60, width - width // 5, height // 2 - 20), fill=tones[0])
    draw.rectangle((width // 5 + 30, 90, width - width // 5 - 30, height // 2 - 50), fill=tones[1])
    draw.rectangle((0, height // 2, width, height // 2 + 30), fill=tones[4])
    draw.rectangle(
        (width // 2 + 200, height // 2 - 90, width // 2 + 260, height // 2), fill=tones[3]
    )
    _figure(draw, width // 2 + 150, height // 2, 190, tones[4])
    for row in range(4):
        y = height // 2 + 90 + row * 70
        size = 38 + row * 8
        for n in range(9 + row):
            x = (n + 0.5) * width / (9 + row) + rng.randint(-10, 10)
            draw.ellipse((x - size / 2, y - size, x + size / 2, y), fill=tones[3 + row % 2])
            draw.rectangle((x - size, y - 4, x + size, y + 40), fill=tones[3 + row % 2])


def _award(draw, rng, width, height, tones):
    """A contest's award: a star above a ribbon, between laurel branches, on an open book."""
    cx, cy = width // 2, height // 2 - 40
    points = []
    for n in range(10):
        radius = 150 if n % 2 == 0 else 62
        angle = -90 + n * 36
        points.append((cx + radius * cos(radians(angle)), cy + radius * sin(radians(angle))))
    draw.polygon(points, fill=tones[2])
    for side in (-1, 1):
        for n in range(7):
            x = cx + side * (200 + n * 10)
            y = cy + 120 - n * 40
            draw.ellipse((x - 22, y - 12, x + 22, y + 12), fill=tones[3])
    draw.polygon(
        [(cx - 260, height - 150), (cx, height - 120), (cx, height - 60), (cx - 260, height - 90)],
        fill=tones[0],
    )
    draw.polygon(
        [(cx + 260, height - 150), (cx, height - 120), (cx, height - 60), (cx + 260, height - 90)],
        fill=tones[1],
    )
    for _n in range(12):
        x = rng.randint(40, width - 40)
        y = rng.randint(30, height // 3)
        draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=tones[1])


def picture(kind, seed, people=6):
    """A placeholder JPEG of ``kind`` (``PICTURES``), labelled as a demo picture: the dynasties'
    kinds in sepia, as old photographs; «hall», «award» and «building» covers (16:9) in colour."""
    rng = random.Random(seed)  # noqa: S311 — a drawing
    cover = kind in ("hall", "award") or (kind == "building" and str(seed).startswith("library"))
    tones = COLOUR if cover else SEPIA
    if kind == "portrait":
        width, height = 600, 800
    else:
        width, height = (1280, 720) if cover else (960, 640)
    image = PillowImage.new("RGB", (width, height), tones[0])
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a backdrop darkening towards the floor
        shade = 1 - 0.35 * y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(c * shade) for c in tones[1]))
    if kind == "family":
        back = max(2, (people + 1) // 2)
        for row, count, base, size in ((0, back, 470, 330), (1, people - back, 560, 300)):
            for n in range(max(count, 1)):
                x = int(width * (n + 1) / (max(count, 1) + 1)) + row * 20
                _figure(draw, x, base, size + rng.randint(-30, 20), tones[3 + row])
    elif kind == "shelves":
        _shelves(draw, rng, width, height, tones)
        _figure(draw, width // 2 + rng.randint(-200, 200), height - 40, 380, tones[4])
    elif kind == "building":
        _building(draw, width, height, tones)
    elif kind == "hall":
        _hall(draw, rng, width, height, tones)
    elif kind == "award":
        _award(draw, rng, width, height, tones)
    else:
        _figure(draw, width // 2, height - 60, 620, tones[4])
    # A photo's white margin, and the label.
    draw.rectangle((0, 0, width - 1, height - 1), outline=tones[0], width=18)
    font = _font(22)
    if font:
        draw.rectangle((18, height - 60, width - 18, height - 18), fill=tones[0])
        draw.text((width // 2, height - 39), PICTURE_NOTE, fill=tones[4], font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def demo_image(title, kind, seed, people=6):
    """The Wagtail image ``title``, drawn and saved the first time only."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        data = picture(kind, seed, people)
        image = Image(title=title, file=ImageFile(io.BytesIO(data), name=f"{seed}.jpg"))
        image.save()
    return image


def cover(title, kind, seed):
    """A colour cover for a page or a library: ``kind`` «hall», «award» or «building»."""
    return demo_image(f"{PICTURE_NOTE}: {title} — {PICTURES[kind]}", kind, seed)
