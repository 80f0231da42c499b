-- Public tables of the warehouse. Names and the columns named in the issues are a contract used by
-- other tools: add columns, never rename or drop. One line per column is documented in warehouse/README.md.

CREATE TABLE county (
    county_key      VARCHAR PRIMARY KEY,   -- adcode for the 9 county-level units, 530300 for 全市, QJ-ETDZ for 曲靖经开区
    county_name     VARCHAR NOT NULL UNIQUE,
    adcode          INTEGER,
    kind            VARCHAR,
    sort_order      INTEGER,
    name_en         VARCHAR,
    seat_lon        DOUBLE,
    seat_lat        DOUBLE,
    centroid_lon    DOUBLE,
    centroid_lat    DOUBLE,
    area_km2        DOUBLE,
    is_city_total   BOOLEAN
);

CREATE TABLE county_alias (
    alias       VARCHAR PRIMARY KEY,
    county_key  VARCHAR NOT NULL,
    in_text     BOOLEAN
);

CREATE TABLE department (
    department  VARCHAR PRIMARY KEY,
    source      VARCHAR,
    is_flagged  BOOLEAN,
    note        VARCHAR
);

CREATE TABLE calendar (
    date             DATE PRIMARY KEY,
    year             INTEGER,
    month            INTEGER,
    quarter          INTEGER,
    month_start      DATE,
    weekday          INTEGER,
    is_weekend       BOOLEAN,
    is_workday       BOOLEAN,
    day_kind         VARCHAR,
    holiday_name     VARCHAR,
    workday_no       INTEGER,
    calendar_source  VARCHAR,
    is_provisional   BOOLEAN   -- a year with no official schedule yet: weekends only (etl/calendar.py)
);

CREATE TABLE gazette_document (
    issue        VARCHAR NOT NULL,
    doc_no       VARCHAR NOT NULL,
    doc_type     VARCHAR,
    title        VARCHAR,
    issued_on    DATE,
    source_line  INTEGER,
    PRIMARY KEY (issue, doc_no)
);

CREATE TABLE plan_indicator (
    issue           VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    section         VARCHAR,
    name            VARCHAR,
    unit            VARCHAR,
    baseline_text   VARCHAR,
    target_text     VARCHAR,
    baseline_value  DOUBLE,
    target_value    DOUBLE,
    comparator      VARCHAR,
    binding         VARCHAR,
    baseline_year   INTEGER,
    target_year     INTEGER,
    unit_mixed      BOOLEAN,
    doc_no          VARCHAR,
    source_line     INTEGER,
    PRIMARY KEY (issue, seq)
);

CREATE TABLE plan_investment (
    issue         VARCHAR NOT NULL,
    column_no     INTEGER NOT NULL,
    year          INTEGER,
    period_start  INTEGER,
    period_end    INTEGER,
    category_no   INTEGER,
    category      VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    amount_wan    DECIMAL(14, 2),
    amount_text   VARCHAR,
    doc_no        VARCHAR,
    source_line   INTEGER,
    UNIQUE (issue, column_no, category, source)
);

CREATE TABLE plan_project (
    issue        VARCHAR NOT NULL,
    column_no    INTEGER NOT NULL,
    group_name   VARCHAR,
    subgroup     VARCHAR,
    item         VARCHAR NOT NULL,
    count        DOUBLE,
    unit         VARCHAR,
    scale_text   VARCHAR,
    year         INTEGER,
    printed      VARCHAR,
    doc_no       VARCHAR,
    source_line  INTEGER
);

CREATE TABLE hotline_line (
    issue         VARCHAR NOT NULL,
    group_seq     INTEGER,
    name          VARCHAR NOT NULL,
    numbers       VARCHAR[],
    numbers_text  VARCHAR,
    department    VARCHAR,
    merge_type    VARCHAR,
    note          VARCHAR,
    note_printed  BOOLEAN,
    group_note    VARCHAR,
    doc_no        VARCHAR,
    source_line   INTEGER
);

CREATE TABLE personnel_change (
    issue        VARCHAR NOT NULL,
    doc_no       VARCHAR,
    name         VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,  -- 任 or 免
    post         VARCHAR,
    text         VARCHAR,
    source_line  INTEGER
);

CREATE TABLE chronicle_event (
    event_id     VARCHAR PRIMARY KEY,  -- <issue>-<nnn>, stable for a given issue file
    issue        VARCHAR NOT NULL,
    date_start   DATE NOT NULL,
    date_end     DATE NOT NULL,
    text         VARCHAR,
    event_type   VARCHAR,
    pieces       INTEGER,
    source_line  INTEGER
);

CREATE TABLE chronicle_event_leader (
    event_id  VARCHAR NOT NULL,
    issue     VARCHAR,
    leader    VARCHAR NOT NULL,
    PRIMARY KEY (event_id, leader)
);

CREATE TABLE chronicle_event_county (
    event_id    VARCHAR NOT NULL,
    issue       VARCHAR,
    county      VARCHAR NOT NULL,
    county_key  VARCHAR,
    PRIMARY KEY (event_id, county)
);

CREATE TABLE chronicle_leader (
    issue     VARCHAR NOT NULL,
    leader    VARCHAR NOT NULL,
    title     VARCHAR,
    mentions  INTEGER,
    events    INTEGER,
    PRIMARY KEY (issue, leader)
);

CREATE TABLE dq_finding (
    issue       VARCHAR,
    domain      VARCHAR NOT NULL,
    source      VARCHAR,
    location    VARCHAR,
    printed     DOUBLE,
    computed    DOUBLE,
    difference  DOUBLE,
    severity    VARCHAR NOT NULL,   -- rounding | material | unparsed | warning
    check_name  VARCHAR,
    message     VARCHAR
);

CREATE TABLE etl_run (
    run_id         VARCHAR NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    status         VARCHAR NOT NULL,   -- success | failed
    source         VARCHAR NOT NULL,   -- an inbox file name, or 'publish' for the run as a whole
    rows_in        BIGINT,
    rows_loaded    BIGINT,
    rows_rejected  BIGINT,
    message        VARCHAR
);

CREATE TABLE warehouse_info (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR
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
    row          BIGINT,     -- NULL when the whole file was rejected
    "column"     VARCHAR,
    reason       VARCHAR NOT NULL,
    value        VARCHAR
);

-- ---------------------------------------------------------------- pipeline-gas concessions
CREATE TABLE concession_rubric (
    item_code   VARCHAR PRIMARY KEY,   -- 1.1 … 3.5
    group_no    INTEGER,
    group_name  VARCHAR,
    group_max   DOUBLE,
    item_name   VARCHAR,
    max_points  DOUBLE,
    method      VARCHAR,
    basis       VARCHAR,
    source      VARCHAR,   -- where in the gazette the row comes from
    inferred    BOOLEAN,   -- a value not printed in the gazette (its cell was lost) and deduced
    note        VARCHAR
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
    counties         VARCHAR[],
    period           VARCHAR NOT NULL,   -- 2024 (annual) or 2024Q1 (quarterly)
    year             INTEGER,
    quarter          INTEGER,
    period_end       DATE,
    assessment_type  VARCHAR NOT NULL,   -- 自评 / 年度考评 / 第三方评估 / 复核
    veto_nos         INTEGER[],
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
    period       VARCHAR NOT NULL,   -- 2023, 2023Q2 or 2023-06
    period_type  VARCHAR,            -- 年度 / 季度 / 月度
    period_end   DATE,
    value        DOUBLE,             -- 1/0 for 是/否 of qualitative indicators
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
