/*
 * The version string (see version.h).
 */
#include "base/version.h"

const char spawnd_version[] = PACKAGE_VERSION;
