/* cli_hub_priv.h: what the line-mode hub command files share: cli_hub.c runs a command (target,
 * options, loop, output helpers), cli_onboard.c holds the onboarding commands of the hubs whose
 * lists the console keeps itself (connect by signup code or credentials, send-test, teardown,
 * channel add|forget, remembered lists). Not for use outside core/cli*.c. */
#ifndef HD_CLI_HUB_PRIV_H
#define HD_CLI_HUB_PRIV_H

#include <jansson.h>
#include <stddef.h>

#include "cli_hub.h"
#include "journal.h"

#define EVENTS_MAX 32
#define CELL 160

/* connect methods that are one hub call, not a pairing session */
enum cli_connect_mode { CLI_CONNECT_NONE, CLI_CONNECT_SIGNUP, CLI_CONNECT_CREDENTIALS };

typedef struct hub_args {
    hub_target_args t;
    int passphrase_fd, json, yes, wait;
    int with_secret;     /* instance forget: also drop the instance's vault entries */
    long interval_ms;
    const char *project, *type, *name, *url, *channel, *id;
    const char *events[EVENTS_MAX + 1];
    size_t nevents;
    const char *instance, *kind, *to, *text;   /* HydraCore instance; send-test; Chatt2.me kind */
    /* connect --mode signup-code|credentials (parsed by cli.c) */
    int connect_mode;
    const char *waba_id, *phone_id, *code_entry; /* signup code; the code from a vault entry */
    int coexistence;
    const char *phone_number_id, *display_phone; /* credentials */
    int from_vault;                              /* credentials kept by an earlier connect */
} hub_args;

typedef struct hub_run hub_run;

/* One command: its words, its hub call (or local work), the options it takes, how it reports. */
typedef struct hub_cmd {
    const char *word, *sub;  /* "channel", "create"; sub NULL for one-word commands */
    hub_op op;
    const char *opts;        /* option letters it takes besides the common ones */
    int takes_id;            /* one positional argument: the channel id */
    /* Which hubs have it, by caps: all of caps_all, one of caps_any (0 = no such need), none of
       caps_none. Checked before any secret. */
    unsigned caps_all, caps_any, caps_none;
    int (*check)(hub_run *r);                         /* before any secret: -1 or exit code */
    int (*prepare)(hub_run *r);                       /* after unlocking: -1 or exit code */
    int (*report)(hub_run *r, const hub_result *res); /* exit code, or -1 to keep running */
    /* Work done without the hub (remembered lists): always when local_cap is 0, else only on
       hubs with that cap. No token, no vault. Returns the exit code. */
    int (*local)(hub_run *r);
    unsigned local_cap;
} hub_cmd;

struct hub_run {
    const hub_cmd *cmd;
    hub_args a;
    hub_target t;
    loop *l;
    http_client *http;
    void *call;
    char *channel_token; /* guarded; Whapi commands on one channel */
    int chatty;          /* stderr is a terminal: progress lines too */
    int interrupts;
    int exit_code;
    char last_state[64]; /* status --wait: the health text last printed */
    hub_connect conn;    /* HUB_OP_CONNECT fields; secrets point into `secrets` */
    char to[128], display_phone[32]; /* --to, --display-phone in the hub's form */
    char *secrets[3];    /* guarded: the signup code, or access token, app secret, verify token */
    const char *kind;    /* send-test: --kind, or the remembered channel's */
    journal_entry jentry; /* the call, when it changes something on the hub */
    int journaled;        /* jentry waits for the call's result */
};

/* ---- cli_hub.c -------------------------------------------------------------------------- */

/*
 * Says on stderr what a phone option became, so nothing is rewritten silently: "hubdesk: note:
 * --phone (11) 98765-4321 reads as +55 11 98765-4321; the hub gets 5511987654321" when the
 * hub's form differs from what was typed, and one "hubdesk: warning: --phone: ..." line for
 * the country's ambiguities (warn; "" for none). The markers "note:" and "warning:" are never
 * translated, so these lines are told from a failure's line. stdout (and --json) is left alone.
 */
void cli_phone_said(const char *option, const char *typed, const char *hub_form,
                    const char *warn);

/* One "hubdesk: msg" line on stderr; returns code. */
int cli_fail_line(int code, const char *msg);
/* One JSON value on a line of stdout (compact, ASCII); takes the reference. NULL (a value
   that could not be built) prints {"event":"error","status":"internal"}: never nothing. */
void cli_json_line(json_t *o);
/* A string, number or boolean member as sanitized text ("-" when missing). */
char *cli_cell_text(const json_t *o, const char *key, char *out, size_t n);
/* "hubdesk channel create" */
const char *cli_cmd_title(const hub_cmd *c, char *out, size_t n);
/* Asks on the terminal (stderr, stdin); anything but y/yes is no. */
int cli_ask_yes(const char *question);
/* A secret into the vault as "<profile>/<tag>/<id>". 0, or -1 with why. */
int cli_target_store(hub_target *t, const char *tag, const char *id, vault_kind kind,
                     const char *secret, char *name, size_t namesz, char *why, size_t whysz);
/* Prints id/name(/kind) objects as a table; `empty` when there are none. */
void cli_print_items(const json_t *arr, int with_kind, const char *empty);
/* ", "-joined labels of the hubs whose caps match ("HubMessage, Chatt2.me"). */
const char *cli_hubs_with(unsigned all, unsigned any, unsigned none, char *out, size_t n);

/* ---- cli_onboard.c ---------------------------------------------------------------------- */

int cli_onboard_check_signup(hub_run *r);
int cli_onboard_check_credentials(hub_run *r);
int cli_onboard_prepare_signup(hub_run *r);
int cli_onboard_prepare_credentials(hub_run *r);
int cli_onboard_report_signup(hub_run *r, const hub_result *res);
int cli_onboard_report_credentials(hub_run *r, const hub_result *res);

int cli_onboard_check_send(hub_run *r);
int cli_onboard_report_send(hub_run *r, const hub_result *res);
int cli_onboard_check_teardown(hub_run *r);
int cli_onboard_report_teardown(hub_run *r, const hub_result *res);

int cli_onboard_check_channel_add(hub_run *r);
int cli_onboard_channel_add(hub_run *r);
int cli_onboard_check_channel_forget(hub_run *r);
int cli_onboard_channel_forget(hub_run *r);
/* `instance add|forget` (HydraCore): the profile's remembered instances; forget
   --with-secret also removes the instance's secrets from the vault. */
int cli_onboard_check_instance_add(hub_run *r);
int cli_onboard_instance_add(hub_run *r);
int cli_onboard_check_instance_forget(hub_run *r);
int cli_onboard_instance_forget(hub_run *r);

/* Removes HydraCore's secrets of one instance ("<profile>/waba|appsecret|verify/<instance>")
   from the open vault. Returns the names removed (a JSON array, never NULL unless out of
   memory); entries that were not there are skipped. */
json_t *cli_instance_secrets_remove(vault *v, const char *prof, const char *instance);
/* The names of every such entry of the profile in the vault, whatever the instance (also
   those of instances no longer remembered): a new JSON array. */
json_t *cli_instance_secrets_of(const vault *v, const char *prof);
/* `channels` / `projects` on hubs that cannot list them: the profile's remembered ones. */
int cli_onboard_list_channels(hub_run *r);
int cli_onboard_list_instances(hub_run *r);
/* `channel create` on a hub whose channels have no token (HubMessage): remember it. */
int cli_onboard_report_created(hub_run *r, const hub_result *res);

/* After a failed call: "  field: message (where to fix it)" lines on stderr, and the extra
   line some failures deserve (the 24-hour window, webhook verification). */
void cli_onboard_failure_details(const hub_run *r, const hub_result *res);
/* The failed-call JSON object gets "field_errors", "fix" (field -> where) and "hint". */
void cli_onboard_failure_json(const hub_run *r, const hub_result *res, json_t *o);
/* Wipes the secrets read for the call. */
void cli_onboard_release(hub_run *r);

#endif
