/* app.h: the console: curses lifecycle, screens over the flow, one draw per loop turn. */
#ifndef HD_TUI_APP_H
#define HD_TUI_APP_H

#include <sys/types.h>
#include <time.h>
#include <wchar.h>

#include "flow.h"
#include "form.h"
#include "keys.h"
#include "profile.h"
#include "qr.h"
#include "vault.h"

typedef struct app app;

/* What a screen's key handler asks the app to do next. */
enum screen_result {
    SCREEN_IGNORED = 0,
    SCREEN_HANDLED = 1 << 0,
    SCREEN_REDRAW = 1 << 1,
    SCREEN_QUIT = 1 << 2,
};

/* A screen: one file ending in a const struct of callbacks. */
typedef struct screen_ops {
    const char *name;
    void (*enter)(app *a);
    void (*leave)(app *a);
    void (*draw)(app *a);
    /* `action` from the key table; `ch`/`is_keycode` for screens with text fields. */
    int (*key)(app *a, tui_action action, int is_keycode, wint_t ch);
    /* Once a second while shown, for countdowns. Returns nonzero to redraw. */
    int (*tick)(app *a);
    /* 1: the screen has text fields or an in-form list. Printable keys (but Space) reach its
       `key` as ACT_NONE with their `ch`: they are text, never commands (Esc goes back, F1 is
       help, Ctrl-C quits). */
    int takes_text;
} screen_ops;

extern const screen_ops screen_profile, screen_name, screen_pair, screen_result;
extern const screen_ops screen_project, screen_channels, screen_mode, screen_webhook;
extern const screen_ops screen_add, screen_connect, screen_test;
extern const screen_ops screen_create, screen_unlock, screen_reset, screen_vault,
    screen_vault_edit;

/*
 * App-level screens in front of the flow: the vault's screens come before and around the
 * wizard, which knows nothing of them. In APP_MODE_FLOW the flow's step picks the screen.
 */
typedef enum app_mode {
    APP_MODE_FLOW,
    APP_MODE_CREATE,     /* first run: create the vault */
    APP_MODE_UNLOCK,     /* later runs, and after a lock */
    APP_MODE_RESET,      /* forgotten passphrase: confirm deleting the vault */
    APP_MODE_VAULT,      /* the vault's entries, masked */
    APP_MODE_VAULT_EDIT, /* add, rename or replace an entry */
    APP_MODE_COUNT
} app_mode;

/* What the vault edit screen does. */
typedef enum app_vault_edit {
    VAULT_EDIT_ADD,
    VAULT_EDIT_RENAME,
    VAULT_EDIT_REPLACE,
} app_vault_edit;

#define APP_LOCK_AFTER_DEFAULT_MIN 10

typedef struct app_options {
    qr_style style;       /* QR style to start with */
    const char *subtitle; /* "sandbox" for the demo */
    const char *demo_hint; /* how to simulate the phone's scan (tests) */
    const char *demo_url;  /* demo: the sandbox's origin, for the per-mode hints */
    int use_vault;        /* profiles from the config file, tokens from the vault */
    int lock_after_min;   /* auto-lock after this idle time (0: the default) */
} app_options;

struct app {
    loop *l;
    http_client *http;
    flow f;
    const screen_ops *screen;
    int dirty;
    int show_help;
    int help_top; /* the first key the help shows (it scrolls on small terminals) */
    int colour;          /* colours in use (not NO_COLOR, terminal has them) */
    int utf8;
    int allow_sextant;   /* terminal not known to draw sextants with gaps */
    int quitting;
    int qr_inverted;     /* monochrome only: QR flipped for light backgrounds */
    qr_style style;      /* user's choice; AUTO lets the fit decide */
    int profile_cursor;
    wchar_t name_buf[64];
    int name_len;
    char name_error[160];
    /* Lists of the flow's steps (projects, channels, modes, webhook events). */
    int project_cursor, channel_cursor, mode_cursor, event_cursor;
    int confirm;               /* a question waits (ACT_DELETE, ACT_LIVE): keys typed ahead are dropped */
    /* Name step fields beyond the name: Keebai pipeline, Whapi phone; focus 0..2. */
    wchar_t pipeline_buf[64], phone_buf[40];
    int pipeline_len, phone_len, form_focus;
    tui_form form;             /* add, connect and test screens (secrets wiped on leave) */
    char form_error[300];      /* the form's own one-line refusal */
    int reveal;                /* result: HydraCore's verify token shown in full */
    char *revealed;            /* ...fetched from the vault for that (guarded), or NULL */
    char reveal_why[300];      /* why it could not be fetched */
    wchar_t url_buf[256];      /* webhook URL */
    int url_len;
    /* Whose data the fields above hold ("profile\x1fchannel id"): a change wipes them. */
    char form_owner[400];
    /* The customer's language for the words they read (phone steps, test message): the
       profile's customer_lang for each new customer, L on the pairing screen changes it. */
    char customer_lang[8];
    const char *subtitle;
    const char *demo_hint;
    const char *demo_url;
    char demo_line[512];
    uint64_t tick_timer;

    /* The vault (use_vault only). Secrets are never kept here: only the unlocked handle. */
    app_mode mode;
    int use_vault;
    vault *vault;                 /* NULL while locked */
    char vault_path[1024];
    uint64_t lock_after_ms;
    uint64_t last_input_ms;       /* last key, for the auto-lock */
    uint64_t lock_timer;
    int unlock_failures;          /* wrong passphrases in a row: the delay grows */
    uint64_t unlock_wait_until;   /* no attempt before this (monotonic ms) */
    char notice[256];             /* one line carried to the next screen ("vault deleted") */
    /* Profiles from the config file, aligned with f.profiles: the vault entry of each. */
    char (*profile_secret)[PROFILE_NAME_MAX + 1];
    char (*profile_api_key)[PROFILE_NAME_MAX + 1]; /* HydraCore X-Api-Key entry, "" = none */
    char profile_error[512];      /* the profile file could not be read */
    struct timespec profiles_mtime; /* the file as last read, to see changes */
    off_t profiles_size;
    char token_error[256];        /* the chosen profile's secret could not be fetched */
    int vault_cursor;
    app_vault_edit vault_edit;
    char vault_target[VAULT_NAME_MAX + 1]; /* entry being renamed/replaced/deleted */
    loop_timer_fn after_frame;    /* runs on the turn after the next frame is on screen */
    /* Without a vault (demo, HUBDESK_TOKEN): secrets the hub handed out, for this run only. */
    struct app_mem_secret {
        char name[VAULT_NAME_MAX + 1];
        char *secret; /* guarded */
    } *mem_secrets;
    size_t nmem_secrets;
    int quit_asked; /* q with mem_secrets: "they will be lost, quit? y/N" is on screen */
    int locale_refused; /* a non-ASCII key was refused (non-UTF-8 locale): says why, until a key */
};

/* Wipes what was typed for one customer (channel name, pipeline, phone, webhook URL, the
   list cursors and form messages): when the hub account or the channel changes, and on lock.
   What was typed on the same channel stays. */
void app_forget_customer(app *a);

/* `msgid` in the customer's language (app.customer_lang; "" = the agent's). */
const char *app_customer_text(const app *a, const char *msgid);

/* Runs the console until the user quits. Profiles must be added to a->f before. */
int app_run(app *a);

/* Sets up loop, http and flow (profiles added by the caller afterwards). 0 or -1. */
int app_init(app *a, const app_options *o);
void app_release(app *a);

/* Switches to an app-level screen, or back to the flow's (APP_MODE_FLOW). */
void app_set_mode(app *a, app_mode m);
/* Draws the current frame, then runs fn from a 0 ms timer: for blocking work (Argon2id)
   behind a "working..." frame, so the screen never looks frozen. */
void app_after_frame(app *a, loop_timer_fn fn);

/* app_vault.c: the vault around the flow. */
/* Takes an unlocked vault: loads the profiles, arms the auto-lock, opens the profile step. */
void app_vault_unlocked(app *a, vault *v);
/* Stops any pairing, closes the vault (wiping its key), forgets what was decrypted and
   returns to the unlock screen. No-op without an open vault. */
void app_lock(app *a);
/* app_secrets.c: where the flow's secrets come from and go to (flow_secrets). */
/* Installs the callbacks on a->f: the vault when one is open, else memory for this run. */
void app_secrets_install(app *a);
/* Wipes the secrets kept in memory (no-vault runs) and frees them. */
void app_secrets_forget(app *a);
/* A secret kept for this profile under tag/id ("verify"/<instance>): from the vault, or from
   memory in a no-vault run. Guarded copy the caller frees with secret_free; NULL with why. */
char *app_stored_secret(app *a, const char *tag, const char *id, char *why, size_t whysz);
/* Hides a revealed secret again and wipes the fetched copy. */
void app_reveal_off(app *a);
/* Starts a session with the chosen name (QR mode). */
hd_status app_start_pairing(app *a, const char *name);
/* r on the pairing/result screens: fetch, flow_retry, drop; back to the name step on error. */
void app_retry_pairing(app *a);
/* On the profile step: reads the profile file again if it changed. 1 if it did. */
int app_profiles_reload_if_changed(app *a);
/* Vault mode: the entry name of profile i, or NULL. */
const char *app_profile_secret(const app *a, int i);
/* Vault mode: the X-Api-Key entry of profile i ("" = none), or NULL. */
const char *app_profile_api_key(const app *a, int i);
/* Writes profile i's remembered lists into the profile file. 0, or -1 with why. */
int app_profile_remember(app *a, int i, const json_t *remembered, char *why, size_t whysz);
/* Restarts the flow with no profiles (stops any session, frees the profiles' tokens). */
void app_flow_restart(app *a);

#endif
