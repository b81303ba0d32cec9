/*
 * The version, as one string in the binary: -V, the start-up line, the
 * status and metrics services all print this one (the reload tests make
 * "another release" by patching it, which needs exactly one copy).
 */
#ifndef SPAWND_BASE_VERSION_H
#define SPAWND_BASE_VERSION_H

extern const char spawnd_version[];

#endif
