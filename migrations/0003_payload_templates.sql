ALTER TABLE `deliveries` ADD `url` text;--> statement-breakpoint
ALTER TABLE `integrations` ADD `template_id` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `url_encrypted` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `payload_template` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `body_encoding` text DEFAULT 'json' NOT NULL;