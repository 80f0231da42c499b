-- The warnings of the warehouse this publish replaces (attached read-only as prev): their keys and when each was
-- first seen, so that a warning still there keeps its first_seen and only a new one is marked 新增.
INSERT INTO alert_seen SELECT alert_key, min(first_seen) FROM prev.alert GROUP BY alert_key
