"""The one exception a command raises for an expected failure; its message is shown to the user as is."""


class CliError(Exception):
    """A failure the user can fix (a file, a name, a setting); printed without a traceback."""
