/* journal_hub.h: which hub calls change something, and what of them the journal keeps. */
#ifndef HD_JOURNAL_HUB_H
#define HD_JOURNAL_HUB_H

#include "journal.h"
#include "provider.h"

/*
 * Starts the entry for a call about to be made: 0 with op, profile, hub, id and detail set
 * when the call changes something on the hub (create, live, delete, teardown, webhook,
 * connect, test message), -1 for calls that only read (check, lists, status). The id is the
 * instance on hubs whose channels live in remembered instances (HydraCore), else the channel.
 * Only ids and the webhook URL without its query, fragment or user part (they may hold a
 * key) are taken from req: never a token, a code or the message's text.
 */
int journal_hub_begin(journal_entry *e, const char *profile, const provider_ops *ops,
                      const hub_req *req);

/*
 * Completes it with the call's result: the time, ok or failed (a test message the hub
 * answered with status "error" failed), the created channel's id, the test message's id, or
 * on failure the first line of the hub's words (its status name when it said nothing).
 * r->secret is never looked at.
 */
void journal_hub_end(journal_entry *e, const hub_result *r);

/* The entry for a pairing that ended: connected (ok) or expired/failed, with the channel id
   and the pairing mode, or the first line of why. */
void journal_hub_pair(journal_entry *e, const char *profile, const provider_ops *ops,
                      const char *channel_id, pair_mode mode, int ok, hd_status st,
                      const char *message);

/* `url` without its query, fragment and user:password part, into out. Returns out. */
char *journal_hub_url(const char *url, char *out, size_t outsz);

#endif
