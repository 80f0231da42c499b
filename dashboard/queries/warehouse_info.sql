SELECT key, value FROM warehouse_info
