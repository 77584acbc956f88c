/* scr_add.c: what a hub cannot list, entered once and remembered per profile: a HydraCore
 * instance id, a Chatt2.me channel (UUID and kind) or a HubMessage channel made elsewhere. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static unsigned caps(const app *a)
{
    return a->f.profile >= 0 ? a->f.profiles[a->f.profile].ops->caps : 0;
}

static void add_enter(app *a)
{
    tui_form *fm = &a->form;
    form_reset(fm);
    a->form_error[0] = '\0';
    if (a->f.add_projects) {
        form_add(fm, "id", _("Instance id:"), _("a UUID like 497f6eca-6276-4993-bfeb-53cbbbba6f08"),
                 FORM_TEXT, 36);
        form_add(fm, "name", _("Name:"), _("optional: how the list shows it"), FORM_TEXT, 60);
        return;
    }
    int kinds = !!(caps(a) & PROVIDER_CAP_CHANNEL_KIND);
    form_add(fm, "id", _("Channel id:"),
             kinds ? _("the channel UUID: Application dashboard > Channels")
                   : _("the channel id the HubMessage dashboard shows"),
             FORM_TEXT, kinds ? 36 : 128);
    if (kinds) {
        form_item *k = form_add(fm, "kind", _("Kind:"), _("Space or Left/Right to choose"),
                                FORM_CHOICE, 0);
        if (k) {
            k->choices = provider_channel_kinds();
            k->choice_label = provider_channel_kind_label;
            k->choice = 0;
        }
    }
    form_add(fm, "name", _("Name:"), _("optional: how the list shows it"), FORM_TEXT, 60);
}

static void add_leave(app *a)
{
    form_reset(&a->form);
    curs_set(0);
}

static void add_draw(app *a)
{
    const flow *f = &a->f;
    ui_title_bar(a, a->f.add_projects ? _("Add an instance") : _("Add a channel"));
    int y = 2 + ui_wrap(2, 2, COLS - 4, 3, ROLE_TEXT,
                        a->f.add_projects
                            ? _("HydraCore cannot list a deployment's instances: enter the id of "
                                "the customer's instance once; hubdesk remembers it for this "
                                "profile.")
                            : _("The hub cannot list its channels: enter the id once and hubdesk "
                                "remembers it for this profile. Nothing is sent to the hub.")) +
            1;
    ui_hint_bar(_("Enter add  Tab next field  Space choose  Esc back  F1 help"));
    if (a->form_error[0] && !json_object_size(f->field_errors))
        ui_wrap(LINES - 4, 2, COLS - 4, 2, ROLE_ERROR, a->form_error);
    form_draw(&a->form, y, LINES - 5 - y, f->field_errors, a->utf8);
}

static int add_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    tui_form *fm = &a->form;
    if (form_key(fm, act, is_keycode, ch)) {
        a->form_error[0] = '\0';
        return SCREEN_HANDLED;
    }
    if (act == ACT_SELECT) {
        if (flow_submit_add(&a->f, form_text(fm, "id"), form_text(fm, "name"),
                            form_choice(fm, "kind"), a->form_error,
                            sizeof a->form_error) == HD_ERR_USAGE)
            form_focus_error(fm, a->f.field_errors);
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

const screen_ops screen_add = {
    .name = "add",
    .enter = add_enter,
    .leave = add_leave,
    .draw = add_draw,
    .key = add_key,
    .takes_text = 1,
};
