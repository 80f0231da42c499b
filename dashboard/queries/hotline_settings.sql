SELECT key, value FROM hotline_setting
