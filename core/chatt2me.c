/* chatt2me.c: placeholder until the driver lands (issue 5): the hub is listed, nothing is called. */
#include "provider.h"
#include "i18n.h"

#include <stddef.h>

const provider_ops provider_chatt2me = {
    .id = "chatt2me",
    .label = "Chatt2.me",
    .project_word = N_("application"),
    .default_base_url = "https://api.chatt2.me",
    .caps = PROVIDER_CAP_TEST_MESSAGE | PROVIDER_CAP_WEBHOOK | PROVIDER_CAP_LOCAL_CHANNELS |
            PROVIDER_CAP_CHANNEL_KIND,
};
