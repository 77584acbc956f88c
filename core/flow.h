/* flow.h: the onboarding wizard as a state machine, driven by intents and hub events. */
#ifndef HD_FLOW_H
#define HD_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"
#include "provider.h"

typedef enum flow_step {
    FLOW_STEP_PROFILE,  /* choose the hub account; choosing it checks the token */
    FLOW_STEP_PROJECT,  /* Whapi: choose the project (skipped without PROVIDER_CAP_PROJECTS) */
    FLOW_STEP_CHANNELS, /* the customer's channels: pick one to pair, or start a new one */
    FLOW_STEP_MODE,     /* QR, browser or pairing code (skipped when the hub has one) */
    FLOW_STEP_NAME,     /* the channel name and the mode's fields (pipeline, phone) */
    FLOW_STEP_PAIR,     /* QR, link or code on screen until the phone is linked */
    FLOW_STEP_RESULT,   /* connected, expired or failed; then webhook, status, live mode */
    FLOW_STEP_WEBHOOK,  /* webhook URL and events */
    FLOW_STEP_ADD,      /* enter what the hub cannot list: an instance, a channel id + kind */
    FLOW_STEP_CONNECT,  /* the connect form: signup code (HubMessage), credentials (HydraCore) */
    FLOW_STEP_TEST,     /* a test message and its outcome */
    FLOW_STEP_COUNT
} flow_step;

/* A hub call the flow made for a step (check, lists, create, webhook, status...). */
typedef enum flow_call_state {
    FLOW_CALL_IDLE,
    FLOW_CALL_BUSY,    /* `call_message` says what we are waiting for */
    FLOW_CALL_DONE,
    FLOW_CALL_FAILED,  /* `call_message` holds the hub's words ("UNAUTHORIZED: ...") */
} flow_call_state;

typedef enum flow_pair_state {
    FLOW_PAIR_IDLE,
    FLOW_PAIR_STARTING,  /* asked the hub for a session */
    FLOW_PAIR_QR,        /* a QR is showing */
    FLOW_PAIR_SCANNED,   /* scanned, the hub is finishing */
    FLOW_PAIR_CONNECTED,
    FLOW_PAIR_EXPIRED,
    FLOW_PAIR_FAILED,
} flow_pair_state;

typedef struct flow_profile {
    char *label;
    const provider_ops *ops;
    char *base_url;
    char *gate_url; /* NULL = the driver's default */
    char *token;    /* guarded memory; NULL when flow_secrets.profile_token fetches it */
    char *name;     /* profile name (vault entry names are built from it); may be NULL */
    char *api_key;  /* HydraCore X-Api-Key, guarded; NULL: flow_secrets.profile_api_key */
    /* What the hub cannot list, entered by the agent (profile.h "remembered"), owned. */
    json_t *remembered;
    char customer_lang[8]; /* its customers' language (profile.h); "" = the agent's */
    char country[3]; /* profile.h "country": national phones typed without +CC ("" = none) */
} flow_profile;

typedef struct flow flow;

/*
 * Where secrets come from and go to (the vault, in the console and in line mode). Every
 * callback may be NULL. Fetched secrets are guarded memory the flow wipes right after use.
 */
typedef struct flow_secrets {
    /* The profile's token right before a call; NULL: use flow_profile.token. */
    char *(*profile_token)(flow *f, int profile, char *why, size_t whysz, void *arg);
    /* A Whapi channel's own token; NULL with why when it is not in the vault. */
    char *(*channel_token)(flow *f, const char *channel_id, char *why, size_t whysz, void *arg);
    /* Keeps a secret the hub handed out (tag "ch": channel token, "hook": webhook secret,
       "waba"/"appsecret"/"verify": HydraCore's credentials). The entry's name goes to saved_as
       and the result says where: 0 in the vault, 1 in memory for this run only (no vault),
       -1 not kept (why says why). */
    int (*store)(flow *f, const char *tag, const char *id, const char *secret, char *saved_as,
                 size_t savedsz, char *why, size_t whysz, void *arg);
    /* Drops a secret that no longer opens anything (a deleted channel's token), wherever
       store kept it; nothing happens when it is not kept. */
    void (*drop)(flow *f, const char *tag, const char *id, void *arg);
    /* HydraCore's optional X-Api-Key: NULL with why "" when the profile has none. */
    char *(*profile_api_key)(flow *f, int profile, char *why, size_t whysz, void *arg);
    /* Keeps the profile's remembered lists (after an add, forget or a created channel).
       0, or -1 with why (the lists stay in memory for this run). */
    int (*remember)(flow *f, int profile, const json_t *remembered, char *why, size_t whysz,
                    void *arg);
    void *arg;
} flow_secrets;

/* Step table row: what the step is called, where Back goes, and whether it is skipped. */
typedef struct flow_step_info {
    flow_step step;
    const char *title;
    flow_step back;
    int (*skip)(const flow *f);
} flow_step_info;

/* Called after every state change; `ev` is the hub event behind it, or NULL. */
typedef void (*flow_change_fn)(flow *f, const pair_event *ev, void *arg);

struct flow {
    loop *l;
    http_client *http;
    provider_ctx tuning;       /* backoff/idle/retry knobs copied into each session */
    flow_profile *profiles;
    size_t nprofiles;
    int profile;               /* chosen profile, -1 before the choice */
    int profile_fixed;         /* chosen on the command line: the step is skipped */
    char name[128];
    flow_step step;
    flow_pair_state pair;
    void *session;
    char *qr;                  /* current pairing string */
    int qr_attempt;            /* as told by the hub, else counted */
    int qr_count;              /* QR strings received in this session */
    int qr_attempts_max;       /* expected number of QRs (6) */
    uint64_t qr_deadline_ms;   /* monotonic time the current QR expires, 0 if unknown */
    char status[400];          /* one line on what is happening now */
    uint64_t wait_until_ms;    /* while retrying/reconnecting: when the next try starts */
    char channel_id[128], phone[64], channel_name[128];
    hd_status fail_status;
    char fail_message[400];
    flow_change_fn on_change;
    void *arg;

    flow_secrets secrets;
    /* The step's hub call. */
    flow_call_state call;
    hub_op call_op;
    void *call_handle;
    void (*call_then)(flow *f, const hub_result *r); /* runs when the call succeeds */
    hd_status call_status;
    char call_message[400];
    long call_retry_after_s;   /* 429: when to try again, -1 unknown */
    json_t *account;           /* HUB_OP_CHECK data, NULL before */
    json_t *projects;          /* HUB_OP_PROJECTS data (array) */
    json_t *channels;          /* HUB_OP_CHANNELS data (array), filtered by project */
    json_t *health;            /* last HUB_OP_STATUS data */
    json_t *channel;           /* the chosen/created/connected channel, NULL for a new one */
    char project_id[128];
    char type_filter[32];      /* Keebai channel list filter; "" = all */
    /* Pairing choices. */
    pair_mode mode;
    char pipeline_id[128];
    int coexistence;
    char pair_phone[32];
    char link_url[1024];       /* browser mode: the verification URI (also drawn as a QR) */
    char pair_code[32];        /* code mode: "ABCD-EFGH" */
    char progress[200];        /* the hub's own state while getting ready ("LAUNCH") */
    /* Webhook step. */
    unsigned webhook_events;   /* bit i = ops->webhook_events[i] */
    char webhook_url[2048];
    /* Webhooks this session set ("profile\x1fchannel\x1fevents\x1furl"), newest last: the same
       one again is not sent, since most hubs would register it twice. */
    char webhooks_set[8][2200];
    size_t nwebhooks_set;
    char notice[400];          /* one line on what the last action did ("secret saved as ...") */
    flow_step webhook_return;  /* where Back goes from the webhook step */
    /* Guarded copies handed to the running call/session, wiped when it ends. */
    char *call_token, *call_channel_token, *pair_token, *pair_channel_token;
    char *call_api_key;
    /* Add, connect and test steps. */
    int add_projects;          /* ADD: 1 = an instance (project list), 0 = a channel */
    flow_step side_return;     /* where Back goes from ADD and TEST */
    json_t *field_errors;      /* CONNECT/TEST/ADD: {"field": "message"} from the last try */
    char *connect_secrets[3];  /* guarded while CONNECT runs: access_token, app_secret, verify */
    json_t *test_result;       /* TEST: the last send's data, NULL before */
    json_t *connect_sent;      /* CONNECT: the ids sent (no secret), shown once connected */
    char test_to[128];         /* the last recipient, offered again to channels... */
    char test_to_kind[24];     /* ...of this kind only ("" for hubs without kinds) */
    int connect_tries;         /* CONNECT attempts on this channel/instance */
    /* The journal of changes (journal.h): the front ends turn it on; tests leave it off. */
    int journal;               /* 1: each change made, or tried, is appended to the journal */
    journal_entry call_entry;  /* the step's call, when it changes something on the hub */
    int call_journaled;        /* call_entry is waiting for the call's result */
    char journal_warning[400]; /* the last change could not be journaled, why; "" when it was */
};

void flow_init(flow *f, loop *l, http_client *http, flow_change_fn fn, void *arg);
/* Stops any session and frees profiles and state. */
void flow_release(flow *f);

/* Adds a profile (strings copied; token into guarded memory). Returns its index or -1. */
int flow_profile_add(flow *f, const char *label, const provider_ops *ops, const char *base_url,
                     const char *token);
/* Sets a profile's country for national phone numbers (profile.h; NULL or "" = none). 0, or
   -1 (not two letters: the country stays as it was). */
int flow_profile_set_country(flow *f, int index, const char *country);
/* The chosen profile's country, "" when none (or no profile chosen yet). Never NULL. */
const char *flow_country(const flow *f);
/*
 * A phone as typed into the form a hub's field takes (phone.h phone_hub_form with the chosen
 * profile's country): digits with the country code, with a '+' in front when plus. HD_OK,
 * or HD_ERR_USAGE with a sentence in why.
 */
hd_status flow_phone_form(const flow *f, const char *typed, int plus, char *out, size_t outsz,
                          char *why, size_t whysz);
/* Sets a profile's name and gate URL (NULL = keep). 0 or -1 (out of memory). */
int flow_profile_set(flow *f, int index, const char *name, const char *gate_url);

/* Sets the language of a profile's customers ("es", "pt_BR", "en"; "" or NULL: the agent's).
   -1 for a bad index or a language hubdesk does not have. */
int flow_profile_set_customer_lang(flow *f, int index, const char *lang);

/* The step table, FLOW_STEP_COUNT rows in order. */
const flow_step_info *flow_steps(void);
const char *flow_step_title(flow_step s);

/* Intents. Each returns HD_OK or why it was refused (nothing changes then). */
hd_status flow_choose_profile(flow *f, int index); /* checks the token, then lists */
hd_status flow_choose_project(flow *f, int index); /* index into f->projects */
hd_status flow_reload(flow *f);                    /* the step's list again (or the check) */
hd_status flow_set_type_filter(flow *f, const char *type); /* Keebai: "" = all; reloads */
hd_status flow_select_channel(flow *f, int index); /* f->channel = channels[index], no move */
hd_status flow_choose_channel(flow *f, int index); /* Whapi: pair it; Keebai: select only */
hd_status flow_new_channel(flow *f);               /* a new channel: mode (or name) step */
hd_status flow_choose_mode(flow *f, pair_mode m);
/* Name step: validates every field first (nothing changes on error: why says which). */
hd_status flow_submit_pairing(flow *f, const char *name, const char *pipeline_id,
                              int coexistence, const char *phone, char *why, size_t whysz);
hd_status flow_set_name(flow *f, const char *name); /* QR mode with this name */
/* Line mode: straight to pairing with these choices (profile chosen, no steps before). */
hd_status flow_start_pairing(flow *f, const pair_request *req);
hd_status flow_retry(flow *f);                      /* new session after expiry/failure */
void flow_back(flow *f);                            /* follows the table's Back column */
/* Result/channels steps: channel actions on f->channel (or channels[index] when >= 0). */
hd_status flow_channel_live(flow *f, int index);    /* Whapi: trial/sandbox -> live */
hd_status flow_channel_delete(flow *f, int index);  /* confirmation is the caller's */
hd_status flow_status(flow *f, int index);          /* Whapi: health into f->health */
hd_status flow_open_webhook(flow *f);               /* -> WEBHOOK with defaults preselected */
hd_status flow_toggle_webhook_event(flow *f, int i);
hd_status flow_set_webhook(flow *f, const char *url, char *why, size_t whysz);
/* Stops the step's hub call, if any (no callback afterwards). */
void flow_call_cancel(flow *f);

/* flow_setup.c: hubs the agent connects by form and checks with a test message. */
/* ADD for the project list (HydraCore instance) or the channel list (HubMessage/Chatt2.me). */
hd_status flow_open_add(flow *f, int projects);
/* Remembers what was entered (checked first; why says which field, field_errors too). */
hd_status flow_submit_add(flow *f, const char *id, const char *name, const char *kind,
                          char *why, size_t whysz);
/* Forgets the remembered project/channel `index` (nothing is sent to the hub). */
hd_status flow_forget(flow *f, int projects, int index);
/* CONNECT for f->channel (HubMessage) or the chosen instance (HydraCore). */
hd_status flow_open_connect(flow *f);
/* Sends the form: checked first (field_errors, why); the secrets in c are copied. */
hd_status flow_submit_connect(flow *f, const hub_connect *c, char *why, size_t whysz);
/* TEST for f->channel (or channels[index] when >= 0). */
hd_status flow_open_test(flow *f, int index);
hd_status flow_send_test(flow *f, const char *to, const char *text, char *why, size_t whysz);
/* The name a new channel gets when the agent leaves it empty: "WhatsApp QR" on hubs that
   pair, "WhatsApp" on hubs connected by a form. */
const char *flow_default_channel_name(const flow *f);
/* 1 if name is one of those defaults (the console swaps it for the current hub's). */
int flow_is_default_channel_name(const char *name);
/* The last recipient sent to, when it was for a channel of f->channel's kind; else "". */
const char *flow_test_recipient(const flow *f);
/* The kind of f->channel ("whatsapp", ...), "" if none. */
const char *flow_channel_kind(const flow *f);
/* Sets a profile's remembered lists (a copy) and X-Api-Key (guarded copy; NULL = keep). */
int flow_profile_set_extra(flow *f, int index, const json_t *remembered, const char *api_key);

/* Milliseconds until the QR expires (0 if unknown or past), for the countdown. */
long flow_qr_remaining_ms(const flow *f);

/* Validates a channel name: 1..60 characters, no control characters. */
hd_status flow_name_check(const char *name, char *why, size_t whysz);
/* The profile's name for the journal and vault entries ("session" when it has none). */
const char *flow_profile_name(const flow_profile *p);
/*
 * Appends e to the journal when f->journal is on. A journal that cannot be written never
 * fails the change: journal_warning says why, in one line, and the owner shows it.
 */
void flow_journal(flow *f, const journal_entry *e);

#endif
