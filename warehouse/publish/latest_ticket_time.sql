-- The latest moment any loaded ticket records (receipt, dispatch, signing, return or closing): the data
-- cut-off when the run gives no --as-of.
SELECT max(greatest(received_at, coalesce(dispatched_at, received_at), coalesce(signed_at, received_at),
                    coalesce(returned_at, received_at), coalesce(closed_at, received_at)))
FROM src_hotline_ticket
