-- Digests (issue 15): one outbox row per recipient and period, so a digest goes out exactly once
-- even when a worker dies mid-run and the activity is retried; and each recipient's preferences.

-- CreateTable
CREATE TABLE "digest_outbox" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "message_id" TEXT,
    "sent_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "digest_outbox_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "mail_preferences" (
    "email" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'vi+en',
    "daily_digest" BOOLEAN NOT NULL DEFAULT true,
    "weekly_digest" BOOLEAN NOT NULL DEFAULT true,
    "token" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_preferences_pkey" PRIMARY KEY ("email")
);

-- CreateIndex
CREATE INDEX "digest_outbox_kind_period_idx" ON "digest_outbox"("kind", "period");

-- CreateIndex
CREATE UNIQUE INDEX "mail_preferences_token_key" ON "mail_preferences"("token");
