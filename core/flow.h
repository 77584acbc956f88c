/* flow.h: the onboarding wizard as a state machine, driven by intents and hub events. */
#ifndef HD_FLOW_H
#define HD_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "provider.h"

typedef enum flow_step {
    FLOW_STEP_PROFILE, /* choose the hub account */
    FLOW_STEP_NAME,    /* name the channel */
    FLOW_STEP_PAIR,    /* QR on screen until the phone scans it */
    FLOW_STEP_RESULT,  /* connected, expired or failed */
    FLOW_STEP_COUNT
} flow_step;

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
    char *token; /* guarded memory */
} flow_profile;

typedef struct flow flow;

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
};

void flow_init(flow *f, loop *l, http_client *http, flow_change_fn fn, void *arg);
/* Stops any session and frees profiles and state. */
void flow_release(flow *f);

/* Adds a profile (strings copied; token into guarded memory). Returns its index or -1. */
int flow_profile_add(flow *f, const char *label, const provider_ops *ops, const char *base_url,
                     const char *token);

/* The step table, FLOW_STEP_COUNT rows in order. */
const flow_step_info *flow_steps(void);
const char *flow_step_title(flow_step s);

/* Intents. Each returns HD_OK or why it was refused (nothing changes then). */
hd_status flow_choose_profile(flow *f, int index);
hd_status flow_set_name(flow *f, const char *name); /* also starts pairing */
hd_status flow_retry(flow *f);                      /* new session after expiry/failure */
void flow_back(flow *f);                            /* follows the table's Back column */

/* Milliseconds until the QR expires (0 if unknown or past), for the countdown. */
long flow_qr_remaining_ms(const flow *f);

/* Validates a channel name: 1..60 characters, no control characters. */
hd_status flow_name_check(const char *name, char *why, size_t whysz);

#endif
