CREATE TABLE `trusted_publishers` (
	`fingerprint` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scopes` text NOT NULL,
	`root_public_key` text NOT NULL,
	`keyring` text NOT NULL,
	`added_at` integer NOT NULL
);
