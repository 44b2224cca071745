CREATE TABLE embedded_check (id int); INSERT INTO embedded_check VALUES (1);
