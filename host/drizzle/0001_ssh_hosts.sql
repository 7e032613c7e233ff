CREATE TABLE `ssh_hosts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`address` text NOT NULL,
	`port` integer DEFAULT 22 NOT NULL,
	`username` text NOT NULL,
	`auth_method` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`host_key_fingerprint` text,
	`host_key_pending` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ssh_hosts_name_key_unique` ON `ssh_hosts` (`name_key`);