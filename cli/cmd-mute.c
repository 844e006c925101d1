/* feedwatch mute, unmute — hold or release a topic's desktop notifications.
 * See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "feedwatch/sched.h"
#include "feedwatch/store.h"

#include "cli.h"

/* How long a mute lasts unless --for or --until says: as the notification's
 * "Mute topic for 24 h" and browse's m. */
#define MUTE_DEFAULT (24 * 3600)

/* t in local time, "Sat 2026-12-06 09:30". New. */
static char *
mute_time(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);

	return dt ? g_date_time_format(dt, "%a %Y-%m-%d %H:%M") : g_strdup("?");
}

/* Prints the mutes that last past now, the config's topics first in its
 * order, then any other (a topic removed since). 0, or 1 on a store error. */
static int
mute_list(const struct fw_cli_db *db, gint64 now)
{
	g_autoptr(GHashTable) mutes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) err = NULL;
	GHashTableIter it;
	gpointer key, value;

	if (!fw_store_mutes(db->store, now, mutes, &err))
		return fw_cli_fail("mute", "%s", err->message);
	if (g_hash_table_size(mutes) == 0) {
		printf("no topic is muted\n");
		return 0;
	}
	for (guint i = 0; i < db->cfg->topics->len; i++) {
		const struct fw_topic_conf *t = db->cfg->topics->pdata[i];
		gint64 *until = g_hash_table_lookup(mutes, t->key);
		g_autofree char *when = until ? mute_time(*until) : NULL;

		if (until != NULL)
			printf("%s muted until %s\n", t->key, when);
		g_hash_table_remove(mutes, t->key);
	}
	g_hash_table_iter_init(&it, mutes);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		g_autofree char *when = mute_time(*(gint64 *)value);

		printf("%s muted until %s (not in the config)\n", (char *)key, when);
	}
	return 0;
}

/* mute TOPIC... (or --all) until --until WHEN, or --for DURATION from now
 * (a day by default); unmute TOPIC... (or --all); mute alone lists the
 * mutes. A mute holds the topic's desktop notifications in feedwatchd,
 * which shows what it held as one when the mute ends. */
int
fw_cmd_mute(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static gboolean all;
	static char *for_arg, *until_arg;
	static const GOptionEntry mute_entries[] = {
		{ "for", 0, 0, G_OPTION_ARG_STRING, &for_arg, "For this long from now (a duration: 90m, 3d; default 24h)", "DURATION" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until_arg, "Until then (WHEN: 2026-12-24, tomorrow)", "WHEN" },
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Every topic of the config", NULL },
		{ NULL }
	}, unmute_entries[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Every muted topic", NULL },
		{ NULL }
	};
	gboolean mute = strcmp(cmd->name, "mute") == 0;
	g_autoptr(GHashTable) muted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) keys = NULL;
	g_autofree char *when = NULL;
	struct fw_cli_db db;
	gint64 now = fw_now(), until = 0, span = MUTE_DEFAULT;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, mute ? mute_entries : unmute_entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (all && argc > 1)
		return fw_cli_usage("give topics or --all, not both");
	if (!mute && !all && argc < 2)
		return fw_cli_usage("which topics? (TOPIC... or --all)");
	if (for_arg && until_arg)
		return fw_cli_usage("give --for or --until, not both");
	if (for_arg && (!fw_config_parse_duration(for_arg, &span) || span <= 0))
		return fw_cli_usage("bad --for '%s' (a duration: 90m, 36h, 3d, 1w)", for_arg);
	if (until_arg && !fw_config_parse_when(until_arg, now, &until))
		return fw_cli_bad_when("--until", until_arg);
	if (until_arg && until <= now)
		return fw_cli_usage("--until %s is past", until_arg);
	if (mute && argc < 2 && !all) {
		if (for_arg || until_arg)
			return fw_cli_usage("which topics? (TOPIC... or --all)");
		if (!fw_cli_db_open(&db, TRUE))
			return 1;
		return fw_cli_db_close(&db, mute_list(&db, now));
	}
	if (!until_arg)
		until = now + span;
	if (!fw_cli_db_open(&db, FALSE))
		return 1;
	if (!fw_store_mutes(db.store, now, muted, &err)) {
		rc = fw_cli_fail(cmd->name, "%s", err->message);
		goto out;
	}
	if (all && mute) {
		keys = g_new0(char *, db.cfg->topics->len + 1);
		for (guint i = 0; i < db.cfg->topics->len; i++)
			keys[i] = g_strdup(((struct fw_topic_conf *)db.cfg->topics->pdata[i])->key);
	} else if (all) {
		keys = (char **)g_hash_table_get_keys_as_array(muted, NULL);
		for (guint i = 0; keys[i] != NULL; i++)
			keys[i] = g_strdup(keys[i]);
	} else if ((keys = fw_cli_topic_keys(db.cfg, mute ? NULL : db.store, argv + 1, NULL)) == NULL) {
		rc = FW_EXIT_USAGE;
		goto out;
	}
	if (!fw_store_begin(db.store, &err)) {
		rc = fw_cli_fail(cmd->name, "%s", err->message);
		goto out;
	}
	for (guint i = 0; keys[i] != NULL && err == NULL; i++)
		fw_store_mute_set(db.store, keys[i], mute ? until : 0, now, &err);
	if (err != NULL || !fw_store_commit(db.store, &err)) {
		fw_store_rollback(db.store);
		rc = fw_cli_fail(cmd->name, "%s", err->message);
		goto out;
	}
	when = mute_time(until);
	for (guint i = 0; keys[i] != NULL; i++) {
		if (mute)
			printf("%s muted until %s\n", keys[i], when);
		else if (g_hash_table_contains(muted, keys[i]))
			printf("%s unmuted\n", keys[i]);
		else
			printf("%s was not muted\n", keys[i]);
	}
	if (all && keys[0] == NULL && mute)
		printf("no topic to mute: %s has none\n", db.cfg->path);
	else if (all && keys[0] == NULL)
		printf("no topic was muted\n");
out:
	return fw_cli_db_close(&db, rc);
}
