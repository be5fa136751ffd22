"""An entry under data/ that psstrat will not read.

Catches: a FIFO (named pipe), socket or device; a symbolic link whose target is outside the
repository; a symbolic link to a folder, or data/ itself as a link; a broken link; a folder
or file that cannot be read (permissions).

Why: every data file in a pull request is untrusted. Opening a FIFO waits for ever, so one
would hang CI; a link out of the repository could make a report quote a file from elsewhere on
the machine (its target is never read, nor named in the message); and a folder psstrat cannot
read would otherwise drop out of every check without a word.

Fix: replace the entry with the plain YAML file it should be, inside the repository; make
folders readable; remove stray links.

Example: data/risks/R0002.yaml is a symbolic link to /etc/hosts.

Fixed: data/risks/R0002.yaml is the risk's own file (remove the link, then
`psstrat new risk`).
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    return ctx.load_findings(Code.UNSAFE_PATH)


RULE = Rule(Code.UNSAFE_PATH, Severity.ERROR, check, __doc__)
