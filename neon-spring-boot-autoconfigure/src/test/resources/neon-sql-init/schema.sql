CREATE TABLE sql_init_seen (application_name text, server_port int, role_name text, tls boolean);
INSERT INTO sql_init_seen SELECT current_setting('application_name'), inet_server_port(), current_user::text,
    (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid());
