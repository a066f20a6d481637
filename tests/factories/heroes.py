"""Factories of the heroes archive: the index page and heroes with their Hero title.

``HeroPageFactory(parent=index, awards=[("hero", "12.03.1957")])`` makes a published hero whose
awards are given as (kind, date[, number]) tuples; without ``awards`` it has one Hero title in
1957. Derived columns (``title_year``, ``initial`` …) are computed by the model's save."""

import factory
import wagtail_factories

from heroes_archive.models import AwardKind, HeroAward, HeroIndexPage, HeroPage, Industry, Relation


class HeroIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HeroIndexPage

    title = "Герои Социалистического Труда — кузбассовцы"
    slug = "geroi"


class HeroPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HeroPage

    identifier = factory.Sequence(lambda n: f"GST-{n + 1:05d}")
    surname = factory.Sequence(lambda n: f"Шахтёров{n}" if n else "Шахтёров")
    given_name = "Иван"
    patronymic = "Петрович"
    sex = "m"
    birth_date = "12.03.1923"
    relation = Relation.LIVED
    industry = Industry.COAL
    profession = "забойщик"
    enterprise = "шахта «Северная»"
    title = factory.LazyAttribute(lambda hero: f"{hero.surname} {hero.given_name}")
    slug = factory.LazyAttribute(lambda hero: hero.identifier.lower())

    @classmethod
    def _create(cls, model_class, *args, awards=None, **kwargs):
        awards = awards if awards is not None else [(AwardKind.HERO, "26.04.1957")]
        parent = kwargs.pop("parent", None)
        instance = model_class(**kwargs)
        for position, award in enumerate(awards):
            kind, date, *rest = award
            instance.awards.add(
                HeroAward(
                    kind=kind, date=date, number=rest[0] if rest else None, sort_order=position
                )
            )
        if parent is not None:
            parent.add_child(instance=instance)
        else:
            instance.save()
        return instance
