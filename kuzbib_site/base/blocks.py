"""StreamField blocks shared by every app: one module, so that every page type offers editors the
same building blocks and renders them with the same templates."""

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; h2 by default so that the page's h1 stays its title."""

    text = blocks.CharBlock(label=_("Text"), max_length=255)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "base/blocks/heading_block.html"


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=255,
        help_text=_("Describe the image for people who cannot see it; empty uses its title."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=500)
    attribution = blocks.CharBlock(label=_("Author or source"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "base/blocks/image_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"), required=False, help_text=_("Empty uses the document's title.")
    )


class DocumentListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=255)
    documents = blocks.ListBlock(DocumentLinkBlock(), label=_("Documents"))

    class Meta:
        icon = "doc-full"
        label = _("Document list")
        template = "base/blocks/document_list_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "base/blocks/quote_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"), icon="pilcrow", template="base/blocks/paragraph_block.html"
    )
    image = ImageWithCaptionBlock()
    documents = DocumentListBlock()
    table = TableBlock(label=_("Table"), template="base/blocks/table_block.html")
    quote = QuoteBlock()
    embed = EmbedBlock(
        label=_("Embedded media"),
        help_text=_("A link to a video or other media, e.g. on RUTUBE or VK Video."),
        icon="media",
        template="base/blocks/embed_block.html",
    )


def stream_text(stream):
    """Plain text of a ``BaseStreamBlock`` stream (paragraphs, headings, quotes), for search
    excerpts."""
    parts = []
    for block in stream:
        value = block.value
        if block.block_type == "paragraph":
            parts.append(strip_tags(value.source))
        elif block.block_type in {"heading", "quote"}:
            parts.append(value.get("text", ""))
    return " ".join(part.strip() for part in parts if part)
