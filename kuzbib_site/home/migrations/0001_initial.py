"""Takes over the site's pages from the core app ``base`` (its ``0003`` removed them from its
state): the models enter this app's state on their old tables, the content types move from
``base`` to ``home`` (so that existing pages, their revisions and permissions keep working), and
the tables are renamed to this app's names. On a fresh database the same steps run on the empty
tables ``base``'s first migration made."""

import django.db.models.deletion
import modelcluster.fields
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


MODELS = ("homepage", "homepagefeatured", "standardpage", "libraryindexpage")


def move_content_types(apps, schema_editor, old="base", new="home"):
    """Re-label the models' content types, keeping their ids (pages, revisions, permissions and
    log entries refer to them). A content type already made under the new label (``migrate``
    run for another app first) has nothing of ours yet and gives way."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for model in MODELS:
        if content_types.filter(app_label=old, model=model).exists():
            content_types.filter(app_label=new, model=model).delete()
            content_types.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="home", new="base")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('base', '0003_site_pages_move_to_home'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HomePage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', wagtail.fields.RichTextField(blank=True, verbose_name='introduction')),
                        ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('image', 8), ('documents', 14), ('table', 15), ('quote', 18), ('embed', 19)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'Text', 'max_length': 255}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'H2'), ('h3', 'H3'), ('h4', 'H4')], 'label': 'Level'}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('wagtail.blocks.RichTextBlock', (), {'icon': 'pilcrow', 'label': 'Text', 'template': 'base/blocks/paragraph_block.html'}), 4: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': 'Image'}), 5: ('wagtail.blocks.CharBlock', (), {'help_text': 'Describe the image for people who cannot see it; empty uses its title.', 'label': 'Alternative text', 'max_length': 255, 'required': False}), 6: ('wagtail.blocks.CharBlock', (), {'label': 'Caption', 'max_length': 500, 'required': False}), 7: ('wagtail.blocks.CharBlock', (), {'label': 'Author or source', 'max_length': 255, 'required': False}), 8: ('wagtail.blocks.StructBlock', [[('image', 4), ('alt_text', 5), ('caption', 6), ('attribution', 7)]], {}), 9: ('wagtail.blocks.CharBlock', (), {'label': 'Heading', 'max_length': 255, 'required': False}), 10: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'Document'}), 11: ('wagtail.blocks.CharBlock', (), {'help_text': "Empty uses the document's title.", 'label': 'Link text', 'required': False}), 12: ('wagtail.blocks.StructBlock', [[('document', 10), ('title', 11)]], {}), 13: ('wagtail.blocks.ListBlock', (12,), {'label': 'Documents'}), 14: ('wagtail.blocks.StructBlock', [[('heading', 9), ('documents', 13)]], {}), 15: ('wagtail.contrib.table_block.blocks.TableBlock', (), {'label': 'Table', 'template': 'base/blocks/table_block.html'}), 16: ('wagtail.blocks.TextBlock', (), {'label': 'Quote'}), 17: ('wagtail.blocks.CharBlock', (), {'label': 'Attribution', 'max_length': 255, 'required': False}), 18: ('wagtail.blocks.StructBlock', [[('text', 16), ('attribution', 17)]], {}), 19: ('wagtail.embeds.blocks.EmbedBlock', (), {'help_text': 'A link to a video or other media, e.g. on RUTUBE or VK Video.', 'icon': 'media', 'label': 'Embedded media', 'template': 'base/blocks/embed_block.html'})}, verbose_name='body')),
                        ('latest_per_section', models.PositiveSmallIntegerField(default=3, help_text='How many of the newest pages of each top-level section the home page lists.', verbose_name='latest pages per section')),
                    ],
                    options={
                        'db_table': 'base_homepage',
                        'verbose_name': 'home page',
                        'verbose_name_plural': 'home pages',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='LibraryIndexPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', wagtail.fields.RichTextField(blank=True, verbose_name='introduction')),
                    ],
                    options={
                        'db_table': 'base_libraryindexpage',
                        'verbose_name': 'library directory',
                        'verbose_name_plural': 'library directories',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='StandardPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', models.TextField(blank=True, max_length=1000, verbose_name='introduction')),
                        ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('image', 8), ('documents', 14), ('table', 15), ('quote', 18), ('embed', 19)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'Text', 'max_length': 255}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'H2'), ('h3', 'H3'), ('h4', 'H4')], 'label': 'Level'}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('wagtail.blocks.RichTextBlock', (), {'icon': 'pilcrow', 'label': 'Text', 'template': 'base/blocks/paragraph_block.html'}), 4: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': 'Image'}), 5: ('wagtail.blocks.CharBlock', (), {'help_text': 'Describe the image for people who cannot see it; empty uses its title.', 'label': 'Alternative text', 'max_length': 255, 'required': False}), 6: ('wagtail.blocks.CharBlock', (), {'label': 'Caption', 'max_length': 500, 'required': False}), 7: ('wagtail.blocks.CharBlock', (), {'label': 'Author or source', 'max_length': 255, 'required': False}), 8: ('wagtail.blocks.StructBlock', [[('image', 4), ('alt_text', 5), ('caption', 6), ('attribution', 7)]], {}), 9: ('wagtail.blocks.CharBlock', (), {'label': 'Heading', 'max_length': 255, 'required': False}), 10: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'Document'}), 11: ('wagtail.blocks.CharBlock', (), {'help_text': "Empty uses the document's title.", 'label': 'Link text', 'required': False}), 12: ('wagtail.blocks.StructBlock', [[('document', 10), ('title', 11)]], {}), 13: ('wagtail.blocks.ListBlock', (12,), {'label': 'Documents'}), 14: ('wagtail.blocks.StructBlock', [[('heading', 9), ('documents', 13)]], {}), 15: ('wagtail.contrib.table_block.blocks.TableBlock', (), {'label': 'Table', 'template': 'base/blocks/table_block.html'}), 16: ('wagtail.blocks.TextBlock', (), {'label': 'Quote'}), 17: ('wagtail.blocks.CharBlock', (), {'label': 'Attribution', 'max_length': 255, 'required': False}), 18: ('wagtail.blocks.StructBlock', [[('text', 16), ('attribution', 17)]], {}), 19: ('wagtail.embeds.blocks.EmbedBlock', (), {'help_text': 'A link to a video or other media, e.g. on RUTUBE or VK Video.', 'icon': 'media', 'label': 'Embedded media', 'template': 'base/blocks/embed_block.html'})}, verbose_name='body')),
                    ],
                    options={
                        'db_table': 'base_standardpage',
                        'verbose_name': 'standard page',
                        'verbose_name_plural': 'standard pages',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='HomePageFeatured',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('home', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='featured_pages', to='home.homepage')),
                        ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.WAGTAIL_PAGE_MODEL, verbose_name='page')),
                    ],
                    options={
                        'db_table': 'base_homepagefeatured',
                        'verbose_name': 'featured page',
                        'ordering': ['sort_order'],
                        'abstract': False,
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.AlterModelTable(name='homepage', table=None),
        migrations.AlterModelTable(name='homepagefeatured', table=None),
        migrations.AlterModelTable(name='libraryindexpage', table=None),
        migrations.AlterModelTable(name='standardpage', table=None),
    ]
