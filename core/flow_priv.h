/* flow_priv.h: what flow.c (steps, pairing) and flow_hub.c (hub calls) share. */
#ifndef HD_FLOW_PRIV_H
#define HD_FLOW_PRIV_H

#include "flow.h"

/* Tells the owner something changed; ev is the hub event behind it, or NULL. */
void flow_changed(flow *f, const pair_event *ev);
/* The chosen profile, or NULL. */
const flow_profile *flow_current(const flow *f);
/* Fills ctx for the chosen profile with `token` (guarded, the caller keeps it alive). */
void flow_ctx(const flow *f, provider_ctx *ctx, const char *token);
/*
 * The profile's token for one call or session: 0 with *out (guarded copy or NULL when the
 * profile has none), -1 with why when the vault could not give it.
 */
int flow_fetch_token(flow *f, char **out, char *why, size_t whysz);
/* Id of f->channel, or "". */
const char *flow_channel_id(const flow *f);
/* Cancels call and session, forgets account, lists and channel (a new profile). */
void flow_clear_hub_state(flow *f);
/* Stops a session and clears everything pairing showed. */
void flow_clear_pairing(flow *f);
/* Starts the pairing session itself (the channel exists, if the hub needs one). */
hd_status flow_pair_now(flow *f, const char *channel_token);
/* Whapi, new channel: creates it, keeps its token, then pairs. */
hd_status flow_create_then_pair(flow *f);
/* Replaces a json slot (takes a new reference to v, which may be NULL). */
void flow_json_set(json_t **slot, json_t *v);

#endif
