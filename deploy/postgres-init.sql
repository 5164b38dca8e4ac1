-- First start of the postgres service only (docker-entrypoint-initdb.d). Passwords are set
-- afterwards by the operator (ALTER ROLE ... PASSWORD), never in this file.
CREATE ROLE temporal LOGIN;
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE ROLE tracker_owner LOGIN;
CREATE DATABASE tracker OWNER tracker_owner;
