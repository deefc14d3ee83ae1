-- Integration depth (issue 15): key scopes, a profile's fire_on_payment that an override may leave to
-- it (null), and an override that switches the event's webhooks off. Edited by hand after
-- drizzle-kit: the old table has no webhooks_enabled to copy (every override had them on), and
-- the schema has no foreign keys to switch off. An override's old `false` (the default) becomes null:
-- it follows its profile, whose fire_on_payment starts false, so nothing fires differently. An
-- override naming an integration not linked to its event's profile falls back to the profile's
-- (the rule from now on: the integration's keys could not read the event its webhooks sent).
CREATE TABLE `__new_event_overrides` (
	`event_id` text PRIMARY KEY NOT NULL,
	`integration_id` text,
	`field_mapping` text DEFAULT '[]' NOT NULL,
	`mapping_mode` text DEFAULT 'merge' NOT NULL,
	`fire_on_payment` integer,
	`webhooks_enabled` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_event_overrides`("event_id", "integration_id", "field_mapping", "mapping_mode", "fire_on_payment", "webhooks_enabled", "created_at", "updated_at") SELECT "event_id", "integration_id", "field_mapping", "mapping_mode", CASE WHEN "fire_on_payment" THEN 1 END, 1, "created_at", "updated_at" FROM `event_overrides`;--> statement-breakpoint
DROP TABLE `event_overrides`;--> statement-breakpoint
ALTER TABLE `__new_event_overrides` RENAME TO `event_overrides`;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `scopes` text;--> statement-breakpoint
ALTER TABLE `profiles` ADD `fire_on_payment` integer DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE `event_overrides` SET `integration_id` = NULL WHERE `integration_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `integration_profiles` JOIN `events` ON `events`.`profile_id` = `integration_profiles`.`profile_id` WHERE `events`.`id` = `event_overrides`.`event_id` AND `integration_profiles`.`integration_id` = `event_overrides`.`integration_id`);
