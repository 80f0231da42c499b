"""Hotline registry, documents, personnel and the chronicle, parsed from the real gazette."""

import datetime as dt

import polars as pl


def test_thirty_eight_hotlines(gazette):
    h = gazette.tables["hotline_line"]
    assert h.height == 38
    assert h.filter(pl.col("merge_type") == "整体并入").height == 23
    assert h.filter(pl.col("merge_type") == "双号并行").height == 15
    tourism = h.filter(pl.col("name") == "云南省旅游投诉电话").row(0, named=True)
    assert tourism["numbers"] == ["96927", "96301"]
    assert tourism["department"] == "市文化和旅游局"
    assert h.filter(pl.col("numbers").list.len() != 1).height == 1
    assert h["doc_no"].unique().to_list() == ["曲政办发〔2022〕68号"]


def test_a_note_printed_once_applies_to_its_group(gazette):
    h = gazette.tables["hotline_line"]
    merged = h.filter(pl.col("merge_type") == "整体并入")
    assert merged["note"].unique().to_list() == ["取消号码，话务座席统一归并到市 12345，由市 12345 统一接听服务。"]
    parallel = {r["group_seq"]: r["note"] for r in h.filter(pl.col("merge_type") == "双号并行").iter_rows(named=True)}
    assert parallel[2] == parallel[3] == parallel[1]  # 12333, 12329 share 12348's note (专家席)
    assert parallel[5] == parallel[7] == "保留号码，不保留座席，由市12345接听派件，统一管理。"
    assert parallel[10] == parallel[8] and "7x24小时" in parallel[9]
    assert parallel[15] == parallel[11] == "保留号码、座席，按省统一设置，市12345统一调度管理。"


def test_documents_of_the_issue(gazette):
    d = gazette.tables["gazette_document"]
    assert gazette.issue == "2022-09"
    assert d["doc_no"].to_list() == [
        "曲政发〔2022〕39号",
        "曲政办发〔2022〕65号",
        "曲政办发〔2022〕67号",
        "曲政办发〔2022〕68号",
        "曲政办规〔2022〕6号",
        "曲政办规〔2022〕7号",
        "曲政任〔2022〕18号",
    ]
    dates = dict(d.select("doc_no", "issued_on").iter_rows())
    assert dates["曲政发〔2022〕39号"] == dt.date(2022, 8, 16)
    assert dates["曲政办发〔2022〕67号"] == dt.date(2022, 8, 19)  # signed at the end of the text
    assert dates["曲政办规〔2022〕7号"] == dt.date(2022, 8, 25)
    assert dates["曲政任〔2022〕18号"] is None
    title = d.filter(pl.col("doc_no") == "曲政办发〔2022〕68号")["title"][0]
    assert title == "曲靖市人民政府办公室关于印发曲靖市政务服务便民热线归并优化工作方案的通知"


def test_personnel_changes(gazette):
    p = gazette.tables["personnel_change"]
    assert p.select("name", "action", "post").rows() == [
        ("马国庆", "任", "曲靖市行政学院院长"),
        ("杨中华", "免", "曲靖市行政学院院长"),
        ("陈朝阳", "任", "曲靖市人民政府副秘书长"),
        ("许陈荣", "免", "曲靖市市政公用事业服务中心主任"),
    ]
    assert p["doc_no"].unique().to_list() == ["曲政任〔2022〕18号"]


def test_one_hundred_eighty_six_events_thirteen_spanning_days(gazette):
    e = gazette.tables["chronicle_event"]
    assert e.height == 186
    assert e.filter(pl.col("date_end") > pl.col("date_start")).height == 13
    assert e["date_start"].min() == dt.date(2022, 8, 1) and e["date_end"].max() == dt.date(2022, 8, 31)
    first = e.row(0, named=True)
    assert (first["date_start"], first["date_end"]) == (dt.date(2022, 8, 1), dt.date(2022, 8, 2))
    assert first["text"].startswith("市委常委、常务副市长龚加武到上海市地方金融监管局")
    long = e.filter(pl.col("text").str.starts_with("省委老干部局组织部分省级老")).row(0, named=True)
    assert (long["date_start"], long["date_end"]) == (dt.date(2022, 8, 10), dt.date(2022, 8, 13))
    assert e["event_id"].n_unique() == 186


def test_text_rejoined_across_page_breaks(gazette):
    e = gazette.tables["chronicle_event"]
    # '3日，六届市委常委会召开第44次会议。省' / '委常委、市委书记李石松主持会议。…' is one paragraph
    meeting = e.filter(pl.col("text").str.starts_with("六届市委常委会召开第44次会议")).row(0, named=True)
    assert "省委常委、市委书记李石松主持会议" in meeting["text"]
    assert meeting["pieces"] == 2
    assert e.filter(pl.col("pieces") > 1).height == 10
    assert not e["text"].str.contains(r"^\d+日").any()


def _links(gazette, table, column, text_start):
    e = gazette.tables["chronicle_event"].filter(pl.col("text").str.starts_with(text_start))
    assert e.height == 1, text_start
    ids = e["event_id"].to_list()
    return set(gazette.tables[table].filter(pl.col("event_id").is_in(ids))[column])


def test_leaders_matched_from_the_roster(gazette):
    roster = dict(gazette.tables["chronicle_leader"].select("leader", "title").iter_rows())
    assert roster["李先祥"] == "市长" and roster["吴静"] == "副市长" and roster["龚加武"] == "常务副市长"
    assert roster["李石松"] == "市委书记" and roster["赵松"] == "市政府秘书长"
    assert "王宁" not in roster and "王予波" not in roster  # provincial leaders are not city leaders
    assert _links(gazette, "chronicle_event_leader", "leader", "副市长刘本芳、普利锋参加全省进一步加强农村食物中毒") == {"刘本芳", "普利锋"}
    assert _links(gazette, "chronicle_event_leader", "leader", "刘本芳副市长参加全市疫情防控指挥部会议") == {"刘本芳"}
    assert _links(gazette, "chronicle_event_leader", "leader", "陈志副市长上午专题研究交通运输") == {"陈志"}
    assert _links(gazette, "chronicle_event_leader", "leader", "第十三届省人民政府第163次常务会议") == {"李先祥"}
    # bare names next to titled ones: '李先祥、马国庆、杨庆东、谭力华、吴静参加活动'
    assert {"李先祥", "马国庆", "吴静", "李石松"} <= _links(gazette, "chronicle_event_leader", "leader", "全省产业工人队伍建设改革")


def test_counties_normalised(gazette):
    assert _links(gazette, "chronicle_event_county", "county", "副市长吴静到马龙区调研督导") == {"马龙区"}
    assert _links(gazette, "chronicle_event_county", "county", "副市长何长松看望慰问第十六届省运会") == {"曲靖经开区", "麒麟区"}
    assert _links(gazette, "chronicle_event_county", "county", "副市长陈志陪同中国铁路经济规划院调研组到麒麟区") == {
        "麒麟区",
        "马龙区",
        "沾益区",
    }
    assert _links(gazette, "chronicle_event_county", "county", "副市长吴静专题研究罗平花海马拉松") == {"罗平县"}
    # 曲靖市 in running text is not a county mention
    assert _links(gazette, "chronicle_event_county", "county", "省委老干部局组织部分省级老") == set()


def test_event_types_from_the_keyword_table(gazette):
    e = gazette.tables["chronicle_event"]

    def t(prefix):
        hit = e.filter(pl.col("text").str.starts_with(prefix))
        assert hit.height == 1, prefix
        return hit["event_type"][0]

    assert t("市委理论学习中心组举行2022年第七次") == "学习"
    assert t("第十三届省人民政府第163次") == "会议"
    assert t("副市长吴静到昆明参加云南福建总商") == "招商"
    assert t("副市长何长松到陆良县调研外向型企") == "调研"
    assert t("副市长何长松督导沾益区花山街道文") == "督导检查"
    assert t("市委常委、常务副市长龚加武到上海") == "其他"  # 对接协调: none of the keywords
    assert t("市政府与中国农业发展银行云南省分行") == "座谈签约"
    assert set(e["event_type"]) <= {"会议", "调研", "招商", "督导检查", "学习", "座谈签约", "其他"}


def test_nothing_left_unparsed(gazette):
    assert gazette.tables["dq_finding"].filter(pl.col("severity") == "unparsed").is_empty()


def test_hotline_count_that_disagrees_with_its_title_is_a_finding():
    from etl.sources.gazette.hotline_registry import parse_hotline_lines
    from etl.sources.gazette.text import read_lines

    text = (
        "曲靖市 12345 热线归并清单(共 3 条)\n\n一、整体并入类（2 条）\n\n序号\t名称\t号码\t责任单位\t备注\n"
        "1\t甲热线\t12336\t市甲局\t取消号码。\n\n二、双号并行类（1条，与12345并行）\n\n序号\t名称\t号码\t责任单位\t备注\n"
        "1\t乙热线\t12348\t市乙局\t保留号码。\n\n附件2\n"
    )
    rows, findings, unread = parse_hotline_lines(read_lines(text), "t.txt")
    assert [r["name"] for r in rows] == ["甲热线", "乙热线"]
    assert unread == []
    assert [(f["location"], f["printed"], f["computed"], f["severity"]) for f in findings] == [
        ("line 1", 3.0, 2.0, "material"),  # the list title says 3
        ("line 3", 2.0, 1.0, "material"),  # 整体并入 says 2
    ]


def test_chronicle_line_before_any_date_is_reported(tmp_path):
    from etl.sources.gazette import parse_gazette

    f = tmp_path / "g.txt"
    f.write_text(
        "曲靖市人民政府 公报\n\n2023.1\n\n大事记\n\n12月份\n\n没有日期的一行。\n\n3日，副市长吴静到会泽县调研。\n", encoding="utf-8"
    )
    res = parse_gazette(f)
    ev = res.tables["chronicle_event"]
    assert ev["date_start"].to_list() == [dt.date(2022, 12, 3)]  # a December chronicle in a January issue
    bad = res.tables["dq_finding"].filter(pl.col("severity") == "unparsed")
    assert bad.select("domain", "location").rows() == [("chronicle", "line 9")]
