"""How the GitHub Actions runner reads a step's output: a faithful port, as a test oracle.

Ported from github.com/actions/runner at commit 258d6c857db3519913f7deb6004b60172f8043ae:

- src/Runner.Sdk/ProcessInvoker.cs, ``StartReadStream``: stdout and stderr are each read with
  ``StreamReader.ReadLine()``, which ends a line at ``\\n``, ``\\r`` or ``\\r\\n`` (and
  nothing else: not U+2028, U+0085, VT or FF). Both streams go through the same handler
  (src/Runner.Worker/Handlers/ScriptHandler.cs, ``OutputDataReceived`` and
  ``ErrorDataReceived``).
- src/Runner.Worker/Handlers/OutputManager.cs, ``OnDataReceived``: every line that contains
  ``##[`` or ``::`` goes to ``ActionCommandManager.TryProcessCommand``.
- src/Runner.Worker/ActionCommandManager.cs, ``TryProcessCommand``: ``TryParseV2`` first,
  then the legacy ``TryParse``; command names are compared ignoring case
  (``StringComparer.OrdinalIgnoreCase``); a ``::stop-commands::TOKEN`` line makes TOKEN a
  command name too.
- src/Runner.Common/ActionCommand.cs, ``TryParseV2`` (``::name props::data``, only after
  ``TrimStart()``, which trims every character for which .NET's ``Char.IsWhiteSpace`` holds:
  U+0009-U+000D, U+0085 and the Unicode categories Zs, Zl and Zp, e.g. U+00A0, U+2000-U+200A,
  U+3000) and ``TryParse`` (``##[name props]data`` anywhere in the line).

The runner's ``StartsWith``/``IndexOf`` with a string argument are culture-sensitive (ICU on
Linux), where zero-width characters weigh nothing. This port compares ordinally. That leaves
nothing out: both parsers then cut the command name at a fixed offset (2 after the start of
the trimmed line, 3 after where ``##[`` was found), so a name can only follow the literal
``::`` or ``##[``; an ignorable character inside the marker shifts the cut and the name
read is not a command. (psstrat's escape treats zero-width characters at the start of a line
as blank all the same, to be safe.)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

COMMANDS = frozenset(
    {
        "stop-commands",
        "internal-set-repo-path",  # registered only while a runner plugin runs
        "set-env",
        "set-output",
        "save-state",
        "add-mask",
        "add-path",
        "add-matcher",
        "remove-matcher",
        "debug",
        "warning",
        "error",
        "notice",
        "group",
        "endgroup",
        "echo",
    }
)
"""Every command name the runner registers (ActionCommandManager.cs, each ``Command =>``)."""

ANY = None
"""``registered=ANY``: every name is a command (a stop-commands token can be anything)."""


@dataclass
class Command:
    name: str
    properties: dict[str, str] = field(default_factory=dict)
    data: str = ""


def lines(output: str) -> list[str]:
    """The lines as ``StreamReader.ReadLine()`` returns them: split at \\n, \\r and \\r\\n."""
    out: list[str] = []
    start = i = 0
    while i < len(output):
        ch = output[i]
        if ch in "\r\n":
            out.append(output[start:i])
            if ch == "\r" and output[i + 1 : i + 2] == "\n":
                i += 1
            start = i + 1
        i += 1
    if start < len(output):
        out.append(output[start:])
    return out


def is_white_space(ch: str) -> bool:
    """.NET's ``Char.IsWhiteSpace``."""
    return ch in "\t\n\x0b\x0c\r\x85" or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def trim_start(text: str) -> str:
    i = 0
    while i < len(text) and is_white_space(text[i]):
        i += 1
    return text[i:]


def trim(text: str) -> str:
    text = trim_start(text)
    end = len(text)
    while end > 0 and is_white_space(text[end - 1]):
        end -= 1
    return text[:end]


def split(text: str, separator: str, count: int | None = None) -> list[str]:
    """``text.Split(new[] { separator }, count, StringSplitOptions.RemoveEmptyEntries)``:
    empty entries are dropped and do not count; the last entry is the rest of the text,
    after any separators that would only have made empty entries."""
    if count is None:
        return [part for part in text.split(separator) if part]
    out: list[str] = []
    current = 0
    positions = [i for i, ch in enumerate(text) if ch == separator]
    i = 0
    while i < len(positions):
        if positions[i] - current > 0:
            out.append(text[current : positions[i]])
        current = positions[i] + 1
        if len(out) == count - 1:
            while i < len(positions) - 1 and current == positions[i + 1]:
                i += 1
                current += 1
            break
        i += 1
    if current < len(text):
        out.append(text[current:])
    return out


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for token, replacement in mappings:  # in the runner's order, one after the other
        text = text.replace(replacement, token)
    return text


_LEGACY = ((";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D"), ("%", "%25"))
_DATA = (("\r", "%0D"), ("\n", "%0A"), ("%", "%25"))
_PROPERTY = (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25"))


def _registered(name: str, registered: frozenset[str] | None) -> bool:
    if not name:
        return False  # ArgUtil.NotNullOrEmpty throws; the parser returns false
    return registered is None or name.upper() in {c.upper() for c in registered}


def _properties(text: str, separator: str, unescape: tuple[tuple[str, str], ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in split(text, separator):
        pair = split(item, "=", 2)
        if len(pair) == 2:
            found[pair[0].lower()] = _unescape(pair[1], unescape)  # keys ignore case
    return found


def try_parse_v2(message: str, registered: frozenset[str] | None = COMMANDS) -> Command | None:
    """``ActionCommand.TryParseV2``: ``::name k=v,k=v::data`` after leading white space."""
    if not message:
        return None
    message = trim_start(message)
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if not _registered(name, registered):
        return None
    command = Command(name)
    if space > 0:
        command.properties = _properties(trim(info[space + 1 :]), ",", _PROPERTY)
    command.data = _unescape(message[end + 2 :], _DATA)
    return command


def try_parse(message: str, registered: frozenset[str] | None = COMMANDS) -> Command | None:
    """``ActionCommand.TryParse`` (legacy): ``##[name k=v;k=v]data`` anywhere in the line."""
    if not message:
        return None
    prefix = message.find("##[")
    if prefix < 0:
        return None
    bracket = message.find("]", prefix)
    if bracket < 0:
        return None
    info = message[prefix + 3 : bracket]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if not _registered(name, registered):
        return None
    command = Command(name)
    if space > 0:
        command.properties = _properties(info[space + 1 :], ";", _LEGACY)
    command.data = _unescape(message[bracket + 1 :], _LEGACY)
    return command


def command_in(line: str, registered: frozenset[str] | None = COMMANDS) -> Command | None:
    """What the runner makes of one line: ``TryProcessCommand``'s two parsers, in order."""
    if "##[" not in line and "::" not in line:  # OutputManager.OnDataReceived
        return None
    return try_parse_v2(line, registered) or try_parse(line, registered)


def commands_in(output: str, registered: frozenset[str] | None = ANY) -> list[tuple[str, Command]]:
    """Every line of ``output`` the runner would obey, with what it would do. By default any
    name counts, which is stricter than the runner: no line may even have a command's shape."""
    found = []
    for line in lines(output):
        command = command_in(line, registered)
        if command is not None:
            found.append((line, command))
    return found
