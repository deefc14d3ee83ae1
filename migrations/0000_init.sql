CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`field_mapping` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`integration_id` text,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`expires_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_idx` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_account_idx` ON `api_keys` (`account_id`);--> statement-breakpoint
CREATE INDEX `api_keys_integration_idx` ON `api_keys` (`integration_id`);--> statement-breakpoint
CREATE TABLE `attendees` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`event_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`language` text NOT NULL,
	`registration_status` text NOT NULL,
	`payment_status` text NOT NULL,
	`payment_method` text,
	`payment_date` text,
	`payment_amount` real DEFAULT 0 NOT NULL,
	`amount_tax_excl` real DEFAULT 0 NOT NULL,
	`amount_tax` real DEFAULT 0 NOT NULL,
	`amount_tax_incl` real DEFAULT 0 NOT NULL,
	`check_ins` integer DEFAULT 0 NOT NULL,
	`first_check_in_at` text,
	`fields` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attendees_event_idx` ON `attendees` (`event_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `attendees_account_idx` ON `attendees` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`trigger_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`trigger` text NOT NULL,
	`event_uid` text NOT NULL,
	`entity_uid` text NOT NULL,
	`cause` text,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempt_count` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`locked_until` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_trigger_webhook_idx` ON `deliveries` (`trigger_id`,`webhook_id`);--> statement-breakpoint
CREATE INDEX `deliveries_integration_idx` ON `deliveries` (`integration_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_status_idx` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`started_at` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`response_excerpt` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_attempts_delivery_idx` ON `delivery_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `event_overrides` (
	`event_id` text PRIMARY KEY NOT NULL,
	`integration_id` text,
	`field_mapping` text DEFAULT '[]' NOT NULL,
	`mapping_mode` text DEFAULT 'merge' NOT NULL,
	`fire_on_payment` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`timezone` text NOT NULL,
	`currency` text NOT NULL,
	`languages` text NOT NULL,
	`location` text,
	`capacity` integer,
	`guest_count` integer DEFAULT 0 NOT NULL,
	`fields` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_account_idx` ON `events` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `events_profile_idx` ON `events` (`profile_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE TABLE `integration_profiles` (
	`integration_id` text NOT NULL,
	`profile_id` text NOT NULL,
	PRIMARY KEY(`integration_id`, `profile_id`)
);
--> statement-breakpoint
CREATE INDEX `integration_profiles_profile_idx` ON `integration_profiles` (`profile_id`);--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`api_access` integer DEFAULT true NOT NULL,
	`webhooks_enabled` integer DEFAULT true NOT NULL,
	`fixed_configuration` text NOT NULL,
	`field_mapping` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `integrations_account_idx` ON `integrations` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`active_integration_id` text,
	`field_mapping` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `profiles_account_idx` ON `profiles` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `triggers` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`trigger` text NOT NULL,
	`profile_id` text NOT NULL,
	`event_id` text NOT NULL,
	`entity_uid` text NOT NULL,
	`snapshot` text NOT NULL,
	`webhook_id` text,
	`cause` text,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`processed_at` text
);
--> statement-breakpoint
CREATE INDEX `triggers_status_idx` ON `triggers` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`name` text NOT NULL,
	`trigger` text NOT NULL,
	`url` text NOT NULL,
	`method` text NOT NULL,
	`headers_encrypted` text NOT NULL,
	`header_names` text NOT NULL,
	`event_uids` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`secret_encrypted` text NOT NULL,
	`secret_prefix` text NOT NULL,
	`previous_secret_encrypted` text,
	`previous_secret_expires_at` text,
	`failing_since` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhooks_integration_idx` ON `webhooks` (`integration_id`,`trigger`);