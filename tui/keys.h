/* keys.h: key -> action table; the help overlay is generated from the same list. */
#ifndef HD_TUI_KEYS_H
#define HD_TUI_KEYS_H

#include <wchar.h>

/* X(action, key label shown in help, help text) */
#define TUI_ACTION_LIST(X)                                                                        \
    X(ACT_SELECT, "Enter", N_("choose / confirm"))                                                \
    X(ACT_UP, "Up k", N_("move up"))                                                              \
    X(ACT_DOWN, "Down j", N_("move down"))                                                        \
    X(ACT_BACK, "Esc b", N_("go back (stops a running pairing)"))                                 \
    X(ACT_STYLE, "s", N_("switch QR style: auto, half-block, sextant, large, ASCII"))             \
    X(ACT_RETRY, "r", N_("start a new pairing session"))                                          \
    X(ACT_INVERT, "i", N_("invert the QR (terminals without colours, light backgrounds)"))        \
    X(ACT_HELP, "?", N_("show or hide this help"))                                                \
    X(ACT_REDRAW, "Ctrl-L", N_("redraw the screen"))                                              \
    X(ACT_QUIT, "q", N_("quit hubdesk (Ctrl-C too)"))

typedef enum tui_action {
    ACT_NONE = 0,
#define TUI_ACTION_ENUM(a, k, h) a,
    TUI_ACTION_LIST(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
        ACT_COUNT
} tui_action;

/* Maps a key from wget_wch (is_keycode: KEY_CODE_YES) to an action; ACT_NONE if unbound. */
tui_action keys_action(int is_keycode, wint_t ch);

/* Label ("Enter") and translated help text of an action, for the help overlay. */
const char *keys_label(tui_action a);
const char *keys_help(tui_action a);

#endif
