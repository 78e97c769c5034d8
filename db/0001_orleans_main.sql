-- Orleans ADO.NET providers (clustering, grain persistence, reminders) run only the SQL they find in
-- this table: each provider reads its keys at start-up and executes the text with @Name parameters,
-- reading result columns by name. The later files fill it in.
--
-- Names are unquoted on purpose: PostgreSQL folds them to lower case, and the providers' column
-- lookups fall back to case-insensitive matching. QueryKey values, on the other hand, are compared
-- exactly (for example 'UpdateIAmAlivetimeKey').
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText text NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
