CREATE TABLE sql_init_seen (application_name text, server_port int);
INSERT INTO sql_init_seen SELECT current_setting('application_name'), inet_server_port();
