/* cli_hub.h: line-mode hub commands (projects, channels, channel, webhook, status) and the hub
 * target (profile, driver, URLs, token, vault) they share with `hubdesk connect`. */
#ifndef HD_CLI_HUB_H
#define HD_CLI_HUB_H

#include "profile.h"
#include "provider.h"
#include "vault.h"

/* Where a command talks to, as the command line says it. NULL = not given. */
typedef struct hub_target_args {
    const char *profile, *provider, *base_url, *gate_url;
} hub_target_args;

typedef struct hub_target {
    const provider_ops *ops;
    char profile[PROFILE_NAME_MAX + 1];     /* "" without --profile (HUBDESK_TOKEN only) */
    char token_entry[PROFILE_NAME_MAX + 1]; /* the profile's vault entry */
    char base_url[512];
    char gate_url[512];                     /* "" = the driver's default */
    char api_key_entry[PROFILE_NAME_MAX + 1]; /* HydraCore: the profile's X-Api-Key entry */
    char country[3];                        /* the profile's, for national phones; "" = none */
    char *token;                            /* guarded memory, after hub_target_unlock */
    char *api_key;                          /* guarded: HUBDESK_API_KEY or the entry; or NULL */
    vault *v;                               /* open after hub_target_unlock(HUB_VAULT_NEEDED) */
    json_t *remembered;                     /* the profile's remembered lists (owned), or NULL */
} hub_target;

typedef enum hub_vault_use {
    HUB_VAULT_NEVER,   /* only the token; with HUBDESK_TOKEN the vault stays locked */
    HUB_VAULT_IF_OPEN, /* keep it open when the token came from it (no extra passphrase) */
    HUB_VAULT_NEEDED,  /* channel tokens or secrets to keep: unlock even with HUBDESK_TOKEN */
} hub_vault_use;

/*
 * Step 1, no secrets yet: the profile (when given), the driver and its URLs, checked. Lets a
 * command refuse what the hub cannot do before any passphrase is asked. -1 if fine, else
 * one "hubdesk:" line has been printed and the exit code is returned.
 */
int hub_target_resolve(hub_target *t, const hub_target_args *a);
/*
 * Step 2: the token (HUBDESK_TOKEN wins and is wiped from the environment, else the profile's
 * vault entry), the X-Api-Key (HUBDESK_API_KEY, else the profile's api_key_secret entry, else
 * none) and, as `use` says, the open vault. -1 or the exit code, as above.
 */
int hub_target_unlock(hub_target *t, int passphrase_fd, hub_vault_use use);
/* A channel's own token from the vault entry "<profile>/ch/<id>". Guarded memory, or NULL
   after one line on stderr with *rc set. Needs the vault open. */
char *hub_target_channel_token(hub_target *t, const char *channel_id, int *rc);
/* 1 if the hub's channels carry their own token (Whapi): they are created before pairing. */
int hub_target_channel_tokens(const hub_target *t);
/* Wipes the token and key, closes the vault, frees the rest. Safe to call twice. */
void hub_target_close(hub_target *t);

/* One "hubdesk: ... (see 'hubdesk --help')" line on stderr; returns the usage exit code. */
int cli_usage_error(const char *fmt, const char *arg);
/* "keebai, whapi": every driver id, for messages. */
const char *cli_known_providers(char *out, size_t outsz);

/* `hubdesk connect --mode signup-code|credentials`: one hub call (HubMessage, HydraCore), from
   the options cli.c parsed (a struct hub_args, see cli_hub_priv.h). Exit code. */
struct hub_args;
int cli_hub_connect(const struct hub_args *a);

/* 1 if `word` is one of the commands below (argv[1] of hubdesk). */
int cli_hub_is_command(const char *word);
/* `hubdesk projects|channels|channel ...|instance add|forget|webhook set|status|send-test|
   teardown ...`: argv[0] is the command.
   Returns the process exit code. */
int cli_hub_main(int argc, char **argv);

#endif
