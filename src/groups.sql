-- Group comparisons: two Bradley-Terry models item by item (pref.bt_compare)

CREATE FUNCTION @extschema@.bt_compare(a @extschema@.bt_model, b @extschema@.bt_model, scale text DEFAULT 'elo',
	anchor text DEFAULT NULL, level double precision DEFAULT 0.95, se text DEFAULT 'model')
	RETURNS TABLE (item text, rating_a double precision, rating_b double precision, difference double precision,
				   std_error double precision, lower double precision, upper double precision, z double precision,
				   p_value double precision, p_holm double precision, p_bh double precision)
	AS 'MODULE_PATHNAME', 'pref_bt_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_compare(@extschema@.bt_model, @extschema@.bt_model, text, text, double precision, text) IS
'per item difference of two independently fitted Bradley-Terry models (e.g. two user groups) over the items both rate: ratings centred on those items (or relative to anchor), difference a - b, standard error sqrt(se_a^2 + se_b^2), interval at level, z, two-sided p, Holm and Benjamini-Hochberg adjusted p; no rows when either model is NULL';
