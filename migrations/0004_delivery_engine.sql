ALTER TABLE `deliveries` ADD `changed_at` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `deliveries_webhook_due_idx` ON `deliveries` (`webhook_id`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_webhook_subject_idx` ON `deliveries` (`webhook_id`,`entity_uid`,`status`);--> statement-breakpoint
ALTER TABLE `triggers` ADD `resent_at` text;--> statement-breakpoint
ALTER TABLE `triggers` ADD `resend_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `triggers` ADD `error` text;--> statement-breakpoint
CREATE INDEX `triggers_entity_idx` ON `triggers` (`entity_uid`,`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `webhooks` ADD `max_per_second` integer;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `ordering` text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `state` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `paused_until` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `state_reason` text;