/* hubmessage.c: placeholder until the driver lands (issue 5): the hub is listed, nothing is called. */
#include "provider.h"
#include "i18n.h"

#include <stddef.h>

const provider_ops provider_hubmessage = {
    .id = "hubmessage",
    .label = "HubMessage",
    .project_word = N_("account"),
    .default_base_url = "https://api.hubmessage.io",
    .caps = PROVIDER_CAP_SIGNUP_CODE | PROVIDER_CAP_CHANNEL_CREATE | PROVIDER_CAP_TEST_MESSAGE |
            PROVIDER_CAP_LOCAL_CHANNELS | PROVIDER_CAP_STATUS,
};
