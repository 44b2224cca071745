-- Where and as whom the migration ran: the session's role, its application name (the pool's name, a startup
-- parameter) and whether the connection is TLS.
CREATE TABLE migration_origin AS
SELECT current_user::text AS role_name, current_setting('application_name') AS application_name,
       (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls;
