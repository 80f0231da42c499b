"""Filters. The global scope (county, department, month range) lives in the sidebar on every page,
keeps its values across page switches (session state) and is mirrored in the URL (st.query_params),
so a copied link opens the same page with the same scope. Page filters add to it."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass, field, replace

import polars as pl
import streamlit as st

from dashboard import metrics

# the pages' own filters: widget key -> label (the widgets take their label from here, and a download's
# audit record names every one that is set)
PAGE_FILTERS = {
    "hl_categories": metrics.label("category"),
    "hl_channels": metrics.label("channel"),
    "chr_leaders": "领导",
    "chr_types": "事件类型",
    "chr_keyword": "关键词",
    "gas_period": "考核期间",
    "gas_types": "考核类型",
    "gas_enterprise": "企业",
    "plan_doc": "规划",
    "plan_binding": "指标属性",
    "plan_section": "类别",
    "plan_period": "查看年度",
    "plan_columns": "专栏",
    "mon_period": "期间",
    "mon_indicator": "指标",
    "mon_county": metrics.label("county"),
    "hl_map_metric": "地图与排名指标",
    "status_severity": "级别",
    "status_domains": "领域",
    "al_severity": metrics.label("severity"),
    "al_kinds": metrics.label("label", "alerts"),
    "rk_kind": "周期",
    "rk_unit": "对象",
    "rk_measure": "排名依据",
    "rk_period": "期间",
    "hl_hot_month": "月份",
    "county_hot_month": "月份",
    "al_hot_month": "月份",
}


# ---------------------------------------------------------------- page filters in the URL
# Each page filter is mirrored in the URL under its widget key (hl_categories=投诉,举报), so a copied link shows
# exactly what was on screen. A link's values are put into session state at the session's first run
# (seed_page_filters) and checked against the options when the widget is drawn: an unknown value is dropped with a
# note, never an exception.
LIST_SEPARATOR = ","
PENDING_COUNTIES = "pending_counties"
TAB_KEYS = ("hl_tab", "gas_tab", "plan_tab")  # the pages' tab bars, bound to the URL: a link opens the same tab
FOLLOW = "follow_link"  # session state: the query of an in-app link to apply on the next run (follow)
TICKET_PARAM = "ticket"  # ?ticket=… opens a ticket's drill-through under its list
TICKET_LINKED = "ticket_from_link"  # session state: the ticket a link opened


def seed_page_filters(params: dict[str, str]) -> None:
    for key in PAGE_FILTERS:
        if params.get(key, "").strip() and key not in st.session_state:
            st.session_state[key] = params[key].strip()
    if params.get(TICKET_PARAM, "").strip():  # a drill-through link (dashboard/views/ticket.py)
        st.session_state[TICKET_LINKED] = params[TICKET_PARAM].strip()


def _checked(container, key: str, options: list, multi: bool) -> bool:
    """Whether the key holds a valid value (after dropping what a link asked for that is not an option)."""
    state = st.session_state
    if key not in state:
        return False
    value = state[key]
    if multi:
        asked = [v for v in value.split(LIST_SEPARATOR) if v] if isinstance(value, str) else list(value)
        known = [v for v in asked if v in options]
        bad = [v for v in asked if v not in options]
        state[key] = known
    else:
        bad = [] if value in options else [value]
        if bad:
            del state[key]
    if bad:
        container.warning(f"链接中的{PAGE_FILTERS[key]}“{'、'.join(map(str, bad))}”无法识别，已忽略", icon="🔗")
    return key in state


def _to_url(key: str, value) -> None:
    text = LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list | tuple) else ("" if value is None else str(value))
    if text:
        st.query_params[key] = text
    elif key in st.query_params:
        del st.query_params[key]


def multiselect(container, key: str, options: list, **kwargs) -> list:
    """A page filter drawn as a multiselect, its value mirrored in the URL."""
    _checked(container, key, options, multi=True)
    value = container.multiselect(PAGE_FILTERS[key], options, key=key, **kwargs)
    _to_url(key, value)
    return value


def selectbox(container, key: str, options: list, index: int | None = 0, **kwargs):
    """A page filter drawn as a selectbox, its value mirrored in the URL."""
    if _checked(container, key, options, multi=False):
        value = container.selectbox(PAGE_FILTERS[key], options, key=key, **kwargs)
    else:
        value = container.selectbox(PAGE_FILTERS[key], options, index=index, key=key, **kwargs)
    _to_url(key, value)
    return value


def text_input(container, key: str, **kwargs) -> str:
    value = container.text_input(PAGE_FILTERS[key], key=key, **kwargs)
    _to_url(key, value.strip())
    return value


def page_filter_summary(state) -> str:
    """The page filters set in this session, e.g. '诉求类型=投诉、举报；关键词=招商' (for the audit)."""
    parts = []
    for key, label in PAGE_FILTERS.items():
        value = state.get(key)
        if isinstance(value, list | tuple):
            value = "、".join(map(str, value))
        if value not in (None, ""):
            parts.append(f"{label}={value}")
    return "；".join(parts)


STATE = "scope"
NOTES = "scope_notes"
WIDGET = {"counties": "g_counties", "departments": "g_departments", "from": "g_from", "to": "g_to", "quick": "g_quick"}
# quick month ranges, counted back from the latest month with data (never from the clock)
QUICK_RANGES = {"本月": 1, "近三月": 3, "本年": None, "全部": 0}


@dataclass(frozen=True)
class Scope:
    month_from: dt.date
    month_to: dt.date
    counties: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()

    @property
    def date_to(self) -> dt.date:
        """Last day of month_to."""
        nxt = (self.month_to.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt - dt.timedelta(days=1)

    @property
    def years(self) -> str:
        """The years the months fall in: 2024 年, or 2022–2024 年."""
        a, b = self.month_from.year, self.month_to.year
        return f"{a} 年" if a == b else f"{a}–{b} 年"

    def describe(self) -> str:
        """One line saying what is shown, e.g. 宣威市 · 2024-01 至 2024-06."""
        parts = ["、".join(self.counties) or "全市", f"{self.month_from:%Y-%m} 至 {self.month_to:%Y-%m}"]
        if self.departments:
            parts.append("、".join(self.departments))
        return " · ".join(parts)

    def file_tag(self) -> list[str]:
        return [county_tag(self.counties), f"{self.month_from:%Y-%m}", f"{self.month_to:%Y-%m}"]

    def query_params(self) -> dict[str, str]:
        out = {"from": f"{self.month_from:%Y-%m}", "to": f"{self.month_to:%Y-%m}"}
        if self.counties:
            out["county"] = ",".join(self.counties)
        if self.departments:
            out["dept"] = ",".join(self.departments)
        return out


@dataclass(frozen=True)
class HotlineFilter:
    month_from: dt.date
    month_to: dt.date
    counties: tuple[str, ...] = field(default_factory=tuple)
    departments: tuple[str, ...] = field(default_factory=tuple)
    categories: tuple[str, ...] = field(default_factory=tuple)
    channels: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def within(cls, scope: Scope, categories=(), channels=()) -> HotlineFilter:
        return cls(scope.month_from, scope.month_to, scope.counties, scope.departments, tuple(categories), tuple(channels))

    def describe(self) -> str:
        parts = [Scope(self.month_from, self.month_to, self.counties, self.departments).describe()]
        parts += [x for x in ("、".join(self.categories), "、".join(self.channels)) if x]
        return " · ".join(parts)

    def file_tag(self) -> list[str]:
        return Scope(self.month_from, self.month_to, self.counties).file_tag()


def county_tag(counties) -> str:
    """The county part of a download's file name: the counties chosen, or 全市."""
    return "-".join(counties) or "全市"


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(f"{text}-01")


def from_url(
    params: dict[str, str], months: list[str], counties: list[str], departments: list[str], aliases: dict[str, str]
) -> tuple[Scope, list[str]]:
    """The scope a link asks for; values that are not valid are dropped and reported (never an exception)."""
    notes = []

    def listed(key: str, allowed: list[str], what: str, normalise: dict[str, str] | None = None) -> tuple[str, ...]:
        raw = [v.strip() for v in params.get(key, "").replace("，", ",").split(",") if v.strip()]
        ok = []
        for v in raw:
            name = (normalise or {}).get(v, v)
            if name in allowed:
                ok.append(name)
            else:
                notes.append(f"链接中的{what}“{v}”无法识别，已忽略")
        return tuple(dict.fromkeys(ok))

    def month(key: str, default: str) -> str:
        v = params.get(key, "").strip()
        if not v:
            return default
        if v in months:
            return v
        notes.append(f"链接中的月份“{v}”不在数据范围内（{months[0]} 至 {months[-1]}），已忽略")
        return default

    m_from, m_to = month("from", months[0]), month("to", months[-1])
    if m_from > m_to:
        notes.append(f"链接中的起始月份 {m_from} 晚于结束月份 {m_to}，已交换")
        m_from, m_to = m_to, m_from
    scope = Scope(
        _month(m_from),
        _month(m_to),
        listed("county", counties, metrics.label("county"), aliases),
        listed("dept", departments, metrics.label("department")),
    )
    return scope, notes


def quick_range(name: str, months: list[str]) -> tuple[str, str]:
    """本月 / 近三月 / 本年 / 全部, ending at the latest month with data ('本月' is the latest month the data has)."""
    last = months[-1]
    n = QUICK_RANGES[name]
    if n is None:  # 本年: January of the latest month's year, or the first month with data
        first = max(f"{last[:4]}-01", months[0])
    elif n == 0:
        first = months[0]
    else:
        first = months[max(0, len(months) - n)]
    return first, last


def month_range(months: list[str], scope: Scope) -> tuple[str, str]:
    """The month range: quick choices, then 从/至 (two short lists rather than a slider of every month)."""
    state = st.session_state

    def apply_quick() -> None:
        if state.get(WIDGET["quick"]):
            state[WIDGET["from"]], state[WIDGET["to"]] = quick_range(state[WIDGET["quick"]], months)

    def clear_quick() -> None:
        state[WIDGET["quick"]] = None

    for key, value in ((WIDGET["from"], f"{scope.month_from:%Y-%m}"), (WIDGET["to"], f"{scope.month_to:%Y-%m}")):
        if state.get(key) not in months:  # first run, or a page switch dropped the widget state: from the scope
            state[key] = value if value in months else (months[0] if key == WIDGET["from"] else months[-1])
    st.segmented_control(
        "月份", list(QUICK_RANGES), key=WIDGET["quick"], on_change=apply_quick, help=f"以数据中最新的月份（{months[-1]}）为准"
    )
    left, right = st.columns(2)
    m_from = left.selectbox("从", months, key=WIDGET["from"], on_change=clear_quick)
    m_to = right.selectbox("至", months, key=WIDGET["to"], on_change=clear_quick)
    if m_from > m_to:
        st.caption("起始月份晚于结束月份，已按先后调换。")
        m_from, m_to = m_to, m_from
    return m_from, m_to


def scope_bar(options: pl.DataFrame, aliases: dict[str, str], user=None) -> Scope:
    """The sidebar filter bar; returns the current scope, never wider than the user may see."""

    def values(kind: str) -> list[str]:
        return options.filter(pl.col("kind") == kind)["value"].to_list()

    months, counties, departments = values("month"), values("county"), values("department")
    if user is not None and user.role == "县级":
        counties = [user.county]
    if user is not None and user.role == "部门":
        departments = [user.department]
    if not months:
        today = dt.date.today().replace(day=1)
        months = [f"{today:%Y-%m}"]
    state = st.session_state
    if STATE not in state:
        state[STATE], state[NOTES] = from_url(dict(st.query_params), months, counties, departments, aliases)
        seed_page_filters(dict(st.query_params))
    elif FOLLOW in state:  # an in-app link (follow): its filters replace the scope, as a link opened afresh would
        params = state.pop(FOLLOW)
        state[STATE], state[NOTES] = from_url(params, months, counties, departments, aliases)
        for key in PAGE_FILTERS:
            state.pop(key, None)
        seed_page_filters(params)
        followed: Scope = state[STATE]
        state[WIDGET["from"]], state[WIDGET["to"]] = f"{followed.month_from:%Y-%m}", f"{followed.month_to:%Y-%m}"
        state[WIDGET["quick"]] = None
        state[PENDING_COUNTIES] = list(followed.counties)
        if departments:
            state[WIDGET["departments"]] = [d for d in followed.departments if d in departments]
    scope: Scope = state[STATE]
    # Streamlit keeps a widget's value under its page: on another page the same key starts again from its default
    # (the month range fell back to the first month on every switch). Handing the values back as the session's own
    # before the widgets are drawn keeps them; the user's latest choice is already in them at the start of a run.
    for key in (WIDGET["from"], WIDGET["to"], WIDGET["quick"]):
        if key in state:
            state[key] = state[key]
    # the widgets start from the stored scope, so a page switch (which may drop widget state) keeps it
    with st.sidebar:
        st.markdown("**筛选**")
        if len(months) > 1:
            m_from, m_to = month_range(months, scope)
        else:
            m_from = m_to = months[0]
        if PENDING_COUNTIES in state:  # a county chosen on a page (set_county): the widget shows it from this run on
            state[WIDGET["counties"]] = [c for c in state.pop(PENDING_COUNTIES) if c in counties]
        chosen_counties = st.multiselect(
            metrics.label("county"),
            counties,
            key=WIDGET["counties"],
            placeholder="全市",
            # the stored scope, unless the widget has a value of its own (set above, or by the user)
            **({} if WIDGET["counties"] in state else {"default": [c for c in scope.counties if c in counties]}),
        )
        chosen_depts = (
            st.multiselect(
                "承办单位（12345）",
                departments,
                default=[d for d in scope.departments if d in departments],
                key=WIDGET["departments"],
                placeholder="全部承办单位",
            )
            if departments
            else []
        )
        for note in state.get(NOTES, []):
            st.warning(note, icon="🔗")
    scope = replace(
        scope, month_from=_month(m_from), month_to=_month(m_to), counties=tuple(chosen_counties), departments=tuple(chosen_depts)
    )
    if user is not None and user.role == "县级":
        scope = replace(scope, counties=(user.county,))
    if user is not None and user.role == "部门":
        scope = replace(scope, departments=(user.department,))
    state[STATE] = scope
    # the global scope rewrites the URL (the page's own filters are written back as their widgets are drawn); a tab
    # bound to the URL (st.tabs bind="query-params") owns its entry: Streamlit refuses any other write to it
    wanted = scope.query_params()
    for key in [k for k in st.query_params if k not in wanted and k not in TAB_KEYS]:
        del st.query_params[key]
    st.query_params.update(wanted)
    return scope


def follow(page_file, link: str, scope: Scope) -> None:
    """Open another page with a link's filters (a query string: county, dept, from, to and page filters), in this
    session: the global filter becomes the link's, its months defaulting to the current ones."""
    params = dict(urllib.parse.parse_qsl(link))
    params.setdefault("from", f"{scope.month_from:%Y-%m}")
    params.setdefault("to", f"{scope.month_to:%Y-%m}")
    st.session_state[FOLLOW] = params
    st.switch_page(page_file, query_params=params)


def set_county(county: str) -> None:
    """Make one county the scope (the county page, map clicks); the sidebar widget is rebuilt from it."""
    state = st.session_state
    if STATE in state:
        state[STATE] = replace(state[STATE], counties=(county,))
    # the widget was drawn already in this run: its value is set at the start of the next (Streamlit keeps a keyed
    # widget's value in the browser, so dropping its state would leave the sidebar showing the old choice)
    state[PENDING_COUNTIES] = (county,)


def category_channel_bar(options: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The 12345 page's own filters, on top of the global scope."""

    def values(kind: str) -> list[str]:
        return options.filter(pl.col("kind") == kind)["value"].to_list()

    c1, c2, _ = st.columns([2, 2, 3])
    categories = multiselect(c1, "hl_categories", values("category"), placeholder="全部类型")
    channels = multiselect(c2, "hl_channels", values("channel"), placeholder="全部渠道")
    return categories, channels
