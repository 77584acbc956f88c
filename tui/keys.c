/* keys.c: the one key table; screens see actions, only text fields see raw characters. */
#include "keys.h"
#include "i18n.h"

#include <curses.h>

static const struct {
    const char *label;
    const char *help;
    int vault_only;
} action_info[ACT_COUNT] = {
    [ACT_NONE] = {"", "", 0},
#define TUI_ACTION_ROW(a, k, h, v) [a] = {k, h, v},
    TUI_ACTION_LIST(TUI_ACTION_ROW)
#undef TUI_ACTION_ROW
};

static const struct {
    int is_keycode;
    wint_t ch;
    tui_action action;
} key_table[] = {
    {1, KEY_ENTER, ACT_SELECT}, {0, L'\n', ACT_SELECT},    {0, L'\r', ACT_SELECT},
    {1, KEY_UP, ACT_UP},        {0, L'k', ACT_UP},         {1, KEY_DOWN, ACT_DOWN},
    {0, L'j', ACT_DOWN},        {0, 27, ACT_BACK},         {0, L'b', ACT_BACK},
    {1, KEY_LEFT, ACT_BACK},    {0, L's', ACT_STYLE},      {0, L'r', ACT_RETRY},
    {0, L'?', ACT_HELP},        {1, KEY_F(1), ACT_HELP},   {0, 12, ACT_REDRAW},
    {0, L'i', ACT_INVERT},      {0, L'q', ACT_QUIT},       {0, L'Q', ACT_QUIT},
    {0, L'\t', ACT_NEXT},       {1, KEY_BTAB, ACT_UP},     {0, L' ', ACT_CYCLE},
    {1, KEY_RIGHT, ACT_CYCLE},  {0, L'v', ACT_VAULT},      {0, L'a', ACT_ADD},
    {0, L'n', ACT_NEW},           {0, L'c', ACT_REPLACE},    {0, L'd', ACT_DELETE},
    {1, KEY_DC, ACT_DELETE},    {0, 24, ACT_LOCK},         {0, 18, ACT_FORGOT},
    {0, L'w', ACT_WEBHOOK},     {0, L'l', ACT_LIVE},       {0, L'h', ACT_HEALTH},
    {0, L't', ACT_FILTER},      {0, L'm', ACT_TEST},       {0, L'L', ACT_CUSTOMER_LANG},
};

tui_action keys_action(int is_keycode, wint_t ch)
{
    for (size_t i = 0; i < sizeof key_table / sizeof key_table[0]; i++)
        if (key_table[i].is_keycode == is_keycode && key_table[i].ch == ch)
            return key_table[i].action;
    return ACT_NONE;
}

const char *keys_label(tui_action a)
{
    return (unsigned)a < ACT_COUNT ? action_info[a].label : "";
}

const char *keys_help(tui_action a)
{
    return (unsigned)a < ACT_COUNT && action_info[a].help[0] ? _(action_info[a].help) : "";
}

int keys_vault_only(tui_action a)
{
    return (unsigned)a < ACT_COUNT && action_info[a].vault_only;
}
