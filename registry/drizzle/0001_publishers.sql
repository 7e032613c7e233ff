CREATE TABLE `publisher_keys` (
	`keyid` text PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `publisher_keys_fingerprint` ON `publisher_keys` (`fingerprint`);--> statement-breakpoint
CREATE TABLE `publisher_scopes` (
	`scope` text PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `publishers` (
	`fingerprint` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`root_public_key` text NOT NULL,
	`keyring` text NOT NULL,
	`keyring_version` integer NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publishers_name_unique` ON `publishers` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `publishers_token_hash_unique` ON `publishers` (`token_hash`);