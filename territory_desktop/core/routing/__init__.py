"""Territory definitions as rules, and routing new or unassigned accounts by them.

A territory may carry rules (`Territory.rules`): each is a criterion `field operator values` — e.g. `state in
CA, OR`, `zip_prefix in 940, 941`, `segment in SMB` — and an account meets the territory's rule when it meets
every criterion (AND across criteria, OR across the values of one). `account_id in …` criteria are the
territory's named accounts: an override that sends those accounts there whatever the other criteria say (a
CRM's "named account" list), so they are kept apart from the rule rather than ANDed into it.

Routing an account (the playbook's rules of engagement, as CRM assignment rules work):
1. a territory that names it (named-account override) wins;
2. else, of the territories whose rule it meets, the most specific one (`specificity`: a ZIP beats a ZIP
   prefix beats a county beats a state; more criteria beat fewer); ties go to the nearest home;
3. else, the nearest territory whose rep has capacity headroom;
4. else it stays unrouted, and says why.
At every step only territories that may take the account count: not removed, not locked, and whose role may own
the account's segment (the eligibility rules in the balance settings). A locked account is never routed.
Every routed account carries the sentence that sent it. Rules that overlap (an account meets two territories
equally specific) or leave gaps (an account meets none) are reported, with the accounts concerned.

Every function takes `rules`, {territory index: criteria}, to try rules out before they are saved (the rules
editor's live preview); territories not in it keep their own.

The package, by responsibility (each module builds only on those above it; import from the package):
- `criteria`: the rule model — fields, operators, `Criterion`, `TerritoryRule`, parsing and `specificity`;
- `matching`: which accounts meet criteria — `Columns` (the plan's columns factorised once), `matches`;
- `router`: `route` (named, rule, nearest eligible rep with room) into a `Routing`, and `route_move`;
- `report`: `rule_report` (overlaps and gaps) and `preview_territory` (the editor's live numbers);
- `rules_table`: the CRM table both ways — `rules_frame`, `rules_from_frame`, `read_rules_table`.
"""

from territory_desktop.core.routing.criteria import (
    FIELD_ALIASES,
    FIELD_LABELS,
    FIELDS,
    NAMED,
    OPERATOR_ALIASES,
    OPERATORS,
    SPECIFICITY,
    Criterion,
    RuleError,
    TerritoryRule,
    criteria_of,
    normal_field,
    normal_operator,
    parse_rules,
    specificity,
    split_named,
    territory_rules,
)
from territory_desktop.core.routing.matching import Columns, county_column, matches
from territory_desktop.core.routing.report import RulePreview, RuleReport, preview_territory, rule_report
from territory_desktop.core.routing.router import Routing, route, route_move
from territory_desktop.core.routing.rules_table import (
    COLUMNS,
    MAX_RULES_FILE,
    read_rules_table,
    rules_frame,
    rules_from_frame,
)

__all__ = [
    "COLUMNS",
    "FIELDS",
    "FIELD_ALIASES",
    "FIELD_LABELS",
    "MAX_RULES_FILE",
    "NAMED",
    "OPERATORS",
    "OPERATOR_ALIASES",
    "SPECIFICITY",
    "Columns",
    "Criterion",
    "RulePreview",
    "RuleReport",
    "RuleError",
    "Routing",
    "TerritoryRule",
    "county_column",
    "criteria_of",
    "matches",
    "normal_field",
    "normal_operator",
    "parse_rules",
    "preview_territory",
    "read_rules_table",
    "route",
    "route_move",
    "rule_report",
    "rules_frame",
    "rules_from_frame",
    "specificity",
    "split_named",
    "territory_rules",
]
