-- scope: public (published or reference data, the same for every role)
-- The 38-line registry (附件1) of the newest issue that carries it, with display headers.
SELECT merge_type AS 归并方式, group_seq AS 序号, name AS 名称, numbers_text AS 号码, department AS 责任单位, note AS 备注, issue AS 公报期号
FROM hotline_line WHERE issue = (SELECT max(issue) FROM hotline_line)
ORDER BY merge_type DESC, group_seq
