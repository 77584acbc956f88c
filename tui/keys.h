/* keys.h: key -> action table; the help overlay is generated from the same list. */
#ifndef HD_TUI_KEYS_H
#define HD_TUI_KEYS_H

#include <wchar.h>

/* X(action, key label shown in help, help text, 1 if it only applies when a vault is in use) */
#define TUI_ACTION_LIST(X)                                                                        \
    X(ACT_SELECT, "Enter", N_("choose / confirm"), 0)                                             \
    X(ACT_UP, "Up k", N_("move up"), 0)                                                           \
    X(ACT_DOWN, "Down j", N_("move down"), 0)                                                     \
    X(ACT_NEXT, "Tab", N_("next field of a form"), 0)                                             \
    X(ACT_CYCLE, "Space", N_("toggle or next choice (webhook events, coexistence, entry kind)"), 0) \
    X(ACT_BACK, "Esc b", N_("go back (stops a running pairing); b only on lists"), 0)                              \
    X(ACT_STYLE, "s", N_("switch QR style: auto, half-block, sextant, large, ASCII"), 0)          \
    X(ACT_RETRY, "r", N_("new pairing session; reload a list from the hub"), 0)                   \
    X(ACT_NEW, "n", N_("channels: link a new channel; vault: rename the secret"), 0)              \
    X(ACT_WEBHOOK, "w", N_("set the webhook (channels and result screens)"), 0)                   \
    X(ACT_LIVE, "l", N_("Whapi: switch the channel from trial to live (asks first)"), 0)          \
    X(ACT_HEALTH, "h", N_("read the channel's status (Whapi health, HydraCore, HubMessage)"), 0)  \
    X(ACT_TEST, "m", N_("send a test message (HubMessage, Chatt2.me)"), 0)                        \
    X(ACT_FILTER, "t", N_("Keebai channels: filter by type"), 0)                                  \
    X(ACT_INVERT, "i", N_("invert the QR (terminals without colours, light backgrounds)"), 0)     \
    X(ACT_CUSTOMER_LANG, "L", N_("pairing: the customer's language, for the phone steps and the "  \
                                 "test message"), 0)                                              \
    X(ACT_VAULT, "v", N_("open the vault (from the hub account list)"), 1)                        \
    X(ACT_ADD, "a", N_("vault: add a secret"), 1)                                                 \
    X(ACT_REPLACE, "c", N_("vault: change (replace) the secret's value"), 1)                      \
    X(ACT_DELETE, "d Del", N_("delete a channel, tear down (HydraCore), forget a remembered id, "  \
                              "or delete a vault secret (asks first)"), 0)                        \
    X(ACT_LOCK, "Ctrl-X", N_("lock the vault now (also when idle, see --lock-after)"), 1)         \
    X(ACT_FORGOT, "Ctrl-R", N_("forgot the passphrase: reset the vault, losing every secret"), 1) \
    X(ACT_HELP, "F1 ?", N_("show or hide this help; ? only on lists"), 0)                                             \
    X(ACT_REDRAW, "Ctrl-L", N_("redraw the screen"), 0)                                           \
    X(ACT_QUIT, "q", N_("quit hubdesk (Ctrl-C too); in a form q is a letter"), 0)

typedef enum tui_action {
    ACT_NONE = 0,
#define TUI_ACTION_ENUM(a, k, h, v) a,
    TUI_ACTION_LIST(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
        ACT_COUNT
} tui_action;

/* Maps a key from wget_wch (is_keycode: KEY_CODE_YES) to an action; ACT_NONE if unbound. */
tui_action keys_action(int is_keycode, wint_t ch);

/* Label ("Enter") and translated help text of an action, for the help overlay. */
const char *keys_label(tui_action a);
const char *keys_help(tui_action a);
/* 1 if the action only means something when the console uses the vault. */
int keys_vault_only(tui_action a);

#endif
