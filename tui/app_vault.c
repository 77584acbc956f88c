/* app_vault.c: the vault around the flow: profiles after unlock, tokens just in time, locking. */
#include "app.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What the profile file looked like when last read: a change means read it again. */
static void file_stamp(const char *path, struct timespec *mtime, off_t *size)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        *mtime = sb.st_mtim;
        *size = sb.st_size;
    } else {
        memset(mtime, 0, sizeof *mtime);
        *size = -1;
    }
}

/* Profiles from the config file become flow profiles without a token: it stays in the vault. */
static void load_profiles(app *a)
{
    char path[1024];
    profile_list l = {0};
    app_flow_restart(a);
    free(a->profile_secret);
    a->profile_secret = NULL;
    free(a->profile_api_key);
    a->profile_api_key = NULL;
    a->profile_error[0] = '\0';
    if (profile_default_path(path, sizeof path) < 0) {
        snprintf(a->profile_error, sizeof a->profile_error, "%s",
                 _("no config directory: set HOME or an absolute XDG_CONFIG_HOME"));
        return;
    }
    file_stamp(path, &a->profiles_mtime, &a->profiles_size);
    if (profile_load(path, &l, a->profile_error, sizeof a->profile_error) < 0)
        return; /* the file is left alone: never written over */
    a->profile_secret = calloc(l.n ? l.n : 1, sizeof *a->profile_secret);
    a->profile_api_key = calloc(l.n ? l.n : 1, sizeof *a->profile_api_key);
    for (size_t i = 0; a->profile_secret && a->profile_api_key && i < l.n; i++) {
        const provider_ops *ops = provider_find(l.items[i].provider);
        if (!ops)
            continue; /* profile_load validated it; a driver may still be missing here */
        int idx = flow_profile_add(&a->f, l.items[i].label, ops, l.items[i].base_url, NULL);
        if (idx >= 0) {
            flow_profile_set(&a->f, idx, l.items[i].name, l.items[i].gate_url);
            flow_profile_set_customer_lang(&a->f, idx, l.items[i].customer_lang);
        }
        if (idx >= 0)
            flow_profile_set_country(&a->f, idx, l.items[i].country);
        if (idx >= 0 && l.items[i].remembered)
            flow_profile_set_extra(&a->f, idx, l.items[i].remembered, NULL);
        if (idx >= 0) {
            snprintf(a->profile_secret[idx], sizeof a->profile_secret[idx], "%s",
                     l.items[i].secret);
            snprintf(a->profile_api_key[idx], sizeof a->profile_api_key[idx], "%s",
                     l.items[i].api_key_secret);
        }
    }
    profile_list_free(&l);
    if (a->profile_cursor >= (int)a->f.nprofiles)
        a->profile_cursor = 0;
}

int app_profiles_reload_if_changed(app *a)
{
    char path[1024];
    struct timespec mtime;
    off_t size;
    if (!a->vault || a->f.step != FLOW_STEP_PROFILE || a->mode != APP_MODE_FLOW ||
        profile_default_path(path, sizeof path) < 0)
        return 0;
    file_stamp(path, &mtime, &size);
    if (size == a->profiles_size && mtime.tv_sec == a->profiles_mtime.tv_sec &&
        mtime.tv_nsec == a->profiles_mtime.tv_nsec)
        return 0;
    load_profiles(a);
    return 1;
}

static void on_lock_timer(loop *l, void *arg)
{
    app *a = arg;
    uint64_t idle = loop_now_ms() - a->last_input_ms;
    a->lock_timer = 0;
    if (idle >= a->lock_after_ms) {
        app_lock(a);
        snprintf(a->notice, sizeof a->notice, _("The vault was locked after %d minute(s) without a key."),
                 (int)(a->lock_after_ms / 60000));
    } else /* a key came in meanwhile: wait for the rest of the idle time */
        a->lock_timer = loop_timer_add(l, a->lock_after_ms - idle, on_lock_timer, a);
}

void app_vault_unlocked(app *a, vault *v)
{
    a->vault = v;
    a->unlock_failures = 0;
    a->unlock_wait_until = 0;
    a->notice[0] = a->token_error[0] = '\0';
    a->profile_cursor = 0;
    load_profiles(a);
    a->last_input_ms = loop_now_ms();
    loop_timer_cancel(a->l, a->lock_timer);
    a->lock_timer = loop_timer_add(a->l, a->lock_after_ms, on_lock_timer, a);
    app_set_mode(a, APP_MODE_FLOW);
}

void app_lock(app *a)
{
    if (!a->vault)
        return;
    app_flow_restart(a); /* stops the session; frees the profiles and any token copy */
    app_reveal_off(a);
    app_forget_customer(a); /* the next agent to unlock sees no customer's typing */
    a->form_owner[0] = '\0';
    free(a->profile_secret);
    a->profile_secret = NULL;
    free(a->profile_api_key);
    a->profile_api_key = NULL;
    vault_close(a->vault); /* wipes the key */
    a->vault = NULL;
    loop_timer_cancel(a->l, a->lock_timer);
    a->lock_timer = 0;
    a->show_help = 0;
    a->token_error[0] = '\0';
    snprintf(a->notice, sizeof a->notice, "%s", _("The vault was locked."));
    /* The screen being left wipes its own fields (leave) when the unlock screen comes. */
    app_set_mode(a, APP_MODE_UNLOCK);
}

const char *app_profile_secret(const app *a, int i)
{
    if (!a->profile_secret || i < 0 || (size_t)i >= a->f.nprofiles)
        return NULL;
    return a->profile_secret[i];
}

hd_status app_start_pairing(app *a, const char *name)
{
    a->token_error[0] = '\0';
    return flow_set_name(&a->f, name); /* the flow fetches the token through app_secrets */
}

void app_retry_pairing(app *a)
{
    a->token_error[0] = '\0';
    flow_retry(&a->f);
}

const char *app_profile_api_key(const app *a, int i)
{
    return a->profile_api_key && i >= 0 && (size_t)i < a->f.nprofiles ? a->profile_api_key[i]
                                                                       : NULL;
}

/* A profile's remembered items replaced under the profiles lock. */
typedef struct remember_tx {
    const char *name;
    const json_t *remembered;
} remember_tx;

static int remember_apply(profile_list *l, void *arg, char *why, size_t whysz)
{
    remember_tx *t = arg;
    int at = profile_find(l, t->name);
    if (at < 0) {
        snprintf(why, whysz, "%s", _("the profile is no longer in the file"));
        return -1;
    }
    json_t *copy = t->remembered ? json_deep_copy(t->remembered) : NULL;
    if (t->remembered && !copy) {
        snprintf(why, whysz, "%s", _("out of memory"));
        return -1;
    }
    json_decref(l->items[at].remembered);
    l->items[at].remembered = copy;
    return 0;
}

/* Locked read, change one profile, write: another hubdesk may have edited the file meanwhile. */
int app_profile_remember(app *a, int i, const json_t *remembered, char *why, size_t whysz)
{
    char path[1024];
    remember_tx t = {i >= 0 && (size_t)i < a->f.nprofiles ? a->f.profiles[i].name : NULL,
                     remembered};
    if (!t.name || profile_default_path(path, sizeof path) < 0) {
        snprintf(why, whysz, "%s", _("no profile file"));
        return -1;
    }
    int rc = profile_transact(path, &(profile_change){remember_apply, NULL, &t}, why, whysz);
    if (rc == 0) /* our own write is not a change to reload for */
        file_stamp(path, &a->profiles_mtime, &a->profiles_size);
    return rc;
}
