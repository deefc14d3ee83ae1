-- Triggers processed before this migration keep outcome NULL: what they made is in the delivery log.
ALTER TABLE `triggers` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `triggers` ADD `delivery_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `triggers_account_idx` ON `triggers` (`account_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `webhooks` ADD `client_certificate` text;