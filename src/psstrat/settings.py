"""Settings from psstrat.yaml: one typed object, passed as an argument."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from psstrat.errors import PsstratError
from psstrat.model.common import Model

SETTINGS_FILE = "psstrat.yaml"
RuleLevel = Literal["error", "warning", "off"]
# Marking names appear in report headers and in CSS `content:`; keep them plain words.
MarkingName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$")]


class RiskBand(Model):
    name: str
    """Required: the band's name, e.g. high"""
    max: int = Field(ge=1, le=25)
    """Required: the highest residual score in the band"""
    colour: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    """Optional: the heat map colour, #RRGGBB; defaults run green, amber, orange, red"""


class ReportSettings(Model):
    by: str | None = None
    """The "By" line of the paper (e.g. the head of the directorate); none by default"""
    author: str | None = None
    """Owner id of the report's contact (default: the strategy's author)"""
    exemptions: dict[str, str] = Field(default_factory=dict)
    """Why a closed paper or part is not published: a key papers name, and its wording"""
    list_length: int = Field(default=10, ge=1, le=1000)
    """The longest list of risks a paper prints; it counts the rest"""
    language: str = Field(default="en-GB", pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    """The paper's language (PDF, Word, HTML), for screen readers: e.g. en-GB or cy-GB"""


class Settings(Model):
    year_start_month: int = Field(default=4, ge=1, le=12)
    """Quarter 1 starts in this month: 1 calendar, 4 UK financial year"""
    markings: list[MarkingName] = Field(
        default_factory=lambda: ["official", "official-sensitive", "secret"], min_length=1
    )
    """Protective markings, lowest first"""
    open_session_max: str = "official"
    """Highest marking an open-session report may contain"""
    closed_session_max: str = "official-sensitive"
    """Highest marking a closed-session report may contain; not below open_session_max"""
    categories: list[str] = Field(
        default_factory=lambda: [
            "operational",
            "financial",
            "reputational",
            "legal",
            "people",
            "information",
        ],
        min_length=1,
    )
    """Risk categories"""
    risk_bands: list[RiskBand] = Field(
        default_factory=lambda: [
            RiskBand(name="low", max=4),
            RiskBand(name="medium", max=9),
            RiskBand(name="high", max=14),
            RiskBand(name="very high", max=25),
        ],
        min_length=1,
    )
    """By residual score, upper bounds inclusive, ending at 25"""
    escalation_threshold: int = Field(default=15, ge=1, le=25)
    """Residual score at or above which a risk must be escalated"""
    due_soon_days: int = Field(default=30, ge=0, le=3660)
    """A milestone is due soon this many days ahead: 0 to 3660"""
    stale_update_days: int = Field(default=120, ge=1, le=36500)
    """Days without an update before `stale-update` warns: 1 to 36500"""
    strand_report_months: int = Field(default=12, ge=1, le=120)
    """Each strand is reported to the committee at least this often, in months: 1 to 120"""
    rules: dict[str, RuleLevel] = Field(default_factory=dict)
    """Per rule code: error | warning | off"""
    report: ReportSettings = Field(default_factory=ReportSettings)
    """The paper's "By" line (none by default) and contact"""

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        folded = [m.casefold() for m in self.markings]
        twice = next(
            (m for i, m in enumerate(self.markings) if folded.index(m.casefold()) < i), None
        )
        if twice is not None:
            raise PydanticCustomError(
                "value_error",
                "markings lists `{marking}` twice (the order is the rank: a marking cannot have "
                "two); list each marking once",
                {"marking": twice},
            )
        for name in ("open_session_max", "closed_session_max"):
            if getattr(self, name) not in self.markings:
                raise PydanticCustomError(
                    "choice",
                    "{name} `{value}` is not in markings ({allowed})",
                    {
                        "name": name,
                        "value": getattr(self, name),
                        "allowed": ", ".join(self.markings),
                    },
                )
        if self.rank(self.open_session_max) > self.rank(self.closed_session_max):
            raise PydanticCustomError(
                "value_error",
                "open_session_max `{open}` is above closed_session_max `{closed}`: the open "
                "session would see more than the closed one",
                {"open": self.open_session_max, "closed": self.closed_session_max},
            )
        maxima = [band.max for band in self.risk_bands]
        if maxima != sorted(maxima) or maxima[-1] != 25:
            raise PydanticCustomError(
                "value_error", "risk_bands must rise in `max` and end at 25", {}
            )
        return self

    def rank(self, marking: str | None) -> int:
        """The marking's place in the list, lowest 0; None means the lowest."""
        if marking is None:
            return 0
        try:
            return self.markings.index(marking)
        except ValueError:  # unknown markings are validation errors; treat as highest
            return len(self.markings)

    def band(self, score: int) -> str:
        for b in self.risk_bands:
            if score <= b.max:
                return b.name
        return self.risk_bands[-1].name

    @property
    def validation_context(self) -> dict[str, list[str]]:
        return {
            "markings": self.markings,
            "categories": self.categories,
            "exemptions": list(self.report.exemptions),
        }


def load_settings(root: Path) -> Settings:
    """Read psstrat.yaml at the root (defaults when absent).

    Raises PsstratError naming file:line:col when the settings cannot be used, since
    nothing else can be checked correctly without them.
    """
    from psstrat import yamlio

    path = settings_file(root)
    if path is None:
        return Settings()
    try:
        raw = yamlio.read_bytes(path)
    except yamlio.YamlProblem as exc:
        raise PsstratError(
            f"{SETTINGS_FILE}:{exc.line}:{exc.column}: {exc.message}; fix the settings file"
        ) from None
    except OSError as exc:
        raise PsstratError(f"cannot read {SETTINGS_FILE}: {exc.strerror}") from None
    return parse_settings(raw)


def parse_settings(raw: bytes) -> Settings:
    """Settings from the bytes of a psstrat.yaml (as read from disk or from a git commit)."""
    from psstrat import yamlio
    from psstrat.messages import schema_problems, suggest

    try:
        doc = yamlio.parse_yaml(raw, empty_ok=True)  # every setting is optional
    except yamlio.YamlProblem as exc:
        raise PsstratError(
            f"{SETTINGS_FILE}:{exc.line}:{exc.column}: {exc.message}; fix the settings file"
        ) from None
    try:
        settings = Settings.model_validate(doc.data)
    except ValidationError as exc:
        first = next(schema_problems(exc, Settings, doc.data, doc.positions))
        raise PsstratError(
            f"{SETTINGS_FILE}:{first.line}:{first.column}: {first.message}; {first.help}"
        ) from None
    from psstrat.codes import CODES

    for code in settings.rules:
        if code not in CODES:
            line, column = doc.positions.key(("rules", code))
            raise PsstratError(
                f"{SETTINGS_FILE}:{line}:{column}: unknown rule `{code}` in `rules`"
                f"{suggest(code, sorted(CODES))}; `psstrat validate --explain` lists the rules"
            )
    return settings


def settings_file(root: Path) -> Path | None:
    """psstrat.yaml to read, None when there is none. Looked at with lstat first: a FIFO is
    never opened, and a symbolic link is followed only to a regular file in the repository."""
    import os
    import stat

    path = root / SETTINGS_FILE
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PsstratError(f"cannot read {SETTINGS_FILE}: {exc.strerror}") from None
    if stat.S_ISLNK(mode):
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            raise PsstratError(
                f"{SETTINGS_FILE} is a symbolic link to somewhere outside the repository or "
                "to something that is not a file; it is not read. Put the settings file itself "
                "in the repository"
            )
        return target
    if not stat.S_ISREG(mode):
        raise PsstratError(
            f"{SETTINGS_FILE} is not a regular file (a FIFO, socket or device); it is not "
            "read. Replace it with a YAML file"
        )
    return path
