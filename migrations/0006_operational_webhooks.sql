PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`integration_id` text,
	`name` text NOT NULL,
	`trigger` text NOT NULL,
	`url` text NOT NULL,
	`url_encrypted` text,
	`method` text NOT NULL,
	`payload_template` text,
	`body_encoding` text DEFAULT 'json' NOT NULL,
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
	`max_per_second` integer,
	`ordering` text DEFAULT 'none' NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`paused_until` text,
	`state_reason` text,
	`client_certificate` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_webhooks`("id", "account_id", "integration_id", "name", "trigger", "url", "url_encrypted", "method", "payload_template", "body_encoding", "headers_encrypted", "header_names", "event_uids", "enabled", "disabled_reason", "secret_encrypted", "secret_prefix", "previous_secret_encrypted", "previous_secret_expires_at", "failing_since", "max_per_second", "ordering", "state", "paused_until", "state_reason", "client_certificate", "created_at", "updated_at") SELECT "id", "account_id", "integration_id", "name", "trigger", "url", "url_encrypted", "method", "payload_template", "body_encoding", "headers_encrypted", "header_names", "event_uids", "enabled", "disabled_reason", "secret_encrypted", "secret_prefix", "previous_secret_encrypted", "previous_secret_expires_at", "failing_since", "max_per_second", "ordering", "state", "paused_until", "state_reason", "client_certificate", "created_at", "updated_at" FROM `webhooks`;--> statement-breakpoint
DROP TABLE `webhooks`;--> statement-breakpoint
ALTER TABLE `__new_webhooks` RENAME TO `webhooks`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `webhooks_integration_idx` ON `webhooks` (`integration_id`,`trigger`);--> statement-breakpoint
CREATE INDEX `webhooks_account_idx` ON `webhooks` (`account_id`,`trigger`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rotated_at` text;--> statement-breakpoint
CREATE INDEX `api_keys_expires_idx` ON `api_keys` (`expires_at`);