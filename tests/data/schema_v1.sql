-- The coursesite database schema as first released (schema version 1), made by
-- `coursesite init` before migrations existed. tests/test_migrations.py upgrades it.
CREATE TABLE "user" ("id" INTEGER NOT NULL PRIMARY KEY, "username" VARCHAR(40) NOT NULL, "display_name" VARCHAR(80) NOT NULL, "role" VARCHAR(10) NOT NULL, "language" VARCHAR(8) NOT NULL, "password_hash" VARCHAR(255) NOT NULL, "preferences" TEXT NOT NULL, "auth_version" INTEGER NOT NULL, "active" INTEGER NOT NULL, "created" DATETIME NOT NULL, "last_login" DATETIME);
CREATE UNIQUE INDEX "user_username" ON "user" ("username");
CREATE INDEX "user_role" ON "user" ("role");
CREATE TABLE "assignment" ("id" INTEGER NOT NULL PRIMARY KEY, "learner_id" INTEGER NOT NULL, "helper_id" INTEGER, "created" DATETIME NOT NULL, "path_id" VARCHAR(100), "lessons" TEXT NOT NULL, "title" VARCHAR(200) NOT NULL, "note_for_learner" TEXT NOT NULL, "private_note" TEXT NOT NULL, "next_appointment" DATETIME, "language" VARCHAR(8) NOT NULL, "form_key" VARCHAR(64), FOREIGN KEY ("learner_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("helper_id") REFERENCES "user" ("id") ON DELETE SET NULL);
CREATE INDEX "assignment_learner_id" ON "assignment" ("learner_id");
CREATE INDEX "assignment_helper_id" ON "assignment" ("helper_id");
CREATE UNIQUE INDEX "assignment_form_key" ON "assignment" ("form_key");
CREATE INDEX "assignment_learner_id_created" ON "assignment" ("learner_id", "created");
CREATE TABLE "helprequest" ("id" INTEGER NOT NULL PRIMARY KEY, "learner_id" INTEGER NOT NULL, "lesson_id" VARCHAR(200) NOT NULL, "step_id" VARCHAR(80) NOT NULL, "message" VARCHAR(500) NOT NULL, "created" DATETIME NOT NULL, "handled_at" DATETIME, "handled_by_id" INTEGER, FOREIGN KEY ("learner_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("handled_by_id") REFERENCES "user" ("id") ON DELETE SET NULL);
CREATE INDEX "helprequest_learner_id" ON "helprequest" ("learner_id");
CREATE INDEX "helprequest_handled_at" ON "helprequest" ("handled_at");
CREATE INDEX "helprequest_handled_by_id" ON "helprequest" ("handled_by_id");
CREATE INDEX "helprequest_learner_id_lesson_id_step_id" ON "helprequest" ("learner_id", "lesson_id", "step_id");
CREATE TABLE "loginfailure" ("id" INTEGER NOT NULL PRIMARY KEY, "username" VARCHAR(40), "address" VARCHAR(64) NOT NULL, "at" DATETIME NOT NULL);
CREATE INDEX "loginfailure_username" ON "loginfailure" ("username");
CREATE INDEX "loginfailure_address" ON "loginfailure" ("address");
CREATE INDEX "loginfailure_at" ON "loginfailure" ("at");
CREATE TABLE "setting" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" VARCHAR(255) NOT NULL, "updated" DATETIME NOT NULL);
CREATE TABLE "signincard" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created" DATETIME NOT NULL, "revoked" DATETIME, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE);
CREATE INDEX "signincard_user_id" ON "signincard" ("user_id");
CREATE UNIQUE INDEX "signincard_token_hash" ON "signincard" ("token_hash");
CREATE TABLE "stepprogress" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "lesson_id" VARCHAR(200) NOT NULL, "step_id" VARCHAR(80) NOT NULL, "done_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE);
CREATE INDEX "stepprogress_user_id" ON "stepprogress" ("user_id");
CREATE UNIQUE INDEX "stepprogress_user_id_lesson_id_step_id" ON "stepprogress" ("user_id", "lesson_id", "step_id");
