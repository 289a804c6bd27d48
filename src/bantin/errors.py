"""Exceptions raised by bantin. Every user-facing failure is one of these, never a raw traceback."""


class BantinError(Exception):
    """Base class for all bantin errors."""


class BantinInputError(BantinError, ValueError):
    """The input (file, bytes, text, record) cannot be read as a news page."""


class BantinModelError(BantinError):
    """A model directory is missing, incomplete or of the wrong kind."""


class BantinDataError(BantinError):
    """A dataset or corpus is missing or malformed."""
