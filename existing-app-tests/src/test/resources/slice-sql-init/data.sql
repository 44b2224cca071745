CREATE TABLE sql_init_seen AS SELECT current_setting('application_name') AS application_name,
    inet_server_port() AS server_port;
