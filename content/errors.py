"""Errors the content layer raises; the command line turns them into one line."""


class ContentError(Exception):
    """Something about the content the user pointed us at is wrong."""


class NotMarkdown(ContentError):
    """A path that is neither a folder nor a Markdown file."""


class UnknownSection(ContentError):
    """A section id (``slug#anchor``) or slug that the library does not have."""
