ALTER TABLE `plugins` ADD `previous_versions` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `plugins` ADD `pinned_from` text;--> statement-breakpoint
UPDATE `plugins` SET `previous_versions` = json_array(`previous_version`) WHERE `previous_version` IS NOT NULL;--> statement-breakpoint
ALTER TABLE `plugins` DROP COLUMN `previous_version`;
