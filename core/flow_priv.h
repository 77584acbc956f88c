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
/* flow_hub.c: one hub call for the step; `then` runs on success. */
typedef void (*flow_then_fn)(flow *f, const hub_result *r);
hd_status flow_call(flow *f, hub_req *req, const char *channel_token, flow_then_fn then);
/* HubMessage: the WABA id, phone id and coexistence a status answer names, into f->channel
   (a copy: the result screen shows them). */
void flow_channel_take_ids(flow *f, const json_t *status);
/* The channel list again (the hub's, or the remembered one). */
hd_status flow_load_channels(flow *f);
/* flow_setup.c */
/* A new channel on a hub without pairing: name (HubMessage), form (HydraCore), add (Chatt2.me). */
hd_status flow_setup_new(flow *f);
/* HubMessage: creates the channel named f->name, remembers it, then opens CONNECT. */
hd_status flow_setup_create(flow *f);
/* Enter on a channel of a hub without pairing. */
hd_status flow_setup_choose(flow *f);
/* The remembered list ("instances" or "channels") of the chosen profile, as a new array. */
json_t *flow_remembered_list(const flow *f, const char *list);
/* Adds or updates a remembered item (name/kind NULL = keep) and saves. 0 or -1 (full/OOM). */
int flow_remember_item(flow *f, const char *list, const char *id, const char *name,
                       const char *kind);
/* Puts msg under field in *errs (made when NULL) and into why when why is still empty. */
void flow_add_error(json_t **errs, const char *field, const char *msg, char *why, size_t whysz);
/* Local checks failed: field_errors = errs (taken), the owner is told, HD_ERR_USAGE. */
hd_status flow_refuse_fields(flow *f, json_t *errs);
/* Replaces a json slot (takes a new reference to v, which may be NULL). */
void flow_json_set(json_t **slot, json_t *v);

#endif
