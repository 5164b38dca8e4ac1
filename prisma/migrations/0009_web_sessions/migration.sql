-- Sessions of people signed in to the pages (web/), and the single-use sign-in links e-mailed to
-- them. Only hashes of the session ids and link tokens are stored.
CREATE TABLE "web_sessions" (
    "id_hash" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "token_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "web_sessions_pkey" PRIMARY KEY ("id_hash")
);

CREATE INDEX "web_sessions_expires_at_idx" ON "web_sessions"("expires_at");

CREATE TABLE "sign_in_links" (
    "token_hash" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "sign_in_links_pkey" PRIMARY KEY ("token_hash")
);

CREATE INDEX "sign_in_links_expires_at_idx" ON "sign_in_links"("expires_at");
