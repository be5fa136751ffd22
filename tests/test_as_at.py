"""A paper is the same whenever it is run: every figure in it as at its date (psstrat.asat).

The property: for a generated repository with a git history, the paper for a quarter rendered
from the quarter's last commit equals the paper for that quarter rendered from a commit made
after it, when every change after the quarter's end is a dated record after the quarter's end
(updates recording statuses and leads, completions, re-plans, new milestones and work
elements, re-assessments, owners, control statuses, closures, escalations, a new SIA).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psstrat.cli import run
from tests.test_changes import git

END = dt.date(2004, 12, 31)
"""The quarter's end (2004-Q3: October to December 2004)."""
LEADS = ["lead-a", "lead-b", None]
STATUSES = ["not-started", "on-track", "at-risk", "off-track", "complete", "cancelled"]

STRATEGY = {
    "id": "PSS-2002",
    "title": "Test Strategy",
    "period": {"start": "2002-08-01", "end": "2007-07-31"},
    "status": "agreed",
    "owner": "committee",
    "outcomes": [{"id": "O1", "title": "Risks are managed"}],
}
OWNERS = {
    "owners": [
        {"id": "committee", "role": "Strategic Committee"},
        {"id": "lead-a", "role": "DCS Intelligence Command, DPS", "name": "Jane Smith"},
        {"id": "lead-b", "role": "Deputy Director, DPS"},
    ]
}
MEETINGS = {
    "committee": "Test Committee",
    "meetings": [{"date": "2004-10-07", "report": 6}, {"date": "2005-01-13", "report": 7}],
}


def before(day: int) -> str:
    """A day up to the quarter's end (day 0 is 1 April 2004)."""
    return (dt.date(2004, 4, 1) + dt.timedelta(days=day % 275)).isoformat()


def after(day: int) -> str:
    """A day after the quarter's end."""
    return (END + dt.timedelta(days=1 + day % 300)).isoformat()


days = st.integers(min_value=0, max_value=10_000)


@st.composite
def element(draw: st.DrawFn, eid: str) -> dict[str, Any]:
    """A work element as at the quarter's last commit, with what happens to it after."""
    status_records = draw(st.lists(st.tuples(days, st.sampled_from(STATUSES)), max_size=3))
    lead_records = draw(st.lists(st.tuples(days, st.sampled_from(LEADS)), max_size=2))
    e: dict[str, Any] = {
        "id": eid,
        "title": f"Work {eid}",
        "lead": draw(st.sampled_from(LEADS)),
        "status": draw(st.sampled_from(STATUSES)),
        "start": before(draw(days)),
        "milestones": [],
        "updates": [],
    }
    for n in range(draw(st.integers(0, 3))):
        m: dict[str, Any] = {"id": f"{eid}.M{n + 1}", "title": f"Deliver {n + 1}"}
        m["due"] = draw(st.sampled_from([before, after]))(draw(days))
        if draw(st.booleans()):
            m["completed"] = before(draw(days))
        if draw(st.booleans()):
            m["set_on"] = before(draw(days))
        e["milestones"].append(m)
    for day, status in status_records:
        e["updates"].append({"date": before(day), "text": f"Now {status}.", "status": status})
    for day, lead in lead_records:
        e["updates"].append({"date": before(day), "text": "A new lead.", "lead": lead})
    for day in draw(st.lists(days, max_size=2)):
        e["updates"].append({"date": before(day), "text": "Progress."})
    if draw(st.booleans()):
        e["marking"] = "official-sensitive"
    _agree(e)
    return e


def _agree(e: dict[str, Any]) -> None:
    """The element's own status and lead are its latest records' (rule state-record; of two
    on one day, the later in the file)."""
    for field in ("status", "lead"):
        recorded = [u for u in e["updates"] if field in u]
        if recorded:
            latest = max(u["date"] for u in recorded)
            e[field] = [u for u in recorded if u["date"] == latest][-1][field]


@st.composite
def later(draw: st.DrawFn, e: dict[str, Any]) -> dict[str, Any]:
    """The element after the quarter: only dated records after its end are added."""
    e = json.loads(json.dumps(e))
    if any("status" in u for u in e["updates"]):
        for day in draw(st.lists(days, max_size=2)):
            status = draw(st.sampled_from(STATUSES))
            e["updates"].append({"date": after(day), "text": "Later.", "status": status})
    if any("lead" in u for u in e["updates"]) and draw(st.booleans()):
        e["updates"].append({"date": after(draw(days)), "text": "Moved.", "lead": "lead-b"})
    for m in e["milestones"]:
        choice = draw(st.integers(0, 3))
        if choice == 1 and "completed" not in m:
            m["completed"] = after(draw(days))
        elif choice == 2:
            m["revised_due"], m["revised_on"] = after(draw(days)), after(draw(days))
        elif choice == 3:
            m["cancelled"], m["cancelled_on"] = True, after(draw(days))
    if draw(st.booleans()):
        n = len(e["milestones"]) + 1
        added = {"id": f"{e['id']}.M{n}", "title": "Added later", "due": after(draw(days))}
        e["milestones"].append({**added, "set_on": after(draw(days))})
    _agree(e)
    return e


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """The data files at the quarter's last commit, and after it."""
    elements = [draw(element(f"S1.{n + 1}")) for n in range(draw(st.integers(1, 3)))]
    strand: dict[str, Any] = {"id": "S1", "title": "Security", "lead": "lead-a"}
    if draw(st.booleans()):
        strand["updates"] = [{"date": before(draw(days)), "text": "Lead.", "lead": "lead-a"}]
    risk: dict[str, Any] = {
        "id": "R0001",
        "title": "Leakage",
        "category": "information",
        "owner": "lead-a",
        "raised": before(draw(days) % 100),
        "strands": ["S1.1"],
        "inherent": {"likelihood": 5, "impact": 4},
        "residual": {"likelihood": 3, "impact": 4, "date": before(100 + draw(days) % 170)},
        "controls": [{"description": "Code", "status": "in-progress"}],
        "review_date": "2005-06-30",
    }
    if draw(st.booleans()):
        risk["updates"] = [{"date": risk["raised"], "owner": "lead-a"}]
        risk["controls"][0]["updates"] = [{"date": risk["raised"], "status": "in-progress"}]
    if draw(st.booleans()):
        risk["marking"] = "official-sensitive"
    then = {
        "data/strands/S1.yaml": {**strand, "work_elements": elements},
        "data/risks/R0001.yaml": risk,
    }
    now = json.loads(json.dumps(then))
    s1 = now["data/strands/S1.yaml"]
    s1["work_elements"] = [draw(later(e)) for e in elements]
    if draw(st.booleans()):
        new: dict[str, Any] = {"id": f"S1.{len(elements) + 1}", "title": "Begun later"}
        new["lead"] = "lead-b"
        new |= {"status": "on-track", "start": after(draw(days))}
        new["milestones"] = [{"id": f"{new['id']}.M1", "title": "First", "due": after(0)}]
        s1["work_elements"].append(new)
    if "updates" in s1 and draw(st.booleans()):
        s1["updates"].append({"date": after(draw(days)), "text": "To HR.", "lead": "lead-b"})
        s1["lead"] = "lead-b"
    draw(risk_later(now["data/risks/R0001.yaml"]))
    if draw(st.booleans()):
        now["data/risks/R0002.yaml"] = {
            **{k: v for k, v in risk.items() if k not in ("updates", "controls", "marking")},
            "id": "R0002",
            "raised": after(draw(days)),
            "residual": {"likelihood": 2, "impact": 2, "date": "2005-12-31"},
        }
    if draw(st.booleans()):
        now["data/sia/SIA-2005.yaml"] = {
            "id": "SIA-2005",
            "title": "The next assessment",
            "date": after(draw(days)),
            "issues": [{"id": "SIA-2005.1", "title": "Leakage", "risks": ["R0001"]}],
        }
    return then, now


@st.composite
def risk_later(draw: st.DrawFn, r: dict[str, Any]) -> None:
    """The risk after the quarter (changed in place): dated records after its end."""
    if draw(st.booleans()):  # re-assessed after the quarter
        r["history"] = [r["residual"]]
        r["residual"] = {"likelihood": 1, "impact": 1, "date": after(draw(days))}
    if "updates" in r and draw(st.booleans()):
        r["updates"].append({"date": after(draw(days)), "owner": "lead-b"})
        r["owner"] = "lead-b"
        r["controls"][0]["updates"].append({"date": after(draw(days)), "status": "in-place"})
        r["controls"][0]["status"] = "in-place"
    if draw(st.booleans()):
        r["escalated"] = {"to": "MPS Corporate Risk Register", "date": after(draw(days))}
    if draw(st.booleans()):
        r["status"], r["closed"] = "closed", after(draw(days))


def _commit(root: Path, message: str, date: str) -> None:
    git(root, "add", "-A", date=date)
    git(root, "commit", "--allow-empty", "-qm", message, date=date)


def _write(root: Path, files: dict[str, Any]) -> None:
    for old in root.glob("data/*/*.yaml"):
        old.unlink()
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")  # JSON is YAML


def _papers(root: Path) -> dict[str, str]:
    """The quarter's paper in each session, full and for the strand, without the line that
    names the commit it was made from (the one thing that may differ)."""
    out = {}
    for session in ("open", "closed"):
        for strand in ([], ["--strand", "S1"]):
            args = ["report", "--root", str(root), "-q", "2004-Q3", "--session", session]
            args += [*strand, "--format", "md", "--allow-errors"]
            code, text = _run(args)
            assert code == 0, text
            kept = [line for line in text.splitlines() if "source commit" not in line]
            out[f"{session} {' '.join(strand)}"] = "\n".join(kept)
    return out


def _run(args: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    paper, warnings = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(paper), contextlib.redirect_stderr(warnings):
        code = run(args)
    return code, paper.getvalue() if code == 0 else warnings.getvalue()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(histories())
def test_a_past_paper_is_the_same_whenever_it_is_run(
    history: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    then, now = history
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in {
            "data/strategy.yaml": STRATEGY,
            "data/owners.yaml": OWNERS,
            "data/meetings.yaml": MEETINGS,
        }.items():
            _write_one(root, rel, data)
        git(root, "init", "-q", "-b", "main", date="2004-09-01T12:00:00")
        _write(root, {"data/strands/S1.yaml": {"id": "S1", "title": "Security"}})
        _commit(root, "before the last report", "2004-09-01T12:00:00")
        _write(root, then)
        _commit(root, "the quarter", "2004-12-31T12:00:00")
        at_the_time = _papers(root)
        _write(root, now)
        _commit(root, "after the quarter", "2005-11-01T12:00:00")
        assert _papers(root) == at_the_time


def _write_one(root: Path, rel: str, data: Any) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


# -- each defect the issue found, on the small repository ------------------------------------

S1 = "data/strands/S1.yaml"


def _paper(cli: Any, repo: Any, *args: str) -> str:
    from tests.conftest import invoke

    code, out, err = invoke(cli, "report", "--root", str(repo.root), *args)
    assert code == 0, err
    return out


def test_a_status_recorded_later_does_not_colour_an_earlier_paper(cli: Any, repo: Any) -> None:
    """S1.1 went off track on 26 September 2004: the paper for Q1 (April to June 2004) still
    shows it on track and the strand GREEN; the paper for Q2 shows it off track, RED."""
    repo.edit(
        S1,
        "    updates:\n",
        "    updates:\n      - date: 2004-04-01\n        text: Started.\n        status: on-track\n"
        "      - date: 2004-09-26\n        text: Delayed.\n        status: off-track\n",
    )
    repo.edit(S1, "status: on-track", "status: off-track")
    q1 = _paper(cli, repo, "-q", "2004-Q1", "--allow-errors")
    assert "S1 Security of information: GREEN" in q1
    assert "| on track | GREEN |" in q1 and "off track" not in q1 and "RED" not in q1
    q2 = _paper(cli, repo, "-q", "2004-Q2", "--allow-errors")
    assert "S1 Security of information: RED" in q2 and "| off track | RED |" in q2


def test_before_its_first_record_a_status_is_not_recorded(cli: Any, repo: Any) -> None:
    repo.edit(
        S1,
        "    updates:\n",
        "    updates:\n      - date: 2004-09-26\n        text: Delayed.\n"
        "        status: on-track\n",
    )
    q1 = _paper(cli, repo, "-q", "2004-Q1", "--allow-errors")
    assert "| not recorded | GREY |" in q1 and "on track" not in q1


def test_a_lead_and_a_strand_lead_change_on_their_dates(cli: Any, repo: Any) -> None:
    repo.edit(S1, "lead: lead-a\n", "lead: lead-b\n")
    repo.edit(
        S1,
        "work_elements:\n",
        "updates:\n  - date: 2004-01-01\n    text: Strand set up.\n    lead: lead-a\n"
        "  - date: 2004-11-15\n    text: The Deputy Director takes the strand.\n"
        "    lead: lead-b\nwork_elements:\n",
    )
    q2 = _paper(cli, repo, "-q", "2004-Q2", "--allow-errors")
    assert "Strand lead: DCS Intelligence Command, DPS (Jane Smith)" in q2
    q3 = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "Strand lead: Deputy Director, DPS" in q3
    assert "S1: The Deputy Director takes the strand." in q3  # a strand update is listed


def test_an_element_not_yet_started_is_in_no_paper_and_counted_nowhere(cli: Any, repo: Any) -> None:
    repo.write(
        S1,
        repo.read(S1)
        + "  - id: S1.2\n    title: Begun in 2005\n    lead: lead-b\n    status: at-risk\n"
        "    start: 2005-02-01\n    milestones:\n      - id: S1.2.M1\n"
        "        title: First step\n        due: 2004-12-15\n  - id: S1.3\n"
        "    title: Secret work begun in 2005\n    start: 2005-02-01\n"
        "    marking: official-sensitive\n",
    )
    q3 = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "S1.2" not in q3 and "AMBER" not in q3 and "Begun in 2005" not in q3
    # Only the secret risk is withheld in Q3: S1.3 had not started, so it is counted nowhere.
    assert "One risk is marked above this session's level" in q3
    later = _paper(cli, repo, "-q", "2004-Q4", "--allow-errors")
    assert "S1.2 Begun in 2005" in later
    assert "One risk and one work element are marked above this session's level" in later


def test_a_replan_shows_from_the_day_it_was_agreed(cli: Any, repo: Any) -> None:
    repo.edit(
        S1,
        "        due: 2005-06-30\n",
        "        due: 2005-03-31\n        revised_due: 2005-06-30\n"
        "        revised_on: 2005-02-10\n",
    )
    q3 = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "S1.1.M2 Code implemented" in q3 and "31 March 2005" in q3
    assert "30 June 2005" not in q3  # the re-plan was not yet agreed
    q4 = _paper(cli, repo, "-q", "2004-Q4", "--as-of", "2005-03-31", "--allow-errors")
    assert "30 June 2005" in q4


def test_a_quarter_reports_to_the_first_meeting_after_it(cli: Any, repo: Any) -> None:
    repo.write(
        "data/meetings.yaml",
        "committee: Test Committee\nmeetings:\n  - date: 2004-11-20\n    report: 5\n"
        "  - date: 2005-01-13\n    report: 7\n  - date: 2005-04-20\n    report: 8\n",
    )
    q3 = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "| Report | 7 |\n| Date | 13 January 2005 |" in q3
    q4 = _paper(cli, repo, "-q", "2004-Q4", "--as-of", "2005-03-31", "--allow-errors")
    assert "| Report | 8 |\n| Date | 20 April 2005 |" in q4  # not the meeting inside it
    q1 = _paper(cli, repo, "-q", "2005-Q1", "--as-of", "2005-06-30", "--allow-errors")
    assert "| Date | No meeting is recorded after this quarter |" in q1


def test_a_milestone_due_on_the_quarters_last_day_and_not_met_is_late_in_its_strand(
    cli: Any, repo: Any
) -> None:
    repo.edit(S1, "        due: 2005-06-30\n", "        due: 2004-12-31\n")
    q3 = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    overdue = q3.split("**Overdue**")[1].split("**Due next quarter**")[0]
    assert "S1.1.M2 Code implemented" in overdue


def test_changes_since_the_last_report_are_anchored_on_the_papers_meeting(
    cli: Any, repo: Any
) -> None:
    """No git here: the last report is the one to the meeting before this paper's, as at the
    end of the quarter it took; the changes are the dated records between."""
    repo.write(
        "data/meetings.yaml",
        "committee: Test Committee\nmeetings:\n  - date: 2004-10-07\n    report: 6\n"
        "  - date: 2005-01-13\n    report: 7\n",
    )
    for since in ([], ["--since", "last-meeting"]):
        q3 = _paper(cli, repo, "-q", "2004-Q3", *since, "--allow-errors")
        section = q3.split("### Changes since the last report")[1].split("### Progress")[0]
        assert (
            "Compared with the last report (to the meeting of 7 October 2004, as at 30 "
            "September 2004)." in section
        )
        assert "S1.1.M1 Code agreed, on 13 November 2004" in section
        assert "the data at last-meeting" not in q3


def test_a_quarter_before_the_strategy_or_after_today_is_refused(cli: Any, repo: Any) -> None:
    from tests.conftest import invoke

    code, _, err = invoke(cli, "report", "--root", str(repo.root), "-q", "1990-Q1")
    assert code == 2 and "before the strategy starts on 2002-08-01" in err
    assert "choose 2002-Q2 or a later quarter" in err
    code, _, err = invoke(cli, "report", "--root", str(repo.root), "-q", "2999-Q1")
    assert code == 2 and "Traceback" not in err


def test_a_withheld_record_changes_nothing_in_the_open_paper(cli: Any, repo: Any) -> None:
    """A sensitive update recording a status: the open paper is as if it were deleted."""
    plain = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    repo.edit(
        S1,
        "    updates:\n",
        "    updates:\n      - date: 2004-10-02\n        text: CANARY delayed.\n"
        "        status: off-track\n        lead: lead-a\n        marking: official-sensitive\n",
    )
    with_secret = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "CANARY" not in with_secret and "off track" not in with_secret
    assert "RED" not in with_secret
    # The strand's section is the same; only the count of withheld items differs.
    assert _strand_section(with_secret) == _strand_section(plain)


def _strand_section(paper: str) -> str:
    return paper.split("#### S1")[1].split("### Strategic Intelligence")[0]


# -- what a review found (a hostile pull request, and careful users) --------------------------


def test_touching_a_withheld_item_changes_nothing_in_the_changes_since_the_last_report(
    cli: Any, repo: Any
) -> None:
    """With git, the section once compared only the files git said had changed: an edit
    inside a withheld item brought a file's dated differences into an open paper."""
    repo.write(
        "data/meetings.yaml",
        "committee: Test Committee\nmeetings:\n  - date: 2004-10-07\n    report: 6\n"
        "  - date: 2005-01-13\n    report: 7\n",
    )
    repo.write(
        S1,
        repo.read(S1) + "  - id: S1.2\n    title: Vetting review\n    lead: lead-a\n"
        "    status: on-track\n    start: 2004-11-01\n",
    )
    git(repo.root, "init", "-q", "-b", "main", date="2004-09-15T12:00:00")
    _commit(repo.root, "the plan", "2004-09-15T12:00:00")
    before = _changes_section(_paper(cli, repo, "-q", "2004-Q3", "--allow-errors"))
    assert "S1.2 Vetting review added" in before  # it started between the two papers
    repo.edit(
        S1,
        "        text: Code agreed by the committee.\n",
        "        text: Code agreed by the committee.\n      - date: 2004-12-20\n"
        "        text: CANARY\n        marking: official-sensitive\n",
    )
    after = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "CANARY" not in after and _changes_section(after) == before


def _changes_section(paper: str) -> str:
    return paper.split("### Changes since the last report")[1].split("### Progress")[0]


def test_a_meeting_in_the_calendars_first_year_is_no_bug(cli: Any, repo: Any) -> None:
    repo.write(
        "data/meetings.yaml",
        "meetings:\n  - date: 0001-05-01\n  - date: 2005-01-13\n    report: 7\n",
    )
    paper = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "to the meeting of 1 May 1" in paper


def test_illustrative_names_a_field_or_says_which_it_may(cli: Any, repo: Any) -> None:
    from tests.conftest import invoke

    repo.edit(S1, "    status: on-track\n", "    status: on-track\n    illustrative: [bogus]\n")
    code, out, _ = invoke(cli, "validate", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert code == 1
    assert "`illustrative` names bogus, which is not a field here; name some of: id," in out
    assert "has an invalid value" not in out


def test_an_illustrative_owner_is_marked_where_it_is_printed(cli: Any, repo: Any) -> None:
    risk = "data/risks/R0001.yaml"
    repo.edit(risk, "marking: official-sensitive\n", "")
    repo.edit(
        risk,
        "owner: lead-a\n",
        "owner: lead-a\nupdates:\n  - date: 2004-10-07\n    owner: lead-a\n"
        "    illustrative: [owner]\n",
    )
    paper = _paper(cli, repo, "-q", "2004-Q3", "--allow-errors")
    assert "| DCS Intelligence Command, DPS (Jane Smith)† |" in paper
    assert "Values marked † are illustrative data" in paper
