-- Public tables of the warehouse. Names and the columns named in the issues are a contract used by
-- other tools: add columns, never rename or drop. What a column means follows its `--`; the table
-- reference in warehouse/README.md is generated from these lines.

CREATE TABLE county (
    county_key      VARCHAR PRIMARY KEY,   -- adcode as text for the 9 county-level units; `530300` for 全市; `QJ-ETDZ` for 曲靖经开区 (a development zone with no adcode of its own: local key)
    county_name     VARCHAR NOT NULL UNIQUE,   -- current official name (麒麟区 … 宣威市, 曲靖经开区, 全市)
    adcode          INTEGER,   -- integer adcode, NULL for 曲靖经开区
    kind            VARCHAR,   -- 区 / 县 / 市 / 开发区
    sort_order      INTEGER,   -- official listing order (全市 0)
    name_en         VARCHAR,   -- pinyin name
    seat_lon        DOUBLE,   -- government seat, WGS84 (from `data/geo/`, approximate)
    seat_lat        DOUBLE,   -- government seat, WGS84 (from `data/geo/`, approximate)
    centroid_lon    DOUBLE,   -- area centroid, WGS84
    centroid_lat    DOUBLE,   -- area centroid, WGS84
    area_km2        DOUBLE,   -- geodesic area
    is_city_total   BOOLEAN   -- true only for 全市
);

CREATE TABLE county_alias (
    alias       VARCHAR PRIMARY KEY,   -- a name as it may appear in input or text: current, old (沾益县, 马龙县), short (麒麟, 经开区)
    county_key  VARCHAR NOT NULL,   -- the county it means
    in_text     BOOLEAN   -- whether the alias is matched in free text (false for 全市/曲靖市, which the text uses for the city itself)
);

CREATE TABLE calendar (
    date             DATE PRIMARY KEY,   -- the day
    year             INTEGER,   -- calendar parts
    month            INTEGER,   -- calendar parts
    quarter          INTEGER,   -- calendar parts
    month_start      DATE,   -- first day of the month (for monthly grouping)
    weekday          INTEGER,   -- 1 = Monday … 7 = Sunday
    is_weekend       BOOLEAN,   -- Saturday or Sunday
    is_workday       BOOLEAN,   -- official working day (weekends, public holidays and 调休 working weekends applied)
    day_kind         VARCHAR,   -- 工作日 / 周末 / 法定节假日 / 调休上班
    holiday_name     VARCHAR,   -- 元旦, 春节, 国庆节 … (also on the 调休 working days that belong to a holiday)
    workday_no       INTEGER,   -- running number of working days; a non-working day carries the number of the working day before it, so "N working days after D" is the working day with `workday_no = D.workday_no + N`
    calendar_source  VARCHAR,   -- `chinesecalendar`, `override` (from `reference/holidays_override.csv`) or `weekends_only` (year unknown to both: a `warning` row in dq_finding says so, with what to fill in)
    is_provisional   BOOLEAN   -- `calendar_source = 'weekends_only'`: the year's deadlines are provisional
);

CREATE TABLE gazette_document (
    issue        VARCHAR NOT NULL,
    doc_no       VARCHAR NOT NULL,   -- 文号
    doc_type     VARCHAR,   -- 曲政发 / 曲政办发 / 曲政办规 / 曲政任
    title        VARCHAR,   -- title as printed (layout spaces removed)
    issued_on    DATE,   -- the signature date; NULL where none is printed (人事任免)
    source_line  INTEGER,
    PRIMARY KEY (issue, doc_no)
);

CREATE TABLE plan_indicator (
    issue           VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,   -- 序号 1–20
    section         VARCHAR,   -- 全力巩固拓展脱贫攻坚成果 / 全面实施乡村振兴战略 (the table's section rows, without 一、二、)
    name            VARCHAR,   -- 指标 as printed (layout spaces between Chinese characters removed)
    unit            VARCHAR,   -- 单位 as printed (indicator 1: `万人、%`)
    baseline_text   VARCHAR,   -- the printed 2020 and 2025 cells, unchanged
    target_text     VARCHAR,   -- the printed 2020 and 2025 cells, unchanged
    baseline_value  DOUBLE,   -- the number in the cell (`51%` → 51, `≥ 10` → 10); NULL for `—` and for text such as 应兜尽兜
    target_value    DOUBLE,   -- the number in the cell (`51%` → 51, `≥ 10` → 10); NULL for `—` and for text such as 应兜尽兜
    comparator      VARCHAR,   -- `≥`, `≤`, `>`, `<` when printed, else NULL
    binding         VARCHAR,   -- 约束性 / 预期性
    baseline_year   INTEGER,   -- from the header (2020, 2025)
    target_year     INTEGER,   -- from the header (2020, 2025)
    unit_mixed      BOOLEAN,   -- the unit names two units (indicator 1: baseline in 万人, target in %): values are not comparable and are kept as printed
    doc_no          VARCHAR,
    source_line     INTEGER,
    PRIMARY KEY (issue, seq)
);

CREATE TABLE plan_investment (
    issue         VARCHAR NOT NULL,
    column_no     INTEGER NOT NULL,   -- 专栏 number (11 = 2021—2025 total table, 12–16 = 2021…2025)
    year          INTEGER,   -- the table's year; NULL for the 2021—2025 table
    period_start  INTEGER,   -- the years the table covers
    period_end    INTEGER,   -- the years the table covers
    category_no   INTEGER,   -- 0 for the 合计 row, 1–9 for 一…九
    category      VARCHAR NOT NULL,   -- 合计 or the category without its 一、 prefix (特色产业发展工程 …)
    source        VARCHAR NOT NULL,   -- 合计 / 财政衔接资金 / 其他财政资金 / 其他资金
    amount_wan    DECIMAL(14, 2),   -- DECIMAL(14,2), 万元, as printed
    amount_text   VARCHAR,   -- the printed cell
    doc_no        VARCHAR,
    source_line   INTEGER,
    UNIQUE (issue, column_no, category, source)
);

CREATE TABLE plan_project (
    issue        VARCHAR NOT NULL,
    column_no    INTEGER NOT NULL,   -- 专栏 number
    group_name   VARCHAR,   -- the 一、 group (生产基地项目) or the column title when the column has no groups
    subgroup     VARCHAR,   -- the numbered item (特色种植基地项目), NULL if none
    item         VARCHAR NOT NULL,   -- the counted thing, with a leading 规划/规划实施 dropped (经济作物项目)
    count        DOUBLE,   -- the number (331); for 专栏10 the 建设规模 (year NULL) or the year's target
    unit         VARCHAR,   -- 个 / 件 …
    scale_text   VARCHAR,   -- further figures of the same item (`139 万亩`, `装机容量 2752kw`, `25318 万元`), or a non-numeric yearly target (巩固)
    year         INTEGER,   -- NULL, or the plan year of a 专栏10 target
    printed      VARCHAR,   -- the clause as printed
    doc_no       VARCHAR,
    source_line  INTEGER
);

CREATE TABLE hotline_line (
    issue         VARCHAR NOT NULL,
    group_seq     INTEGER,   -- 序号 within its group
    name          VARCHAR NOT NULL,   -- 名称
    numbers       VARCHAR[],   -- VARCHAR[]; `96927、96301` is one line with two numbers
    numbers_text  VARCHAR,   -- 号码 as printed
    department    VARCHAR,   -- 责任单位 as printed
    merge_type    VARCHAR,   -- 整体并入 / 双号并行
    note          VARCHAR,   -- 备注; a note printed once applies to the following rows of its group until the next printed note
    note_printed  BOOLEAN,   -- true on the row where the note is printed
    group_note    VARCHAR,   -- the group heading's remark (与12345并行，接受派件，信息共享)
    doc_no        VARCHAR,
    source_line   INTEGER
);

CREATE TABLE personnel_change (
    issue        VARCHAR NOT NULL,
    doc_no       VARCHAR,   -- 曲政任〔2022〕18号
    name         VARCHAR NOT NULL,   -- person
    action       VARCHAR NOT NULL,   -- 任 or 免
    post         VARCHAR,   -- the post (免去…职务 → the post without 免去/职务)
    text         VARCHAR,   -- the printed line
    source_line  INTEGER
);

CREATE TABLE chronicle_event (
    event_id     VARCHAR PRIMARY KEY,   -- <issue>-<nnn>, stable for a given issue file
    issue        VARCHAR NOT NULL,
    date_start   DATE NOT NULL,   -- `1日` → same day; `1日—2日` → a span; month from the `8月份` heading, year from the issue (a month later than the issue's belongs to the year before)
    date_end     DATE NOT NULL,   -- `1日` → same day; `1日—2日` → a span; month from the `8月份` heading, year from the issue (a month later than the issue's belongs to the year before)
    text         VARCHAR,   -- the entry, re-joined where a page break split it
    event_type   VARCHAR,   -- 会议 / 调研 / 招商 / 督导检查 / 学习 / 座谈签约 / 其他, from `reference/chronicle_event_type.csv` (the lowest priority number whose keyword occurs wins)
    pieces       INTEGER,   -- number of printed paragraphs joined into this entry
    source_line  INTEGER
);

CREATE TABLE chronicle_event_leader (
    event_id  VARCHAR NOT NULL,   -- the event
    issue     VARCHAR,
    leader    VARCHAR NOT NULL,   -- a city leader named in it (from the roster below; bare names next to titled ones count)
    PRIMARY KEY (event_id, leader)
);

CREATE TABLE chronicle_event_county (
    event_id    VARCHAR NOT NULL,   -- the event
    issue       VARCHAR,
    county      VARCHAR NOT NULL,   -- county_name from the dimension (aliases such as 罗平, 沾益县 normalised)
    county_key  VARCHAR,   -- its key
    PRIMARY KEY (event_id, county)
);

CREATE TABLE chronicle_leader (
    issue     VARCHAR NOT NULL,
    leader    VARCHAR NOT NULL,   -- name found after (or, for 市长/副市长, before) a city title of `reference/leader_title.csv`, or after a title and a second post ('副市长、市公安局局长王某某'); a leader learnt from an earlier issue is attributed in a later one wherever the name stands, whatever the word order
    title     VARCHAR,   -- the title printed most often with the name
    mentions  INTEGER,   -- times printed with a title
    events    INTEGER,   -- events that name the leader
    PRIMARY KEY (issue, leader)
);

CREATE TABLE dq_finding (
    issue       VARCHAR,
    domain      VARCHAR NOT NULL,   -- plan / hotline / chronicle / personnel / calendar
    source      VARCHAR,   -- file (or package) the finding is about
    location    VARCHAR,   -- table, row and column, or line (`专栏15 2024年 · 特色产业发展工程 · 合计列 (line 445)`)
    printed     DOUBLE,   -- the published figure
    computed    DOUBLE,   -- the sum of its parts (or the other printed figure it is compared with)
    difference  DOUBLE,   -- printed − computed, after rounding to 0.01
    severity    VARCHAR NOT NULL,   -- `rounding` (|difference| ≤ 0.05 万元, or one unit in the last printed place of a percentage), `material`, `unparsed` (a line the parser could not read), `warning` (e.g. calendar fallback)
    check_name  VARCHAR,   -- investment_row_total, investment_column_total, investment_years_vs_total, investment_text_vs_table, investment_text_share, indicator_count, hotline_list_count, project_yearly_vs_scale, unparsed_line, calendar_fallback, and (warnings, each naming its issue, line and text) section_empty (a heading found whose section yields no rows), chronicle_repeat, chronicle_no_leader, chronicle_date_backwards, personnel_no_post
    message     VARCHAR   -- Chinese explanation
);

CREATE TABLE etl_run (
    run_id         VARCHAR NOT NULL,   -- `YYYYmmddTHHMMSS-xxxxxx`
    started_at     TIMESTAMP NOT NULL,   -- local time
    finished_at    TIMESTAMP,   -- local time
    status         VARCHAR NOT NULL,   -- for `publish`: running (a run in progress, or one killed before the next run looked), success, failed, killed (found by the next run), skipped (another run held the lock); for a file: success, rejected (refused whole, with the reason), skipped (not read: a link, folder, pipe, hidden or unknown file)
    source         VARCHAR NOT NULL,   -- an inbox file name, or `publish` for the run as a whole
    rows_in        BIGINT,   -- lines read
    rows_loaded    BIGINT,   -- rows written to the lake
    rows_rejected  BIGINT,   -- lines that could not be parsed (also in dq_finding)
    message        VARCHAR   -- summary or the one-line failure reason
);

CREATE TABLE freshness_rule (
    domain        VARCHAR PRIMARY KEY,   -- hotline / concession / indicator / gazette / chronicle
    label         VARCHAR,   -- the domain's Chinese name
    max_age_days  INTEGER,   -- the expected refresh: older data is flagged on 数据状态 (reference/freshness_rules.csv)
    note          VARCHAR
);

CREATE TABLE build_input (
    kind         VARCHAR,   -- reference, sql, code, calendar, or hotline (an export partition of the lake)
    name         VARCHAR,   -- the file, or the partition
    fingerprint  VARCHAR    -- a hash of its content (a partition: its size and modification time); the next publish compares them (etl/incremental.py)
);

CREATE TABLE warehouse_info (
    key    VARCHAR PRIMARY KEY,   -- `run_id`, `built_at`, `run_at`, `schema_version`, `hotline_as_of` (the cut-off for overdue), `hotline_as_of_source`, `hotline_latest_ticket` (the latest moment in the tickets: an incremental publish starts from it)
    value  VARCHAR   -- the key's value
);

-- ---------------------------------------------------------------- 12345 hotline
CREATE TABLE hotline_rule (
    category         VARCHAR PRIMARY KEY,
    standard_days    INTEGER,   -- NULL: no limit (表扬)
    max_days         INTEGER,
    extension_days   INTEGER,   -- working days added per approved extension
    max_extensions   INTEGER,
    source           VARCHAR
);

CREATE TABLE hotline_setting (
    key      VARCHAR PRIMARY KEY,
    value    DOUBLE,
    unit     VARCHAR,
    meaning  VARCHAR
);

-- Monthly 12345 volume forecasts fitted at publish (etl/forecast.py): the next three months of the whole city and of
-- each county, with 80% and 95% prediction intervals.
CREATE TABLE hotline_forecast (
    county          VARCHAR,   -- the county; NULL for the whole city
    month           DATE NOT NULL,   -- the month forecast (first day)
    forecast        DOUBLE NOT NULL,   -- expected tickets received in the month
    lo80            DOUBLE,   -- the 80% prediction interval (never below 0)
    hi80            DOUBLE,   -- the 80% prediction interval
    lo95            DOUBLE,   -- the 95% prediction interval (never below 0)
    hi95            DOUBLE,   -- the 95% prediction interval
    method          VARCHAR NOT NULL,   -- ETS（指数平滑）/ 季节朴素（去年同月）/ 朴素（上月）, by the length of the series
    history_months  INTEGER NOT NULL   -- full months the fit used
);

-- The hotline problem terms and stop words (reference/hotline_terms.csv): a ticket's problem is its first-priority
-- problem term, else its most specific word (etl/hot_topics.py).
CREATE TABLE hotline_term (
    term      VARCHAR PRIMARY KEY,   -- a word
    kind      VARCHAR NOT NULL CHECK (kind IN ('problem', 'stop')),   -- problem: names a problem; stop: says nothing
    priority  INTEGER,   -- among a ticket's problem terms, the lowest names its problem
    note      VARCHAR   -- the problem's family
);

-- The problem of every ticket version's 诉求内容 (etl/hot_topics.py: a jieba word, by the problem terms' priority or
-- rarity), cached in the lake per export file; the model hotline_ticket_problem keeps each ticket's latest version's.
CREATE TABLE hotline_problem_version (
    ticket_id    VARCHAR NOT NULL,   -- 工单编号
    source_file  VARCHAR NOT NULL,   -- the export the version comes from
    term         VARCHAR NOT NULL   -- the word naming the problem
);

-- The 预警 rules an operator edits (reference/alert_rules.csv); the alert model reads them.
CREATE TABLE alert_rule (
    kind            VARCHAR PRIMARY KEY,   -- the rule's key (alert.kind)
    label           VARCHAR NOT NULL,   -- its Chinese name
    severity        VARCHAR NOT NULL CHECK (severity IN ('严重', '关注', '提示')),   -- 严重 / 关注 / 提示
    enabled         BOOLEAN NOT NULL,   -- on/off
    threshold       DOUBLE,   -- the figure that triggers it (count, working days, months, standard deviations)
    target_setting  VARCHAR,   -- a rate rule's threshold: the hotline_setting key of its 附件3 target
    min_volume      DOUBLE,   -- below this many tickets in the group the rule is not judged
    span            DOUBLE,   -- the window: months of history (surge) or days (repeat demand)
    unit            VARCHAR,   -- the unit of the figure
    page            VARCHAR,   -- the app page with the rows behind a warning
    rule            VARCHAR,   -- the rule in words (shown on 预警中心)
    source          VARCHAR   -- where the rule comes from
);

-- The warnings of the warehouse a publish replaces (key and first_seen), so that a warning keeps the time it was first
-- seen and a new one is marked 新增; empty on the first publish.
CREATE TABLE alert_seen (
    alert_key   VARCHAR PRIMARY KEY,   -- alert.alert_key
    first_seen  TIMESTAMP NOT NULL   -- alert.first_seen
);

-- Every version of every ticket as loaded (one row per ticket per export file); hotline_ticket keeps the latest.
CREATE TABLE hotline_ticket_version (
    ticket_id          VARCHAR NOT NULL,
    received_at        TIMESTAMP NOT NULL,
    channel            VARCHAR,
    category           VARCHAR NOT NULL,
    topic              VARCHAR,
    county             VARCHAR,
    county_key         VARCHAR,
    department         VARCHAR,
    handling           VARCHAR,
    answered_directly  BOOLEAN,
    dispatched_at      TIMESTAMP,
    signed_at          TIMESTAMP,
    returned_at        TIMESTAMP,
    closed_at          TIMESTAMP,
    extensions         INTEGER,
    satisfaction       VARCHAR,
    content            VARCHAR,   -- phone and ID numbers masked
    caller_hash        UBIGINT,   -- first 64 bits of the salted sha256 of the caller's phone digits; name and phone are never stored
    source_file        VARCHAR,
    source_row         BIGINT,
    is_demo            BOOLEAN
);

CREATE TABLE hotline_reject (
    source_file  VARCHAR NOT NULL,
    row          BIGINT,   -- line in the file, header = 1; NULL when the whole file was rejected
    "column"     VARCHAR,
    reason       VARCHAR NOT NULL,
    value        VARCHAR
);

-- ---------------------------------------------------------------- pipeline-gas concessions
CREATE TABLE concession_rubric (
    item_code   VARCHAR PRIMARY KEY,   -- 1.1 … 3.5
    group_no    INTEGER,   -- 供应保障能力 70 / 燃气设施运行、维护、抢修和安全管理 20 / 企业服务水平 10
    group_name  VARCHAR,   -- 供应保障能力 70 / 燃气设施运行、维护、抢修和安全管理 20 / 企业服务水平 10
    group_max   DOUBLE,   -- 供应保障能力 70 / 燃气设施运行、维护、抢修和安全管理 20 / 企业服务水平 10
    item_name   VARCHAR,   -- 考核内容, 分值, 评价方法与标准, 评价依据
    max_points  DOUBLE,   -- 考核内容, 分值, 评价方法与标准, 评价依据
    method      VARCHAR,   -- 考核内容, 分值, 评价方法与标准, 评价依据
    basis       VARCHAR,   -- 考核内容, 分值, 评价方法与标准, 评价依据
    source      VARCHAR,   -- where in the gazette the row comes from
    inferred    BOOLEAN,   -- a value not printed in the gazette (its cell was lost) and deduced
    note        VARCHAR   -- a value not printed (its cell was lost) and how it was deduced
);

CREATE TABLE concession_veto_rule (
    veto_no  INTEGER PRIMARY KEY,
    text     VARCHAR
);

CREATE TABLE concession_setting (
    key      VARCHAR PRIMARY KEY,   -- full_marks, pass_mark, rectify_months (reference/concession_settings.csv)
    value    DOUBLE,
    unit     VARCHAR,
    meaning  VARCHAR
);

-- Every loaded score sheet (one per enterprise × period × assessment type × file).
CREATE TABLE concession_sheet_version (
    enterprise       VARCHAR NOT NULL,
    counties         VARCHAR[],   -- list
    period           VARCHAR NOT NULL,   -- 2024 (annual) or 2024Q1 (quarterly)
    year             INTEGER,
    quarter          INTEGER,
    period_end       DATE,
    assessment_type  VARCHAR NOT NULL,   -- 自评 / 年度考评 / 第三方评估 / 复核
    veto_nos         INTEGER[],   -- list
    note             VARCHAR,
    source_file      VARCHAR,
    source_row       BIGINT,
    is_demo          BOOLEAN
);

CREATE TABLE concession_score_version (
    enterprise       VARCHAR NOT NULL,
    period           VARCHAR NOT NULL,
    assessment_type  VARCHAR NOT NULL,
    item_code        VARCHAR NOT NULL,
    score            DOUBLE,
    remark           VARCHAR,
    source_file      VARCHAR,
    source_row       BIGINT
);

CREATE TABLE concession_reject (
    source_file  VARCHAR NOT NULL,
    row          BIGINT,
    "column"     VARCHAR,
    reason       VARCHAR NOT NULL,
    value        VARCHAR
);

-- ---------------------------------------------------------------- plan-indicator monitoring
CREATE TABLE indicator_actual_version (
    seq          INTEGER NOT NULL,
    county       VARCHAR NOT NULL,   -- a county of the dimension, or 全市
    county_key   VARCHAR,
    period       VARCHAR NOT NULL,   -- `2023`, `2023Q2`, `2023-06`
    period_type  VARCHAR,   -- 年度 / 季度 / 月度
    period_end   DATE,
    value        DOUBLE,   -- the number (1/0 for 是/否), `value_text` — as reported; `note`, `source_file`, `source_row`, `is_demo`
    value_text   VARCHAR,            -- as reported
    note         VARCHAR,
    source_file  VARCHAR,
    source_row   BIGINT,
    is_demo      BOOLEAN
);

CREATE TABLE indicator_reject (
    source_file  VARCHAR NOT NULL,
    row          BIGINT,
    "column"     VARCHAR,
    reason       VARCHAR NOT NULL,
    value        VARCHAR
);
