CREATE TABLE `authors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `authors_token_hash_unique` ON `authors` (`token_hash`);--> statement-breakpoint
CREATE TABLE `checkout_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`install_id` text NOT NULL,
	`slug` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`provider` text NOT NULL,
	`return_url` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `installs` (
	`id` text PRIMARY KEY NOT NULL,
	`public_key` text NOT NULL,
	`license_sequence` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `installs_public_key_unique` ON `installs` (`public_key`);--> statement-breakpoint
CREATE TABLE `minimum_safe` (
	`name` text PRIMARY KEY NOT NULL,
	`version` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `nonces` (
	`install_id` text NOT NULL,
	`nonce` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`install_id`, `nonce`)
);
--> statement-breakpoint
CREATE INDEX `nonces_expires_at` ON `nonces` (`expires_at`);--> statement-breakpoint
CREATE TABLE `packages` (
	`name` text PRIMARY KEY NOT NULL,
	`author_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `purchases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`install_id` text NOT NULL,
	`slug` text NOT NULL,
	`payment_intent` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`revoked_at` integer,
	`revoke_reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchases_session_id_unique` ON `purchases` (`session_id`);--> statement-breakpoint
CREATE INDEX `purchases_install` ON `purchases` (`install_id`);--> statement-breakpoint
CREATE INDEX `purchases_payment_intent` ON `purchases` (`payment_intent`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`payment_intent` text PRIMARY KEY NOT NULL,
	`charge_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`from_install` text NOT NULL,
	`to_install` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transfers_from` ON `transfers` (`from_install`);--> statement-breakpoint
CREATE INDEX `transfers_to` ON `transfers` (`to_install`);--> statement-breakpoint
CREATE TABLE `versions` (
	`name` text NOT NULL,
	`version` text NOT NULL,
	`package_json` text NOT NULL,
	`display_name` text NOT NULL,
	`description` text NOT NULL,
	`module` text NOT NULL,
	`sdk` text NOT NULL,
	`sdk_major` integer NOT NULL,
	`integrity` text NOT NULL,
	`shasum` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`storage_key` text NOT NULL,
	`signer_keyid` text NOT NULL,
	`published_at` integer NOT NULL,
	`revoked_at` integer,
	`revoke_reason` text,
	PRIMARY KEY(`name`, `version`)
);
