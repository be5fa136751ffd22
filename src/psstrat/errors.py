"""Errors that stop a command from running at all (exit status 2)."""


class PsstratError(Exception):
    """A problem the user can fix, reported as one line on stderr with exit status 2.

    The message ends with the remedy, so the user knows what to do next.
    """
