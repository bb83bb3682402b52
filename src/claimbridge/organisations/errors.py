"""Machine-readable problem codes of the organisations domain, each with its message in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from claimbridge.organisations.coverage import CoverageProblem, CoverageProblemCode


def coverage_problem_message(problem: CoverageProblem, *, county_name: str, unit_names: list[str]) -> str:
    units = "、".join(unit_names)
    match problem.code:
        case CoverageProblemCode.COUNTY_UNASSIGNED:
            return _("%(county)s has no claims unit.") % {"county": county_name}
        case CoverageProblemCode.COUNTY_ASSIGNED_TWICE:
            return _("%(county)s is given to more than one claims unit: %(units)s.") % {
                "county": county_name,
                "units": units,
            }
        case CoverageProblemCode.UNIT_IN_OTHER_CITY:
            return _("%(county)s is given to %(units)s, a claims unit in another city.") % {
                "county": county_name,
                "units": units,
            }
        case CoverageProblemCode.UNIT_OF_OTHER_INSURER:
            return _("%(county)s is given to %(units)s, a claims unit of another insurer.") % {
                "county": county_name,
                "units": units,
            }
        case CoverageProblemCode.CITY_WITHOUT_BRANCH:
            return _("%(county)s is in a city where this insurer has no city-level branch.") % {"county": county_name}
